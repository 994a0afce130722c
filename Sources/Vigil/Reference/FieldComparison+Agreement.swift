import Foundation
public import JSONSchema

extension FieldComparison {
    /// Whether an answer's value agrees with the known one (`got` nil: the answer lacks the
    /// field, which never agrees).
    public func agrees(expected: JSONValue, got: JSONValue?) -> Bool {
        guard let got else { return false }
        switch self {
        case .exact:
            return expected == got
        case .normalized:
            guard let known = expected.stringValue, let answer = got.stringValue else { return expected == got }
            return Self.normalize(known) == Self.normalize(answer)
        case .number(let tolerance):
            guard let known = Self.number(expected), let answer = Self.number(got) else { return false }
            // A relative epsilon: 0.1 + 0.2 agrees with 0.3 at tolerance 0.
            return abs(known - answer) <= tolerance + 1e-9 * max(abs(known), abs(answer))
        case .present:
            return got.isFilled
        }
    }

    /// NFC, case-folded, runs of whitespace as one space, leading and trailing whitespace
    /// and punctuation dropped: "Carex  aquatilis Wahlenb." -> "carex aquatilis wahlenb".
    public static func normalize(_ text: String) -> String {
        let folded = text.precomposedStringWithCanonicalMapping.folding(
            options: [.caseInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        let words = folded.split(whereSeparator: { $0.isWhitespace })
        let joined = words.joined(separator: " ")
        let edges = CharacterSet.whitespacesAndNewlines.union(.punctuationCharacters)
        return joined.trimmingCharacters(in: edges)
    }

    /// A number, or text that is one ("12.5", " 3 ").
    private static func number(_ value: JSONValue) -> Double? {
        if let number = value.numberValue { return number.doubleValue }
        if let text = value.stringValue { return Double(text.trimmingCharacters(in: .whitespaces)) }
        return nil
    }
}
