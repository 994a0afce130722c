import ArgumentParser
import Foundation
import Vigil

/// `vigil merge RUN_DIR`: join the shards of a sharded run.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the shards of a sharded run (RUN_DIR/shard-I-of-N) into one run folder's files.",
        discussion: """
            Checks that every shard is there and has ended, that their pins agree (job, prompt, \
            success schema, model, input set, Vigil), and that every item of the input set ended \
            exactly once in exactly one shard; then writes results.jsonl, failed.jsonl, events.jsonl \
            (ordered by time; each event keeps its shard and sequence number) and manifest.json \
            (counts summed; the status of the worst shard) into RUN_DIR. vigil report and watch \
            read the merged run.

            Exit status: 0 merged; 2 refused (what is wrong and what to do is printed).
            """
    )

    @Argument(help: ArgumentHelp("The sharded run's folder (runs/<name>/<run-id>).", valueName: "run-dir"))
    var runFolder: String

    func run() throws {
        let url = URL(fileURLWithPath: runFolder).standardizedFileURL
        let merged: ShardMerge.Merged
        do {
            merged = try ShardMerge.merge(url)
        } catch {
            Console.error(
                (["error: the shards of \(url.path) cannot be merged:"] + error.problems.map { "  \($0)" }).joined(
                    separator: "\n"))
            throw CommandFailure.exit(.invalidJobOrUsage)
        }
        let counts = merged.manifest.counts
        Console.error(
            "merged \(merged.shards.count) shards into \(url.path): \(merged.manifest.status.rawValue), \(counts.succeeded) of \(counts.total) items succeeded, \(counts.failed) failed"
                + (merged.manifest.verdict.map { " (\($0))" } ?? ""))
        if let cost = merged.manifest.cost { Console.error(Self.spendLine(cost)) }
        if merged.manifest.status != .completed {
            throw CommandFailure.exit(merged.manifest.status.exitStatus)
        }
    }

    /// `spent $0.0486 in all, of the run's budget.max_cost $0.05`, or a warning when the
    /// shards together spent more than the run's cap (an answer can cost more than its
    /// reservation: `overruns`).
    static func spendLine(_ cost: RunCostRecord) -> String {
        var line = "spent \(cost.spend.charged) in all"
        guard let maxCost = cost.budget?.maxCost else { return line }
        line += ", of the run's budget.max_cost \(maxCost)"
        if cost.spend.charged > maxCost {
            line =
                "warning: the shards \(line): over the cap by \(cost.spend.charged - maxCost)"
                + (cost.overruns > 0 ? " (\(cost.overruns) answers cost more than their reservation)" : "")
        }
        return line
    }
}
