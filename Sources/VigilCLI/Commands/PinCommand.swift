import ArgumentParser
import Vigil

/// `vigil pin JOB...`: write the prompt's sha256 into job files, or (`--check`) say where a
/// pin is stale.
struct PinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pin",
        abstract: "Write the prompt file's sha256 into the job (prompt.sha256), keeping comments and formatting.",
        discussion: """
            With --check nothing is written: each stale or missing pin is reported at its line
            (exit 0 when every pin is current, 2 otherwise). Folders stand for the job files
            under them, as in `vigil validate`.
            """
    )

    @Argument(help: ArgumentHelp("Job files, or folders of them.", valueName: "job-or-folder"))
    var jobs: [String]

    @Flag(help: "Only report whether each pin is current.")
    var check = false

    @Option(help: "Output format of --check's findings: text, json, or github (GitHub Actions annotations).")
    var format: OutputFormat = .text

    mutating func validate() throws {
        if jobs.isEmpty { throw ValidationError("give at least one job file or folder") }
    }

    func run() async throws {
        let (files, empty) = JobFileFinder.expand(jobs)
        for folder in empty {
            Console.error("error: no job files under \(folder) (see `vigil validate --help` for what a job file is)")
        }
        var diagnostics: [Diagnostic] = []
        for job in files {
            do {
                switch try PromptPinner.pin(jobAt: job, checkOnly: check) {
                case .alreadyPinned(let digest):
                    // --check over a folder says only what is wrong, and a count at the end.
                    if !check { Console.error("\(job): prompt.sha256 is current (\(digest))") }
                case .pinned(let previous, let digest):
                    Console.error("\(job): prompt.sha256 \(previous.map { "\($0) -> " } ?? "set to ")\(digest)")
                case .outOfDate(let previous, let digest, let location, let promptFile):
                    diagnostics.append(
                        Self.stale(
                            job: job, previous: previous, digest: digest, location: location, promptFile: promptFile))
                }
            } catch {
                diagnostics.append(error)
            }
        }
        if !diagnostics.isEmpty { Console.output((check ? format : .text).renderer.render(diagnostics)) }
        if check {
            let current = files.count - diagnostics.count
            Console.error("\(current) of \(files.count) job file\(files.count == 1 ? "" : "s"): prompt pin current")
        }
        if !diagnostics.isEmpty || !empty.isEmpty { throw CommandFailure.exit(.invalidJobOrUsage) }
    }

    /// A pin that does not match the prompt file, said where the pin is written.
    static func stale(job: String, previous: String?, digest: String, location: SourceLocation, promptFile: String)
        -> Diagnostic
    {
        guard let previous else {
            return Diagnostic(
                .promptNotPinned, "prompt.sha256 is missing; the prompt file \(promptFile) has sha256 \(digest)",
                at: location,
                hint: "run `vigil pin \(job)` to pin it")
        }
        return Diagnostic(
            .promptMismatch, "prompt.sha256 pins \(previous), but the prompt file \(promptFile) has sha256 \(digest)",
            at: location,
            hint:
                "if the prompt was changed on purpose, run `vigil pin \(job)`; otherwise restore the prompt the job was pinned to"
        )
    }
}
