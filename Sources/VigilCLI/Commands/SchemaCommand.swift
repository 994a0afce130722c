import ArgumentParser
import Vigil

/// `vigil schema`: the job schema, and JSON Schema tools.
struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the job file's JSON Schema, or validate files against a schema.",
        subcommands: [SchemaShowCommand.self, SchemaValidateCommand.self],
        defaultSubcommand: SchemaShowCommand.self
    )
}

/// `vigil schema [show]`: prints `schemas/job.v1.schema.json`, embedded in the binary.
struct SchemaShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the job file's JSON Schema (for editors and other validators)."
    )

    func run() async throws {
        Console.output(JobSchema.text.hasSuffix("\n") ? JobSchema.text : JobSchema.text + "\n")
    }
}
