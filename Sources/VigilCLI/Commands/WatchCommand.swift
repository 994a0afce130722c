import ArgumentParser
import Foundation
import Synchronization
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
        let folders = try self.folders()
        // Redrawn in place on a terminal that can move its cursor, at its width, and at
        // once when it is resized; plain lines every `interval` seconds otherwise.
        let redraws = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        let resizes = redraws ? await TerminalResizes() : nil
        // Drawn on the alternate screen: Ctrl-C (or SIGTERM) brings the normal screen back with
        // the last frame printed on it, then ends as the signal would have.
        let stop = Mutex<Int32?>(nil)
        let signals =
            redraws
            ? await SignalWatcher { name, _ in stop.withLock { $0 = name == "SIGINT" ? SIGINT : SIGTERM } } : nil
        defer { signals?.cancel() }
        var screen = LiveScreen()
        var follower = RunFollower(folders: folders)
        var replay = RunReplay()
        var lastPlain = 0.0
        var lastSequence = -1
        while true {
            let step: RunFollower.Step
            do {
                step = try follower.next()
            } catch {
                if redraws { Console.output(screen.leave(with: [], size: TerminalSize.current(of: STDOUT_FILENO))) }
                throw CommandFailure("\(error)", .invalidJobOrUsage)
            }
            for event in step.events { replay.apply(event) }
            let folder = RunReport.shellQuoted((step.unended ?? folders[0]).path)
            let stopping = stop.withLock { $0 }
            let final = step.isFinal || stopping != nil
            if redraws {
                let size = TerminalSize.current(of: STDOUT_FILENO)
                let lines = WatchView.lines(replay, liveness: step.liveness, folder: folder, width: size.columns)
                Console.output(final ? screen.leave(with: lines, size: size) : screen.frame(lines, size: size))
            } else if final || (replay.sequence != lastSequence && Timestamp.now() - lastPlain >= interval) {
                let lines = WatchView.lines(replay, liveness: step.liveness, folder: folder)
                Console.output(lines.map(\.full).joined(separator: "\n") + "\n")
                lastPlain = Timestamp.now()
                lastSequence = replay.sequence
            }
            if let stopping {
                // Ended by the signal itself (what a shell expects of a program the user
                // interrupted), sent to the process: this thread may have it blocked.
                signal(stopping, SIG_DFL)
                kill(getpid(), stopping)
                try? await Task.sleep(for: .seconds(1))
                Foundation.exit(128 + stopping)
            }
            if step.isFinal { return try Self.end(replay, step.liveness) }
            // Half a second between looks at the log; a resize or a signal ends the wait early.
            let resized = resizes?.count
            for _ in 0..<(redraws ? 10 : 5) where resizes?.count == resized && stop.withLock({ $0 == nil }) {
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// The run folder, or the shards of a sharded run not merged yet: followed together, as one run.
    private func folders() throws -> [URL] {
        let shards = ShardMerge.shardFolders(of: URL(fileURLWithPath: run).standardizedFileURL)
        if !shards.isEmpty
            && !FileManager.default.fileExists(
                atPath: URL(fileURLWithPath: run).appendingPathComponent("events.jsonl").path)
        {
            return shards
        }
        do {
            return [try RunLocator.folder(run).url]
        } catch {
            throw CommandFailure("\(error)", .invalidJobOrUsage)
        }
    }

    /// The run's own exit status (a crash is an interruption).
    private static func end(_ replay: RunReplay, _ liveness: WatchView.Liveness) throws {
        switch liveness {
        case .crashed: throw CommandFailure.exit(.interrupted)
        default:
            let status = replay.ending?.status.exitStatus ?? .interrupted
            if status != .success { throw CommandFailure.exit(status) }
        }
    }
}
