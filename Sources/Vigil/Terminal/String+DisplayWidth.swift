extension String {
    /// How many terminal columns the text takes: a character's cells, not its bytes or its
    /// count (`·` is 2 bytes and 1 column, `標本` is 2 characters and 4 columns, `é` written
    /// as e and a combining accent is 1). Colour sequences (`ESC [ ... m`) take none.
    package var displayWidth: Int {
        var width = 0
        var escape = EscapeScanner()
        for character in self where !escape.consumes(character) { width += character.displayWidth }
        return width
    }

    /// The text cut to at most `width` columns, ending with `…` when it was cut; a colour
    /// opened before the cut is closed. Control characters (a failure message's newline or
    /// tab) become spaces: one line must stay one row.
    package func fitted(toWidth width: Int) -> String {
        let flat = String(map { $0.isControl ? " " : $0 })
        guard flat.displayWidth > width else { return flat }
        guard width > 0 else { return "" }
        var kept = ""
        var used = 0
        var coloured = false
        var escape = EscapeScanner()
        for character in flat {
            if escape.consumes(character) {
                kept.append(character)
                coloured = true
                continue
            }
            let cells = character.displayWidth
            if used + cells > width - 1 { break }
            kept.append(character)
            used += cells
        }
        while kept.last == " " { kept.removeLast() }
        return kept + "…" + (coloured ? "\u{1B}[0m" : "")
    }
}

extension Character {
    /// Columns on a terminal: 2 for East Asian wide and full-width characters and emoji shown
    /// as pictures, 0 for combining marks and invisible format characters, else 1.
    fileprivate var displayWidth: Int {
        var width = 0
        for scalar in unicodeScalars {
            let properties = scalar.properties
            if properties.isEmojiPresentation || scalar.value == 0xFE0F && properties.isEmoji {
                return 2
            }
            switch properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format, .control: continue
            default: width = max(width, Self.isWide(scalar.value) ? 2 : 1)
            }
        }
        return width
    }

    /// A control character other than ESC (which starts a colour sequence).
    fileprivate var isControl: Bool {
        unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\u{1B}" }
    }

    /// East Asian Wide (W) and Fullwidth (F) blocks of Unicode's EastAsianWidth.txt, the ranges
    /// a terminal draws two cells wide (emoji are told by their own property above).
    private static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19,
            0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x18AFF, 0x1B000...0x1B2FF,
            0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}

/// Tells the characters of `ESC [ parameters final` apart, one character at a time.
private struct EscapeScanner {
    private enum State { case text, escape, sequence }
    private var state = State.text

    /// Whether `character` belongs to a control sequence (and so takes no column).
    mutating func consumes(_ character: Character) -> Bool {
        switch state {
        case .text:
            guard character == "\u{1B}" else { return false }
            state = .escape
        case .escape:
            state = character == "[" ? .sequence : .text
        case .sequence:
            // The final byte, @ to ~, ends it; parameters and intermediates go on.
            if let value = character.asciiValue, (0x40...0x7E).contains(value) { state = .text }
        }
        return true
    }
}
