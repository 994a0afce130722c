import ArgumentParser
import Vigil

/// `vigil diff RUN_A RUN_B`: compare two runs' manifests and results item by item.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract:
            "Compare two runs: what they pinned (job, prompt, schema, model, inputs, Vigil) and their results item by item.",
        discussion:
            "Exit status: 0 every item has the same outcome in both runs, 1 they differ, 2 a run folder cannot be read."
    )

    @Argument(help: ArgumentHelp("The first run folder (or its manifest.json).", valueName: "run-a"))
    var runA: String

    @Argument(help: ArgumentHelp("The second run folder (or its manifest.json).", valueName: "run-b"))
    var runB: String

    @Option(help: "Show at most this many items of each kind.")
    var limit = 20

    func run() throws {
        let a: RecordedRun
        let b: RecordedRun
        let comparison: RunComparison
        do {
            a = try RecordedRun(at: runA)
            b = try RecordedRun(at: runB)
            comparison = try RunComparison(a, b)
        } catch {
            Console.error("error: \(error)")
            throw CommandFailure.exit(.invalidJobOrUsage)
        }
        var lines = [
            "A: \(a.manifest.runID) (\(a.manifest.status.rawValue), \(a.manifest.counts.succeeded) succeeded, \(a.manifest.counts.failed) failed)"
        ]
        lines.append(
            "B: \(b.manifest.runID) (\(b.manifest.status.rawValue), \(b.manifest.counts.succeeded) succeeded, \(b.manifest.counts.failed) failed)"
        )
        if comparison.pins.isEmpty {
            lines.append("pins: the same job, prompt, success schema, model, inputs and Vigil version")
        } else {
            lines.append("pins that differ:")
            lines += comparison.pins.map { "  \($0)" }
        }
        lines.append(
            "items: \(comparison.identical) same outcome, \(comparison.changedResults.count) different result, "
                + "\(comparison.newlyFailed.count) succeeded in A but failed in B, \(comparison.newlySucceeded.count) failed in A but succeeded in B, "
                + "\(comparison.onlyInA.count) only in A, \(comparison.onlyInB.count) only in B")
        if let costLine = comparison.costLine { lines.append(costLine) }
        func section<T>(_ title: String, _ items: [T], _ line: (T) -> String) {
            guard !items.isEmpty else { return }
            lines.append(title + (items.count > limit ? " (first \(limit) of \(items.count))" : "") + ":")
            lines += items.prefix(limit).map { "  " + line($0) }
        }
        section("different results", comparison.changedResults) {
            "\($0.item): " + $0.changes.prefix(3).joined(separator: "; ") + ($0.changes.count > 3 ? "; ..." : "")
        }
        section("succeeded in A, failed in B", comparison.newlyFailed) { "\($0.item): \($0.error)" }
        section("failed in A, succeeded in B", comparison.newlySucceeded) { $0 }
        section("only in A", comparison.onlyInA) { $0 }
        section("only in B", comparison.onlyInB) { $0 }
        Console.output(lines.joined(separator: "\n") + "\n")
        if !comparison.sameOutcomes { throw CommandFailure.exit(.invalidInstances) }
    }
}
