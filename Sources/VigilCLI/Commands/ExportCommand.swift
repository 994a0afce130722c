import ArgumentParser
import Foundation
import Vigil

/// `vigil export RUN_DIR`: a run's results as CSV, TSV or JSON Lines.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a run's results as CSV, TSV or JSON Lines, for a spreadsheet, R or a database.",
        discussion: """
            Columns: id, path, then the result's fields: in the success schema's property order when \
            the run's pinned schema is still there, else in the order they were first seen. A nested \
            object's fields become dotted names (location.country); an array is one cell holding its \
            JSON text. CSV is RFC 4180 (quoted as needed, CRLF line ends, UTF-8). Rows are sorted by \
            item id, so the same results export to the same bytes. A merged shard run (vigil merge) \
            exports as one run.

            Exit status: 0; 2 when the run folder cannot be read, a field is unknown, or the file \
            cannot be written.
            """
    )

    @Argument(
        help: ArgumentHelp(
            "The run folder (runs/<name>/<run-id>), or a job file for its newest run.", valueName: "run-dir"))
    var runFolder: String

    /// `--format`, as the library names its formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, tsv, jsonl
    }

    @Option(help: "csv, tsv or jsonl.")
    var format: Format = .csv

    @Option(
        help: ArgumentHelp(
            "Only these fields, in this order (comma-separated; dotted names for nested fields).",
            valueName: "a,b,c"))
    var fields: String?

    @Flag(help: "Failed items too, as rows with an error column.")
    var includeFailed = false

    @Option(
        name: [.customShort("o"), .long],
        help: ArgumentHelp(
            "Write to this file (written whole, then renamed into place); standard output otherwise.",
            valueName: "file"))
    var output: String?

    func run() throws {
        let export: ResultsExport
        do {
            let folder = try RunLocator.folder(runFolder)
            let chosen = fields?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            export = try ResultsExport(
                run: RecordedRun(at: folder.url.path), format: ResultsExport.Format(rawValue: format.rawValue)!,
                fields: chosen, includeFailed: includeFailed)
        } catch {
            throw CommandFailure("cannot export \(runFolder): \(error)", .invalidJobOrUsage)
        }
        guard let output else {
            try export.write { FileHandle.standardOutput.write($0) }
            return
        }
        let url = URL(fileURLWithPath: output)
        do {
            var whole = Data()
            try export.write { whole.append($0) }
            try AtomicFile.write(whole, to: url)
        } catch {
            throw CommandFailure("cannot write \(url.path): \(error)", .invalidJobOrUsage)
        }
        Console.error("exported \(export.rowCount) rows, \(export.header.count) columns: \(url.path)")
    }
}
