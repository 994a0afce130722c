import Foundation

/// A real terminal emulator for the live views' tests: a tmux server of the test's own (its
/// socket in a temporary folder, no configuration read) with one window of a given size that
/// runs a command. The screen is read as tmux renders it (`capture-pane`), and a resize is the
/// one a user's drag makes: the pseudo-terminal gets the new size, the program gets SIGWINCH, and
/// tmux reflows the lines already on the screen, as most terminals do.
final class TmuxTerminal {
    private let socket: String
    private let configuration: String
    /// Printed by the shell when the command ends: `vigil-exit-<status>`.
    static let exitMarker = "vigil-exit-"

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    /// Starts `arguments` (quoted for the shell) in `folder`, in a window of `columns` x `rows`.
    /// When the command ends, the shell prints `exitMarker` and its status (128 + the signal's
    /// number when a signal ended it), and the window stays. The shell outlives a Ctrl-C (its
    /// trap), so the marker is always printed: tmux's own `Pane is dead` was once never shown
    /// (tmux had not reaped the shell), and a test waited for it until CI's limit.
    init(columns: Int, rows: Int = 24, _ arguments: [String], in folder: URL) throws {
        let home = try TestEnvironment.temporaryFolder("tmux")
        socket = home.appendingPathComponent("socket").path
        // The window stays when its command ends, even by a signal, with what it showed.
        configuration = home.appendingPathComponent("tmux.conf").path
        try "set -g remain-on-exit on\n".write(toFile: configuration, atomically: true, encoding: .utf8)
        let command =
            "trap true INT; " + arguments.map(\.shellQuoted).joined(separator: " ") + "; echo \(Self.exitMarker)$?"
        try tmux([
            "new-session", "-d", "-x", "\(columns)", "-y", "\(rows)", "-c", folder.path, "sh", "-c", command,
        ])
    }

    deinit {
        _ = try? tmux(["kill-server"])
    }

    /// The rows as shown, trailing blanks dropped, from the first that scrolled off the top:
    /// what a redraw left behind counts, even once it has scrolled away (and tmux scrolls the
    /// screen by a row when it says the pane is dead).
    func rows() throws -> [String] {
        try tmux(["capture-pane", "-p", "-S", "-"]).split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0).trimmingTrailingBlanks() }
    }

    /// The screen's lines with wrapped rows joined: a line wider than the window is one that
    /// wrapped.
    func lines() throws -> [String] {
        try tmux(["capture-pane", "-p", "-J", "-S", "-"]).split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0).trimmingTrailingBlanks() }
    }

    /// Keys as typed (`C-c` is Ctrl-C: the terminal sends SIGINT to the foreground processes).
    func press(_ keys: String) throws {
        try tmux(["send-keys", keys])
    }

    func resize(columns: Int, rows: Int = 24) throws {
        try tmux(["resize-window", "-x", "\(columns)", "-y", "\(rows)"])
    }

    /// Waits until some row contains `text`; returns the rows then.
    @discardableResult
    func waitFor(_ text: String, within seconds: TimeInterval = Waiting.patience) async throws -> [String] {
        var seen: [String] = []
        do {
            try await Waiting.until("\"\(text)\" on the terminal", within: seconds) {
                seen = try rows()
                return seen.contains { $0.contains(text) }
            }
        } catch {
            throw TestFailure("\(error); the terminal showed:\n" + seen.joined(separator: "\n"))
        }
        return seen
    }

    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        let outcome = try TestEnvironment.run(
            URL(fileURLWithPath: "/usr/bin/tmux"), ["-S", socket, "-f", configuration] + arguments, timeout: 30)
        guard outcome.status == 0 else {
            throw TestFailure("tmux \(arguments.joined(separator: " ")) failed: \(outcome.standardError)")
        }
        return outcome.standardOutput
    }
}

extension String {
    /// In single quotes for `sh -c`.
    fileprivate var shellQuoted: String { "'" + replacingOccurrences(of: "'", with: "'\\''") + "'" }

    fileprivate func trimmingTrailingBlanks() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
