import ArgumentParser
import Vigil

/// `vigil pin JOB`: write the prompt's sha256 into the job file.
struct PinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pin",
        abstract: "Write the prompt file's sha256 into the job (prompt.sha256), keeping comments and formatting.",
        discussion: "With --check nothing is written: exit 0 when the pin is current, 2 when it is missing or stale."
    )

    @Argument(help: ArgumentHelp("The job file.", valueName: "job"))
    var job: String

    @Flag(help: "Only report whether the pin is current.")
    var check = false

    func run() async throws {
        do {
            switch try PromptPinner.pin(jobAt: job, checkOnly: check) {
            case .alreadyPinned(let digest):
                Console.error("\(job): prompt.sha256 is current (\(digest))")
            case .pinned(let previous, let digest):
                Console.error("\(job): prompt.sha256 \(previous.map { "\($0) -> " } ?? "set to ")\(digest)")
            case .outOfDate(let previous, let digest):
                Console.error("\(job): prompt.sha256 is \(previous ?? "missing"), the prompt file's is \(digest); run `vigil pin \(job)`")
                throw CommandFailure.exit(.invalidJobOrUsage)
            }
        } catch let diagnostic as Diagnostic {
            Console.output(DiagnosticRenderer(format: .text).render([diagnostic]))
            throw CommandFailure.exit(.invalidJobOrUsage)
        }
    }
}
