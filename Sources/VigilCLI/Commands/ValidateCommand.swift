import ArgumentParser
import Vigil

/// `vigil validate JOB...`: every problem in the job files, before anything runs.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check job files: YAML, the job schema, the prompt pin, inputs, success schema, secrets, settings.",
        discussion: """
            Nothing is run and nothing is written. Every problem is printed, sorted by position,
            as file:line:column with a code (see the README's list). Exit status: 0 every job is
            valid (warnings allowed), 2 a job is invalid or the command line is wrong.
            """
    )

    @Argument(help: ArgumentHelp("Job files to check.", valueName: "job"))
    var jobs: [String]

    @Option(help: "Output format: text, json, or github (GitHub Actions annotations).")
    var format: OutputFormat = .text

    mutating func validate() throws {
        if jobs.isEmpty { throw ValidationError("give at least one job file") }
    }

    func run() async throws {
        var diagnostics: [Diagnostic] = []
        var invalid = 0
        for job in jobs {
            let validation = JobLoader(purpose: .validate).load(job)
            diagnostics += validation.diagnostics
            if !validation.isValid { invalid += 1 }
            if format == .text {
                let warnings = validation.diagnostics.count { $0.severity == .warning }
                let errors = validation.errors.count
                let summary = validation.isValid
                    ? "\(job): valid" + (warnings > 0 ? " (\(warnings) warning\(warnings == 1 ? "" : "s"))" : "")
                    : "\(job): invalid (\(errors) error\(errors == 1 ? "" : "s")\(warnings > 0 ? ", \(warnings) warning\(warnings == 1 ? "" : "s")" : ""))"
                Console.error(summary)
            }
        }
        Console.output(format.renderer.render(diagnostics))
        if invalid > 0 { throw CommandFailure.exit(.invalidJobOrUsage) }
    }
}
