import ArgumentParser
import JSONSchema
import Vigil

/// `vigil schema validate --schema S FILE...`: check sample outputs against a schema.
struct SchemaValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate JSON, JSON Lines and YAML files against a JSON Schema (draft 2020-12).",
        discussion: """
            Each .jsonl/.ndjson line is one instance; a .json or .yaml/.yml file is one instance.
            Every failure is printed with its file:line:column, the value's JSON Pointer and the
            schema keyword. Exit status: 0 all valid, 1 some instance invalid or not JSON,
            2 the schema or the command line is wrong.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The JSON Schema (a .json or .yaml file).", valueName: "schema"))
    var schema: String

    @Argument(help: ArgumentHelp("Files to check.", valueName: "file"))
    var files: [String]

    @Option(help: "Output format: text, json, or github (GitHub Actions annotations).")
    var format: OutputFormat = .text

    @Flag(
        inversion: .prefixedNo, help: "Treat 'format' (date, email, uri, ...) as an assertion, not only an annotation.")
    var assertFormat = true

    mutating func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one file to check") }
    }

    func run() async throws {
        let renderer = format.renderer
        let compiled: Schema
        do {
            compiled = try SchemaFile.load(schema, options: SchemaOptions(assertsFormat: assertFormat))
        } catch {
            Console.output(renderer.render([error]))
            throw CommandFailure.exit(.invalidJobOrUsage)
        }
        var diagnostics: [Diagnostic] = []
        var checked = 0
        var invalid = 0
        for file in files {
            let (instances, problems) = InstanceFile.load(file)
            diagnostics += problems
            // A line or file that is not JSON counts as an invalid instance.
            checked += problems.count
            invalid += problems.count
            for instance in instances {
                checked += 1
                let found = SchemaCheck.diagnostics(for: instance, against: compiled)
                if !found.isEmpty { invalid += 1 }
                diagnostics += found
            }
        }
        Console.output(renderer.render(diagnostics))
        if format == .text {
            let files = files.count == 1 ? "1 file" : "\(files.count) files"
            Console.error(
                invalid == 0
                    ? "all \(checked) instances in \(files) are valid"
                    : "invalid: \(invalid) of \(checked) instances in \(files)")
        }
        if invalid > 0 { throw CommandFailure.exit(.invalidInstances) }
    }
}
