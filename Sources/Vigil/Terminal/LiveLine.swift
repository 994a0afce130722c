/// One line redrawn in place among a program's other output: the `progress` consumer's line
/// under `vigil run`.
///
/// Between draws the cursor rests at the line's start, not at its end. A terminal that reflows
/// its lines on a resize (tmux, VTE, kitty, iTerm2, Windows Terminal) keeps the cursor at the
/// start of its line, and one that cuts them (xterm) keeps it on its row: either way the next
/// draw starts where the last one did, and erasing to the end of the screen takes every row
/// the old line occupies now. (With the cursor at its end, a line that wrapped on a narrowing
/// left its first rows behind at every redraw: 19 rows of scroll in 6 s at 60 columns.)
/// Nothing is erased from the screen's top-left corner, which tmux keeps in its scrollback: a
/// copy per draw for a line drawn after `clear`.
///
/// Each draw is written with autowrap off (DECAWM) and turned back on at its end, in one write:
/// a line made for the old width that the terminal renders after a narrowing (it was still in
/// the pseudo-terminal's buffer when the window changed) is cut at the margin instead of
/// wrapping onto a row the next draw would not erase. (Seen in a non-reflowing terminal in three
/// resizes of six.) The line is fitted to one column less than the width: a line that fills
/// the last column leaves some terminals waiting to wrap.
package struct LiveLine: Sendable {
    /// Whether the line is on the screen, the cursor at its start.
    private var showing = false

    package init() {}

    /// What to write for `line` on a terminal of `size`. A `final` line stays, the cursor on
    /// the row below it.
    package mutating func draw(_ line: StatusLine, size: TerminalSize, final: Bool = false) -> String {
        showing = !final
        return Terminal.noWrap + "\r" + line.fitted(toWidth: size.columns - 1) + Terminal.eraseRow
            + Terminal.eraseBelow + (final ? "\n" : "\r") + Terminal.wrap
    }

    /// What to write for `message` on a line of its own: over the live line, which is erased
    /// after it and drawn again below at the next draw.
    package mutating func message(_ message: String) -> String {
        guard showing else { return message + "\n" }
        showing = false
        return "\r" + message + Terminal.eraseRow + Terminal.eraseBelow + "\n"
    }
}
