import Foundation
import JSONSchema
import TestSupport
import Testing

/// The live views in a real terminal emulator (tmux), at the widths people's panes have and
/// across a resize: what is on the screen after a few seconds of redraws is one view, every
/// row of it inside the width. (Before: at 80 columns `vigil watch` left 10 headers after 5 s,
/// and at 60 the progress line left 19 rows of scroll in 6 s: each wrapped line's first rows
/// stayed behind at every redraw.)
@Suite(
    .enabled(
        if: TmuxTerminal.isAvailable || ProcessInfo.processInfo.environment["CI"] == "true",
        "needs tmux: apt-get install tmux (.ci/run installs it)"),
    .timeLimit(.minutes(6)))
struct LiveViewTerminalTests {
    /// 300 items of about 50 ms, two at a time; every seventh fails its schema, so `watch` has
    /// failures to show, with messages wider than most panes. From the 250th on, items wait
    /// for the test's `release` file: a loaded machine cannot end the run before the test has
    /// looked at the screen.
    static func job() throws -> TemporaryJob {
        try TemporaryJob(
            items: 300,
            extractor: TemporaryJob.extractor(
                """
                time.sleep(0.05)
                while n >= 250 and not os.path.exists("release"): time.sleep(0.02)
                answer = {"n": 0 if n % 7 == 0 else n}
                """, persistent: true),
            mode: "persistent", extra: "consumers: [progress]\n", concurrency: 2)
    }

