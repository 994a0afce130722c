/// The control sequences the live views write (ECMA-48 and DEC private modes, which every
/// terminal emulator in use understands).
package enum Terminal {
    /// Autowrap (DECAWM) off and on: a line wider than the terminal is cut at its margin.
    static let noWrap = "\u{1B}[?7l"
    static let wrap = "\u{1B}[?7h"
    /// Erase from the cursor to the end of its row; to the end of the screen.
    static let eraseRow = "\u{1B}[K"
    static let eraseBelow = "\u{1B}[J"
    /// The cursor to the top-left corner.
    static let home = "\u{1B}[H"
    /// The alternate screen (what full-screen programs draw on; no scrollback) and back to the
    /// normal one as it was.
    static let alternateScreen = "\u{1B}[?1049h"
    static let normalScreen = "\u{1B}[?1049l"
    /// The cursor hidden and shown.
    static let hideCursor = "\u{1B}[?25l"
    static let showCursor = "\u{1B}[?25h"
}
