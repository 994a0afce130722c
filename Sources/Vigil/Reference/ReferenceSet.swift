public import Foundation
public import JSONSchema

/// A gold file (`reference.file`, `vigil score --reference`): known answers, one JSON line
/// each, `{"id": "<item id as in results.jsonl>", "expected": {field: value}}`, read from
/// the bytes that were checked and pinned by their sha256.
public struct ReferenceSet: Sendable {
    /// One known answer.
    public struct Answer: Sendable {
        /// The item's id, as the run's results name it.
        public var id: String
        /// The known field values.
        public var expected: JSONValue
        /// Its line in the file, from 1 (for messages).
        public var line: Int
    }

    /// A line that is not a known answer.
    public struct Problem: Sendable, Error, CustomStringConvertible {
        /// Its line, from 1.
        public var line: Int
        /// What is wrong, and how it should look.
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// The file, as resolved.
    public var url: URL
    /// The sha256 of the bytes read (the manifest's pin).
    public var sha256: String
    /// The known answers, in the file's order.
    public var answers: [Answer]
    /// Each id's place in `answers`.
    private var places: [String: Int]

    /// The known answer for an item (nil: it has none).
    public func answer(for id: String) -> Answer? { places[id].map { answers[$0] } }

    /// The ids, in the file's order.
    public var ids: [String] { answers.map(\.id) }

    /// Parses the file's bytes. Every line that is not a known answer is a problem (blank
    /// lines are skipped); an id on two lines is one too; a file with no answer is one. The
    /// set holds the lines that are answers even when others are not, so the rest of its
    /// checks (are the ids items?) are said at once; a file with problems is refused by
    /// whoever reads it.
    public static func parse(_ bytes: [UInt8], url: URL) -> (set: ReferenceSet?, problems: [Problem]) {
        var answers: [Answer] = []
        var places: [String: Int] = [:]
        var problems: [Problem] = []
        var number = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let value: JSONValue
            do {
                value = try JSONParser().parse(line)
            } catch {
                problems.append(Problem(line: number, message: "is not JSON (\(error)); \(shape)"))
                continue
            }
            guard let id = value["id"].flatMap(itemID) else {
                problems.append(Problem(line: number, message: "has no \"id\" (a string or a number); \(shape)"))
                continue
            }
            guard let expected = value["expected"], expected.objectValue != nil else {
                problems.append(Problem(line: number, message: "has no \"expected\" object for item \(id); \(shape)"))
                continue
            }
            if let earlier = places[id] {
                problems.append(
                    Problem(
                        line: number,
                        message: "item \(id) has a known answer on line \(answers[earlier].line) already; keep one"))
                continue
            }
            places[id] = answers.count
            answers.append(Answer(id: id, expected: expected, line: number))
        }
        if problems.isEmpty && answers.isEmpty {
            problems.append(Problem(line: 1, message: "holds no known answer; \(shape)"))
        }
        guard !answers.isEmpty else { return (nil, problems) }
        return (
            ReferenceSet(url: url, sha256: FileDigest.sha256(of: bytes), answers: answers, places: places), problems
        )
    }

    /// What a line should look like.
    static let shape = #"each line is {"id": "<item id as in results.jsonl>", "expected": {"field": value, ...}}"#

    /// Ids are strings; a number is taken as its text (a JSON Lines input's id field may be one).
    private static func itemID(_ value: JSONValue) -> String? {
        if let text = value.stringValue, !text.isEmpty { return text }
        if case .number = value { return value.jsonText() }
        return nil
    }

    private init(url: URL, sha256: String, answers: [Answer], places: [String: Int]) {
        self.url = url
        self.sha256 = sha256
        self.answers = answers
        self.places = places
    }
}