    /// `vigil run` of `job` in the background (for `watch` to follow), once its folder is there.
    static func startInBackground(_ job: TemporaryJob) async throws -> (ChildProcess, URL) {
        let run = try TestEnvironment.start(["run", job.path, "--quiet"])
        do {
            try await Waiting.until("the run's folder") { ObserveCommandTests.folder(of: job) != nil }
            return (run, try #require(ObserveCommandTests.folder(of: job)))
        } catch {
            run.send(SIGKILL)
            throw error
        }
    }

    /// The rows of the progress line (`[n/300] ...`); there must be one.
    static func progressRows(_ rows: [String]) -> [String] {
        rows.filter { $0.contains("/300] ") }
    }

    /// What is wrong with the screen of a live view at `columns`: any line of it that wrapped
    /// (wider than the window once tmux joins its rows back), counted by `isView`.
    static func wrapped(_ terminal: TmuxTerminal, columns: Int, isView: (String) -> Bool) throws -> [String] {
        // (tmux's own `Pane is dead (...)` is not Vigil's.)
        try terminal.lines().filter { isView($0) && !$0.hasPrefix("Pane is dead") && $0.count > columns }
    }

    @Test(arguments: [40, 60, 80, 120])
    func theProgressLineOfARunStaysOneLine(columns: Int) async throws {
        let job = try Self.job()
        let terminal = try TmuxTerminal(
            columns: columns, [TestEnvironment.vigil.path, "run", job.path], in: job.folder)
        try await terminal.waitFor("/300] ")
        try await Task.sleep(for: .seconds(6))
        let rows = try terminal.rows()
        #expect(Self.progressRows(rows).count == 1, "\(rows.joined(separator: "\n"))")
        #expect(Self.progressRows(rows).allSatisfy { $0.contains("· success ") })
        #expect(try Self.wrapped(terminal, columns: columns) { $0.contains("/300] ") }.isEmpty)
        try Data().write(to: job.folder.appendingPathComponent("release"))
        // Its end: the last line stays, once.
        let ended = try await terminal.waitFor(TmuxTerminal.exitMarker)
        #expect(Self.progressRows(ended).count == 1, "\(ended.joined(separator: "\n"))")
        #expect(ended.contains { $0.hasPrefix("[300/300] 100%") })
    }

    @Test func theProgressLineOfARunFollowsAResize() async throws {
        let job = try Self.job()
        let terminal = try TmuxTerminal(columns: 120, [TestEnvironment.vigil.path, "run", job.path], in: job.folder)
        try await terminal.waitFor("/300] ")
        try await Task.sleep(for: .seconds(2))
        let wide = try terminal.rows()
        #expect(Self.progressRows(wide).first { $0.contains("items/s") && $0.contains("in flight") } != nil)
        try terminal.resize(columns: 50)
        try await Task.sleep(for: .seconds(2))
        let rows = try terminal.rows()
        #expect(Self.progressRows(rows).count == 1, "\(rows.joined(separator: "\n"))")
        #expect(try Self.wrapped(terminal, columns: 50) { $0.contains("/300] ") }.isEmpty)
        try Data().write(to: job.folder.appendingPathComponent("release"))
    }

    /// `vigil watch` of a run going on in the background, at `columns`; resized to `resized`
    /// once it shows the run.
    func watch(columns: Int, resized: Int? = nil) async throws {
        let job = try Self.job()
        let (run, folder) = try await Self.startInBackground(job)
        defer { if run.isRunning { run.send(SIGKILL) } }
        let terminal = try TmuxTerminal(
            columns: columns, [TestEnvironment.vigil.path, "watch", folder.path], in: job.folder)
        try await terminal.waitFor("/300] ")
        try await Task.sleep(for: .seconds(3))
        if let resized {
            try terminal.resize(columns: resized)
            try await Task.sleep(for: .seconds(2))
        }
        let width = resized ?? columns
        let rows = try terminal.rows()
        let screen = rows.joined(separator: "\n")
        if width < 40 {
            // A one-line summary.
            #expect(rows.filter { !$0.isEmpty }.count == 1, "\(screen)")
            #expect(rows.first?.hasPrefix("[") == true && rows.first?.contains("· success ") == true, "\(screen)")
        } else {
            #expect(rows.filter { $0.hasPrefix("run ") }.count == 1, "\(screen)")
            #expect(rows.filter { $0.contains(" · running") }.count == 1, "\(screen)")
            #expect(Self.progressRows(rows).count == 1, "\(screen)")
            // Fitted field by field, not cut by the terminal at its margin.
            #expect(Self.progressRows(rows).allSatisfy { $0.contains("· success ") }, "\(screen)")
        }
        #expect(try Self.wrapped(terminal, columns: width) { _ in true }.isEmpty, "\(screen)")
        // The end: the final frame, once.
        try Data().write(to: job.folder.appendingPathComponent("release"))
        try Waiting.exit(of: run, "the watched run")
        let ended = try await terminal.waitFor(TmuxTerminal.exitMarker)
        let summary = ended.joined(separator: "\n")
        if width < 40 {
            // The last line keeps how the run ended, wrapping if it must.
            #expect(try terminal.lines().filter { $0.hasPrefix("[300/300] 100% · success 86% · COMPLETED") }.count == 1)
        } else {
            #expect(ended.filter { $0.hasPrefix("run ") && $0.contains("· COMPLETED") }.count == 1, "\(summary)")
            #expect(Self.progressRows(ended).count == 1, "\(summary)")
        }
        if width >= 40 { #expect(try Self.wrapped(terminal, columns: width) { _ in true }.isEmpty) }
    }

    @Test(arguments: [30, 40, 60, 80, 120])
    func watchShowsOneViewAtAnyWidth(columns: Int) async throws {
        try await watch(columns: columns)
    }

    @Test func watchFollowsAResizeFrom120To50Columns() async throws {
        try await watch(columns: 120, resized: 50)
    }

    /// Ctrl-C on `watch`: its last frame stays, once, the cursor below it, and it ends by the
    /// signal as a shell expects (between frames the cursor rests at the view's top, so a
    /// prompt printed there would cover it).
    @Test func watchLeavesItsLastFrameOnCtrlC() async throws {
        let job = try Self.job()
        let (run, folder) = try await Self.startInBackground(job)
        defer { if run.isRunning { run.send(SIGKILL) } }
        let terminal = try TmuxTerminal(
            columns: 80, [TestEnvironment.vigil.path, "watch", folder.path], in: job.folder)
        try await terminal.waitFor("/300] ")
        try await Task.sleep(for: .seconds(1))
        try terminal.press("C-c")
        let rows = try await terminal.waitFor(TmuxTerminal.exitMarker)
        let screen = rows.joined(separator: "\n")
        #expect(rows.filter { $0.hasPrefix("run ") }.count == 1, "\(screen)")
        #expect(Self.progressRows(rows).count == 1, "\(screen)")
        // Ended by SIGINT itself (128 + 2), as a shell expects of a program it interrupted.
        #expect(rows.contains { $0.contains(TmuxTerminal.exitMarker + "130") }, "\(screen)")
        // Below the frame, not over it.
        let header = try #require(rows.firstIndex { $0.hasPrefix("run ") })
        let marker = try #require(rows.firstIndex { $0.contains(TmuxTerminal.exitMarker) })
        #expect(marker > header + 2, "\(screen)")
        try Data().write(to: job.folder.appendingPathComponent("release"))
    }

    /// The same views in pyte, a terminal that does not reflow: a narrowing resize cuts each
    /// row and leaves the cursor where it was (as xterm does). Run in a pseudo-terminal of its
    /// own, resized from 120 to 50 columns after 3 s.
    func pyteScreen(_ arguments: [String], in folder: URL) throws -> [String] {
        let script = TestEnvironment.repository.appendingPathComponent("Tests/VigilTests/Terminal/pyte_screen.py")
        let outcome = try TestEnvironment.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", script.path, "120", "24", "--resize", "3:50", "--snapshot", "6", "--",
                TestEnvironment.vigil.path,
            ]
                + arguments, currentDirectory: folder)
        try #require(outcome.status == 0, "\(outcome.standardError)")
        guard case .array(let rows) = try JSONParser().parse(outcome.standardOutput) else {
            throw TestFailure("pyte_screen.py printed \(outcome.standardOutput)")
        }
        return rows.compactMap(\.stringValue)
    }

    @Test func bothViewsFollowAResizeInATerminalThatDoesNotReflow() async throws {
        let ran = try Self.job()
        let rows = try pyteScreen(["run", ran.path], in: ran.folder)
        let runScreen = rows.joined(separator: "\n")
        #expect(Self.progressRows(rows).count == 1, "\(runScreen)")
        #expect(Self.progressRows(rows).allSatisfy { $0.count < 50 }, "\(runScreen)")
        let job = try Self.job()
        let (run, folder) = try await Self.startInBackground(job)
        defer { if run.isRunning { run.send(SIGKILL) } }
        let watched = try pyteScreen(["watch", folder.path], in: job.folder)
        let screen = watched.joined(separator: "\n")
        #expect(watched.filter { $0.hasPrefix("run ") }.count == 1, "\(screen)")
        #expect(Self.progressRows(watched).count == 1, "\(screen)")
        #expect(watched.allSatisfy { $0.count < 50 }, "\(screen)")
        try Data().write(to: job.folder.appendingPathComponent("release"))
    }
}
