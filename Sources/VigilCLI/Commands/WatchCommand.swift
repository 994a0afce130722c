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

    @Argument(help: ArgumentHelp("The run folder (runs/<name>/<run-id>), or a job file for its newest run.", valueName: "run-dir|job"))
    var run: String

    @Option(help: ArgumentHelp("Seconds between plain lines when the output is not a terminal.", valueName: "seconds"))
    var interval = 5.0

    func run() async throws {
        let folder: RunFolder
        do {
            folder = try RunLocator.folder(run)
        } catch {
            throw CommandFailure("\(error)", .invalidJobOrUsage)
        }
        let isTerminal = isatty(STDOUT_FILENO) == 1
        var tail = EventLogTail(url: folder.events)
        var replay = RunReplay()
        var drawn = 0
        var lastPlain = 0.0
        var lastSequence = -1
        let path = RunReport.shellQuoted(folder.url.path)
        while true {
            let holder = RunLock.holder(of: folder.url)
            do {
                for event in try tail.read() { replay.apply(event) }
            } catch {
                throw CommandFailure("\(error)", .invalidJobOrUsage)
            }
            let liveness: WatchView.Liveness = holder.map { .running(pid: $0) } ?? (replay.ending != nil ? .ended : .crashed)
            let lines = WatchView.lines(replay, liveness: liveness, folder: path)
            let now = Timestamp.now()
            let final = holder == nil
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
                    let status = replay.ending.flatMap { RunStatus(rawValue: $0.status) }?.exitStatus ?? .interrupted
                    if status != .success { throw CommandFailure.exit(status) }
                    return
                }
            }
            try? await Task.sleep(for: .milliseconds(isTerminal ? 500 : 250))
        }
    }
}
