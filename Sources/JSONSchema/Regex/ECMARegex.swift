import Foundation

/// A regular expression with ECMA-262 semantics (what JSON Schema's `pattern` means).
/// A pattern of the regular constructs runs as a `ScalarAutomaton`; any other runs on ICU
/// through `NSRegularExpression`, after translating the constructs where the two dialects
/// disagree (see `ECMARegexTranslator`). Every pattern is checked by both, so what is an
/// invalid pattern does not depend on which one runs it.
struct ECMARegex: @unchecked Sendable {
    // NSRegularExpression is immutable after creation and documented as thread-safe.
    private let expression: NSRegularExpression
    private let automaton: ScalarAutomaton?
    let source: String

    init(_ source: String) throws(ECMARegexError) {
        let translated = try ECMARegexTranslator.translate(source)
        do {
            expression = try NSRegularExpression(pattern: translated, options: [])
        } catch {
            throw ECMARegexError(message: "not a valid regular expression")
        }
        self.source = source
        automaton = ScalarAutomaton.compile(source)
    }

    /// Whether the pattern matches anywhere in `string` (patterns are not anchored).
    func matches(_ string: String) -> Bool {
        if let automaton { return automaton.matches(string) }
        let range = NSRange(location: 0, length: string.utf16.count)
        return expression.firstMatch(in: string, options: [], range: range) != nil
    }
}

struct ECMARegexError: Error, Sendable {
    var message: String
}
