import ArgumentParser
import Foundation
import Vigil

/// `vigil report RUN_DIR [RUN_DIR2]`: one self-contained HTML file of a run.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML report of a run (and its diff with a second run).",
        discussion: """
            No network: it opens from disk, a mail or a static site. It holds the verdict and the pins, \
            the success rate over items and over time with the thresholds drawn on it, throughput and \
            items in flight, latency, failures by cause and by message, retries and 429s, cost against \
            the budget, the slowest items, and a sample of inputs beside what came of them (an image \
            linked by its path relative to the report). With a second run, their diff.

            Exit status: 0; 2 when a run folder cannot be read or the file cannot be written.
            """
    )

    @Argument(
        help: ArgumentHelp(
            "The run folder (runs/<name>/<run-id>), or a job file for its newest run.", valueName: "run-dir"))
    var runFolder: String

    @Argument(help: ArgumentHelp("A second run to compare it with.", valueName: "run-dir-2"))
    var other: String?

    @Option(
        name: [.customShort("o"), .long],
        help: ArgumentHelp("Where to write it (default: report.html in the run folder).", valueName: "file"))
    var output: String?

    func run() throws {
        let page: RunReportPage
        let location: URL
        do {
            let folder = try RunLocator.folder(runFolder)
            location = output.map { URL(fileURLWithPath: $0) } ?? folder.url.appendingPathComponent("report.html")
            let first = try RunReportPage.Run(RecordedRun(at: folder.url.path))
            let second = try other.map { try RunReportPage.Run(RecordedRun(at: RunLocator.folder($0).url.path)) }
            page = RunReportPage(run: first, other: second, location: location)
        } catch {
            throw CommandFailure("\(error)", .invalidJobOrUsage)
        }
        do {
            try AtomicFile.write(Data(page.html().utf8), to: location)
        } catch {
            throw CommandFailure("cannot write the report to \(location.path): \(error)", .invalidJobOrUsage)
        }
        Console.error("report: \(location.path)")
    }
}
