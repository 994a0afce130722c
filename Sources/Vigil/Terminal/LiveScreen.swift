/// A view that fills the terminal, redrawn whole: `vigil watch`.
///
/// It is drawn on the alternate screen, as `top` and `less` are, from the top-left corner each
/// time: nothing depends on where a frame left the cursor, so a resize, reflowed or cut, is
/// redrawn cleanly, and no frame goes to the scrollback. (In the normal screen, tmux keeps the
/// cursor's row on a narrowing reflow and pushes the rows above it into the scrollback: a frame
/// of several lines, redrawn from its top, left its first rows behind.) When it ends, the normal
/// screen comes back as it was and the last frame is printed there once, to stay.
package struct LiveScreen: Sendable {
    private var entered = false

    package init() {}

    /// What to write for `lines` on a terminal of `size`: each fitted to one column less than
    /// the width, as many as there are rows.
    package mutating func frame(_ lines: [StatusLine], size: TerminalSize) -> String {
        let enter = entered ? "" : Terminal.alternateScreen + Terminal.hideCursor
        entered = true
        let shown = lines.prefix(size.rows).map { $0.fitted(toWidth: size.columns - 1) + Terminal.eraseRow }
        return enter + Terminal.noWrap + Terminal.home + shown.joined(separator: "\r\n") + Terminal.eraseBelow
            + Terminal.wrap
    }

    /// What to write to leave: the normal screen back, then `lines` printed once, fitted to the
    /// width except those that must stay whole (a command to copy), which wrap. Also what to
    /// write before an error is printed (with no lines): the message must not vanish with the
    /// alternate screen.
    package mutating func leave(with lines: [StatusLine], size: TerminalSize) -> String {
        let leave = entered ? Terminal.normalScreen + Terminal.showCursor : ""
        entered = false
        return leave + lines.map { ($0.keepsWhole ? $0.full : $0.fitted(toWidth: size.columns - 1)) + "\n" }.joined()
    }
}
