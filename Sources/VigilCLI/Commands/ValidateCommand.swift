import ArgumentParser
import Vigil

/// `vigil validate JOB...`: every problem in the job files, before anything runs.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check job files: YAML, the job schema, the prompt pin, inputs, success schema, secrets, settings.",
        discussion: """
            Nothing is run and nothing is written. Every problem is printed, sorted by position,
            as file:line:column with a code (docs/exit-codes-and-diagnostics.md lists them). Exit status: 0 every job is
            valid (warnings allowed), 2 a job is invalid or the command line is wrong.
            """
    )

    @Argument(
        help: ArgumentHelp(
            "Job files, or folders: every job file under a folder is checked (a .yaml/.yml file whose leading comment "
                + "names job.v1.schema.json, or named *.job.yaml; hidden folders and run folders are skipped).",
            valueName: "job-or-folder"))
    var jobs: [String]

    @Option(help: "Output format: text, json, or github (GitHub Actions annotations).")
    var format: OutputFormat = .text

    @Option(
        help: ArgumentHelp(
            "Check that the job can run as this many shards without a coordinator (each keeps 1/N of the budget).",
            valueName: "n"))
    var shards: Int?

    @Flag(
        help:
            "Skip files that are not job files by the folder rule, silently (for hooks given every changed YAML file).")
    var onlyJobFiles = false

    mutating func validate() throws {
        if jobs.isEmpty { throw ValidationError("give at least one job file or folder") }
        if let shards, shards < 1 { throw ValidationError("--shards must be at least 1") }
    }

    func run() async throws {
        var diagnostics: [Diagnostic] = []
        var invalid = 0
        let (files, empty) = JobFileFinder.expand(jobs)
        for folder in empty {
            Console.error(
                "error: no job files under \(folder): a job file is a .yaml/.yml file whose leading comment names \(JobFileFinder.schemaName) "
                    + "(# yaml-language-server: $schema=.../job.v1.schema.json) or whose name ends in .job.yaml")
        }
        for job in files where !onlyJobFiles || JobFileFinder.isJobFile(job) {
            var validation = JobLoader(purpose: .validate).load(job)
            if let shards { validation.checkShares(among: shards) }
            diagnostics += validation.diagnostics
            if !validation.isValid { invalid += 1 }
            if format == .text {
                let warnings = validation.diagnostics.count { $0.severity == .warning }
                let errors = validation.errors.count
                let summary =
                    validation.isValid
                    ? "\(job): valid" + (warnings > 0 ? " (\(warnings) warning\(warnings == 1 ? "" : "s"))" : "")
                    : "\(job): invalid (\(errors) error\(errors == 1 ? "" : "s")\(warnings > 0 ? ", \(warnings) warning\(warnings == 1 ? "" : "s")" : ""))"
                Console.error(summary)
            }
        }
        Console.output(format.renderer.render(diagnostics))
        if invalid > 0 || !empty.isEmpty { throw CommandFailure.exit(.invalidJobOrUsage) }
    }
}
