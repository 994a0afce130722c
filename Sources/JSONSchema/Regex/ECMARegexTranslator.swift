/// Rewrites an ECMA-262 pattern (with the `u` flag's strictness) into ICU syntax.
///
/// Differences handled: `\d \w \s` and their negations are ASCII/ECMA sets, not Unicode
/// ones; `$` means end of input only; `\v` is a character, not a class; `\u{...}` becomes
/// `\x{...}`; a `[` inside a class is literal; identity escapes of letters (`\a`, `\Z`)
/// are errors, as they are in ECMA-262 Unicode mode.
enum ECMARegexTranslator {
    static let ecmaSpace =
        #"\t\n\x{0B}\f\r\x{20}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}"#
    static let wordSet = "a-zA-Z0-9_"
    static let digitSet = "0-9"
    static let syntaxCharacters: Set<Character> = [
        "^", "$", "\\", ".", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|", "/",
    ]

    static func translate(_ pattern: String) throws(ECMARegexError) -> String {
        var output = ""
        var inClass = false
        let characters = Array(pattern)
        var index = 0
        func fail(_ message: String) -> ECMARegexError { ECMARegexError(message: message) }
        while index < characters.count {
            let c = characters[index]
            index += 1
            switch c {
            case "\\":
                guard index < characters.count else { throw fail("pattern ends with a lone backslash") }
                let e = characters[index]
                index += 1
                switch e {
                case "d": output += inClass ? digitSet : "[\(digitSet)]"
                case "D": output += "[^\(digitSet)]"
                case "w": output += inClass ? wordSet : "[\(wordSet)]"
                case "W": output += "[^\(wordSet)]"
                case "s": output += inClass ? ecmaSpace : "[\(ecmaSpace)]"
                case "S": output += "[^\(ecmaSpace)]"
                case "v": output += #"\x{0B}"#
                case "b": output += inClass ? #"\x{08}"# : #"\b"#
                case "B":
                    guard !inClass else { throw fail("\\B is not allowed in a character class") }
                    output += #"\B"#
                case "f", "n", "r", "t": output += "\\\(e)"
                case "0":
                    if index < characters.count, characters[index].isASCII, characters[index].isNumber {
                        throw fail("octal escapes are not allowed")
                    }
                    output += #"\x{00}"#
                case "c":
                    guard index < characters.count, characters[index].isASCII, characters[index].isLetter else {
                        throw fail("\\c must be followed by a letter")
                    }
                    let letter = characters[index].uppercased().unicodeScalars.first!.value
                    output += "\\x{\(String(letter - 64, radix: 16))}"
                    index += 1
                case "x":
                    guard index + 1 < characters.count, characters[index].isHexDigit, characters[index + 1].isHexDigit
                    else {
                        throw fail("\\x must be followed by two hex digits")
                    }
                    output += "\\x{\(characters[index])\(characters[index + 1])}"
                    index += 2
                case "u":
                    if index < characters.count, characters[index] == "{" {
                        guard let close = characters[index...].firstIndex(of: "}"), close > index + 1,
                            characters[(index + 1)..<close].allSatisfy(\.isHexDigit)
                        else { throw fail("malformed \\u{...} escape") }
                        output += "\\x{" + String(characters[(index + 1)..<close]) + "}"
                        index = close + 1
                    } else {
                        guard index + 3 < characters.count, characters[index..<(index + 4)].allSatisfy(\.isHexDigit)
                        else {
                            throw fail("\\u must be followed by four hex digits")
                        }
                        output += "\\x{" + String(characters[index..<(index + 4)]) + "}"
                        index += 4
                    }
                case "p", "P":
                    guard index < characters.count, characters[index] == "{",
                        let close = characters[index...].firstIndex(of: "}")
                    else { throw fail("\\\(e) must be followed by {Property}") }
                    output += "\\\(e)" + String(characters[index...close])
                    index = close + 1
                case "k":
                    guard index < characters.count, characters[index] == "<",
                        let close = characters[index...].firstIndex(of: ">")
                    else { throw fail("\\k must name a group: \\k<name>") }
                    output += "\\k" + String(characters[index...close])
                    index = close + 1
                case "1"..."9":
                    output += "\\\(e)"
                case "-" where inClass:
                    output += "\\-"
                default:
                    guard syntaxCharacters.contains(e) else {
                        throw fail("'\\\(e)' is not a valid escape in an ECMA-262 regular expression")
                    }
                    output += "\\\(e)"
                }
            case "[":
                if inClass {
                    output += "\\["
                    break
                }
                var negated = false
                if index < characters.count, characters[index] == "^" {
                    negated = true
                    index += 1
                }
                // "[]" matches nothing and "[^]" any character in ECMA-262; ICU rejects both.
                if index < characters.count, characters[index] == "]" {
                    output += negated ? #"[\x{0}-\x{10FFFF}]"# : "(?!)"
                    index += 1
                } else {
                    inClass = true
                    output += negated ? "[^" : "["
                }
            case "]":
                if inClass { inClass = false }
                output += inClass ? "\\]" : "]"
            case "$":
                output += inClass ? "\\$" : #"(?!(?s:.))"#
            case "(" where !inClass && index < characters.count && characters[index] == "?":
                // ECMA-262 groups: (?:...), (?=...), (?!...), (?<=...), (?<!...), (?<name>...).
                // Inline flags "(?i)" and comments "(?#...)" are other dialects.
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                let afterNext = index + 2 < characters.count ? characters[index + 2] : " "
                let isGroup =
                    ":=!".contains(next)
                    || (next == "<"
                        && (afterNext == "=" || afterNext == "!" || afterNext.isLetter || afterNext == "_"
                            || afterNext == "$"))
                guard isGroup else { throw fail("'(?\(next)' is not an ECMA-262 group") }
                output.append(c)
            case "&", "~":
                // ICU gives "&&" and "~~" set-operation meanings inside classes.
                output += inClass ? "\\\(c)" : String(c)
            default:
                output.append(c)
            }
        }
        if inClass { throw ECMARegexError(message: "unterminated character class") }
        return output
    }
}
