import Foundation
import Testing
import Vigil

/// What a live view measures and cuts: display columns, fields dropped in order, frames that
/// start where the last one did.
@Suite struct TerminalTextTests {
    @Test(arguments: [
        ("[12/300] 4%", 11),
        ("· × …", 5),  // 2 or 3 bytes each, one column each
        ("標本/ラベル.txt", 15),  // wide: 2 columns each
        ("e\u{301}te\u{301}", 3),  // combining accents take none
        ("👍 ok", 5),
        ("🇨🇦", 2),  // a flag: two regional indicators, one picture
        ("\u{1B}[32m92%\u{1B}[0m", 3),  // colour takes none
        ("", 0),
    ])
    func displayWidth(_ text: String, _ columns: Int) {
        #expect(text.displayWidth == columns)
    }

    @Test func fittingCutsAtAColumnNotAByteAndClosesAColour() {
        #expect("標本標本".fitted(toWidth: 5) == "標本…")
        #expect("標本標本".fitted(toWidth: 8) == "標本標本")
        #expect("abcdef".fitted(toWidth: 4) == "abc…")
        #expect("ab".fitted(toWidth: 0) == "")
        let cut = "success \u{1B}[31m12.5%\u{1B}[0m of it".fitted(toWidth: 11)
        #expect(cut == "success \u{1B}[31m12…\u{1B}[0m")
        #expect(cut.displayWidth == 11)
        // A message's newline or tab would make one line two rows.
        #expect("HTTP 500:\nbad\tgateway".fitted(toWidth: 80) == "HTTP 500: bad gateway")
    }

    static let progress = StatusLine([
        .init("[264/300] 88%"), .init("2.9 items/s", dropRank: 1), .init("ETA 0:12", dropRank: 2),
        .init("success 86%"), .init("latency p50 41 ms p95 60 ms p99 75 ms", dropRank: 0),
        .init("$0.41 of $5", dropRank: 4), .init("in flight 2", dropRank: 3),
    ])

    @Test func aLineLosesItsLeastTellingFieldsFirst() {
        let full = Self.progress.full
        #expect(Self.progress.fitted(toWidth: 200) == full)
        // Percentiles go first.
        #expect(
            Self.progress.fitted(toWidth: 80)
                == "[264/300] 88% · 2.9 items/s · ETA 0:12 · success 86% · $0.41 of $5 · in flight 2")
        // Then the rate, the ETA, in flight: and what fits again comes back (the ETA, once in
        // flight has made room).
        #expect(Self.progress.fitted(toWidth: 52) == "[264/300] 88% · ETA 0:12 · success 86% · $0.41 of $5")
        #expect(Self.progress.fitted(toWidth: 40) == "[264/300] 88% · ETA 0:12 · success 86%")
        #expect(Self.progress.fitted(toWidth: 27) == "[264/300] 88% · success 86%")
        // Fields the line is about are cut, not dropped.
        #expect(Self.progress.fitted(toWidth: 20) == "[264/300] 88% · suc…")
        for width in 1...120 { #expect(Self.progress.fitted(toWidth: width).displayWidth <= width) }
    }

    @Test func theLiveLineStartsWhereTheLastOneDidAndFitsTheTerminal() {
        var live = LiveLine()
        let size = TerminalSize(columns: 20, rows: 4)
        // Autowrap off; from the line's start, erased to the end of its row and of the screen;
        // the cursor back at its start; autowrap on. It fits with a column to spare.
        #expect(
            live.draw(StatusLine("a line much wider than twenty columns"), size: size)
                == "\u{1B}[?7l\ra line much wider…\u{1B}[K\u{1B}[J\r\u{1B}[?7h")
        // Something said in between goes over the line, which is erased after it.
        #expect(live.message("warning: x") == "\rwarning: x\u{1B}[K\u{1B}[J\n")
        #expect(live.message("again") == "again\n")
        // The last one stays, the cursor below it.
        #expect(
            live.draw(StatusLine("end"), size: size, final: true) == "\u{1B}[?7l\rend\u{1B}[K\u{1B}[J\n\u{1B}[?7h")
    }

    @Test func theLiveScreenIsDrawnWholeOnTheAlternateScreenAndLeftWithItsLastFrame() {
        var screen = LiveScreen()
        let size = TerminalSize(columns: 20, rows: 2)
        let lines = [
            StatusLine("header"), StatusLine("a line much wider than twenty columns"), StatusLine("third"),
        ]
        // Entered once (cursor hidden); every frame from the top-left corner, as many lines as
        // rows, each erased to its row's end, then the rest of the screen.
        let first = screen.frame(lines, size: size)
        #expect(
            first
                == "\u{1B}[?1049h\u{1B}[?25l" + "\u{1B}[?7l\u{1B}[H" + "header\u{1B}[K\r\na line much wider…\u{1B}[K"
                + "\u{1B}[J\u{1B}[?7h")
        #expect(screen.frame(lines, size: size) == first.replacingOccurrences(of: "\u{1B}[?1049h\u{1B}[?25l", with: ""))
        // Left: the normal screen back, the last frame printed once; a command to copy whole.
        let resume = StatusLine("vigil resume /a/long/run/folder/20261207-1012", keepsWhole: true)
        #expect(
            screen.leave(with: [lines[1], resume], size: size)
                == "\u{1B}[?1049l\u{1B}[?25h" + "a line much wider…\n"
                + "vigil resume /a/long/run/folder/20261207-1012\n")
        // Never entered (the run had ended): only the lines.
        #expect(screen.leave(with: [lines[0]], size: size) == "header\n")
    }
}
