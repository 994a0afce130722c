import CTerminalSize
public import Foundation

/// A terminal's size in character cells: what a live view may draw into.
public struct TerminalSize: Sendable, Equatable {
    /// Character cells across.
    public var columns: Int
    /// Rows down.
    public var rows: Int

    /// Below this many columns a live view shows a one-line summary: its usual lines, cut to
    /// fit, would say too little to be read.
    public static let narrowest = 40

    /// A size; at least 1 x 1.
    public init(columns: Int, rows: Int) {
        self.columns = max(1, columns)
        self.rows = max(1, rows)
    }

    /// The size of the terminal open on `descriptor` (TIOCGWINSZ), or nil when it is not a
    /// terminal or does not know (a pseudo-terminal nobody sized reports 0 x 0).
    public static func of(descriptor: Int32) -> TerminalSize? {
        var size = vigil_terminal_size(columns: 0, rows: 0)
        guard vigil_terminal_size_of(descriptor, &size) == 0, size.columns > 0, size.rows > 0 else { return nil }
        return TerminalSize(columns: Int(size.columns), rows: Int(size.rows))
    }

    /// What to draw into on `descriptor`: the terminal's own size; when it does not know,
    /// `COLUMNS` and `LINES` as a shell exports them; else 80 x 24, a terminal's usual default.
    public static func current(
        of descriptor: Int32, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> TerminalSize {
        if let size = of(descriptor: descriptor) { return size }
        let columns = environment["COLUMNS"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? 80
        let rows = environment["LINES"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? 24
        return TerminalSize(columns: columns, rows: rows)
    }
}
