import ArgumentParser
import Foundation
import Vigil

/// `vigil watch RUN_DIR|JOB`: a live view of a run from another terminal.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Watch a run from another terminal, following its event log, until it ends.",
        discussion: """
            Shows counts, rate, ETA, success rate, latency percentiles, cost, what is in flight or \
            what the run waits for (the breaker, provider batches), and the last failures grouped by \
            message; redrawn in place on a terminal, a plain line every few seconds otherwise. Ends \
            with the run. On a finished run it prints its summary; on a run that stopped without \
            ending (a crash, kill -9) it says so and how to resume.

            Exit status: the run's (0 completed, 3 aborted, 4 interrupted or crashed, 5 no item \
            succeeded); 2 when the folder cannot be read.
            """
    )

    @Argument(
        help: ArgumentHelp(
            "The run folder (runs/<name>/<run-id>), or a job file for its newest run.", valueName: "run-dir|job"))
    var run: String

    @Option(help: ArgumentHelp("Seconds between plain lines when the output is not a terminal.", valueName: "seconds"))
    var interval = 5.0

    func run() async throws {
        // A run folder, or the folder of a sharded run not merged yet: its shards are
        // followed together, as one run.
        let folders: [URL]
        let shards = ShardMerge.shardFolders(of: URL(fileURLWithPath: run).standardizedFileURL)
        if !shards.isEmpty
            && !FileManager.default.fileExists(
                atPath: URL(fileURLWithPath: run).appendingPathComponent("events.jsonl").path)
        {
            folders = shards
        } else {
            do {
                folders = [try RunLocator.folder(run).url]
            } catch {
                throw CommandFailure("\(error)", .invalidJobOrUsage)
            }
        }
        let isTerminal = isatty(STDOUT_FILENO) == 1
        var follower = RunFollower(folders: folders)
        var replay = RunReplay()
        var drawn = 0
        var lastPlain = 0.0
        var lastSequence = -1
        while true {
            let step: RunFollower.Step
            do {
                step = try follower.next()
            } catch {
                throw CommandFailure("\(error)", .invalidJobOrUsage)
            }
            for event in step.events { replay.apply(event) }
            let liveness = step.liveness
            let lines = WatchView.lines(
                replay, liveness: liveness, folder: RunReport.shellQuoted((step.unended ?? folders[0]).path))
            let now = Timestamp.now()
            let final = step.isFinal
            if isTerminal {
                // Redrawn in place: up over the last frame, each line cleared.
                var frame = drawn > 0 ? "\u{1B}[\(drawn)A" : ""
                for line in lines { frame += "\r\u{1B}[K" + line + "\n" }
                for _ in lines.count..<max(lines.count, drawn) { frame += "\r\u{1B}[K\n" }
                Console.output(frame)
                drawn = max(lines.count, drawn)
            } else if final || (replay.sequence != lastSequence && now - lastPlain >= interval) {
                Console.output(lines.joined(separator: "\n") + "\n")
                lastPlain = now
                lastSequence = replay.sequence
            }
            if final {
                switch liveness {
                case .crashed: throw CommandFailure.exit(.interrupted)
                default:
                    let status = replay.ending?.status.exitStatus ?? .interrupted
                    if status != .success { throw CommandFailure.exit(status) }
                    return
                }
            }
            try? await Task.sleep(for: .milliseconds(isTerminal ? 500 : 250))
        }
    }
}
