import Foundation
public import JSONSchema

/// Answers held against known ones, field by field: how many compared values agreed, and the
/// first disagreements (expected against got, with the item). The run's reference verdict,
/// `vigil score` and the report read the same table.
public struct AgreementTable: Sendable, Equatable {
    /// One field's figures.
    public struct FieldFigures: Sendable, Equatable {
        /// The field and how it is compared.
        public var field: ComparedField
        public var name: String { field.name }
        public var agreed = 0
        public var compared = 0
        /// agreed / compared (nil: nothing compared yet).
        public var agreement: Double? { compared == 0 ? nil : Double(agreed) / Double(compared) }
    }

    /// One value that did not agree.
    public struct Disagreement: Sendable, Equatable {
        public var item: String
        public var field: String
        public var expected: JSONValue
        /// What the answer held (nil: it lacked the field, or the item has no answer).
        public var got: JSONValue?
    }

    /// How many disagreements are kept (the first ones, for the verdict and the report).
    public static let keptDisagreements = 20

    /// Each compared field, in the order the job (or `--fields`) names them.
    public private(set) var fields: [FieldFigures]
    /// The first disagreements, in the order found.
    public private(set) var disagreements: [Disagreement] = []
    /// Items compared.
    public private(set) var items = 0

    /// An empty table for these fields.
    public init(fields: [ComparedField]) {
        self.fields = fields.map { FieldFigures(field: $0) }
    }

    /// Values compared over all fields, and those that agreed.
    public var compared: Int { fields.reduce(0) { $0 + $1.compared } }
    public var agreed: Int { fields.reduce(0) { $0 + $1.agreed } }
    /// The share of compared values that agreed (nil: none compared).
    public var agreement: Double? { compared == 0 ? nil : Double(agreed) / Double(compared) }

    /// How many values an item with these known answers has compared: the fields its
    /// expected object holds.
    public func comparisons(in expected: JSONValue) -> Int {
        fields.count { expected.field($0.name) != nil }
    }

    /// Compares one item's answer (nil: the item failed and has none) with its known one.
    public mutating func compare(item: String, expected: JSONValue, answer: JSONValue?) {
        items += 1
        for (index, field) in fields.map(\.field).enumerated() {
            guard let known = expected.field(field.name) else { continue }
            let got = answer?.field(field.name)
            fields[index].compared += 1
            if field.comparison.agrees(expected: known, got: got) {
                fields[index].agreed += 1
            } else if disagreements.count < Self.keptDisagreements {
                disagreements.append(Disagreement(item: item, field: field.name, expected: known, got: got))
            }
        }
    }

    /// `scientificName 0/8 (0%), catalogNumber 8/8 (100%)`.
    public var fieldSummary: String {
        fields.map { figures in
            let share = figures.agreement.map { " (\($0.percentText))" } ?? ""
            return "\(figures.name) \(figures.agreed)/\(figures.compared)\(share)"
        }.joined(separator: ", ")
    }

    /// One line per field: name, comparison, agreed of compared, share; then the first
    /// disagreements (at most `limit`), expected against got.
    public func lines(disagreementLimit limit: Int = 5) -> [String] {
        let width = max(5, fields.map(\.name.count).max() ?? 0)
        var lines = ["\("field".padding(toLength: width, withPad: " ", startingAt: 0))  agreed   share  compared as"]
        for figures in fields {
            let counts = "\(figures.agreed)/\(figures.compared)"
            let share = figures.agreement.map(\.percentText) ?? "-"
            lines.append(
                "\(figures.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(counts.padding(toLength: 7, withPad: " ", startingAt: 0))  \(share.padding(toLength: 6, withPad: " ", startingAt: 0))  \(figures.field.comparison)"
            )
        }
        if !disagreements.isEmpty {
            lines.append("first disagreements (expected -> got):")
            for found in disagreements.prefix(limit) { lines.append("  " + found.sentence) }
        }
        return lines
    }

    /// The table as JSON: `{items, compared, agreed, agreement, fields: {name: {...}}, disagreements: [...]}`.
    public var json: JSONValue {
        var byField = JSONObject()
        for figures in fields {
            byField[figures.name] = [
                "comparison": .string(figures.field.comparison.description),
                "agreed": .number(JSONNumber(figures.agreed)),
                "compared": .number(JSONNumber(figures.compared)),
                "agreement": figures.agreement.map { .number(JSONNumber($0)) } ?? .null,
            ]
        }
        return [
            "items": .number(JSONNumber(items)), "compared": .number(JSONNumber(compared)),
            "agreed": .number(JSONNumber(agreed)), "agreement": agreement.map { .number(JSONNumber($0)) } ?? .null,
            "fields": .object(byField),
            "disagreements": .array(
                disagreements.map {
                    [
                        "item": .string($0.item), "field": .string($0.field), "expected": $0.expected,
                        "got": $0.got ?? .null,
                    ]
                }),
        ]
    }

    /// Reads back `json` (an event's or a manifest's).
    public init?(json: JSONValue) {
        guard let byField = json["fields"]?.objectValue else { return nil }
        func int(_ value: JSONValue?) -> Int { value?.numberValue?.int64Value.map { Int(clamping: $0) } ?? 0 }
        var fields: [FieldFigures] = []
        for (name, figures) in byField {
            guard let comparison = figures["comparison"]?.stringValue.flatMap(FieldComparison.init(written:)) else {
                return nil
            }
            fields.append(
                FieldFigures(
                    field: ComparedField(name: name, comparison: comparison), agreed: int(figures["agreed"]),
                    compared: int(figures["compared"])))
        }
        self.fields = fields
        items = int(json["items"])
        disagreements = (json["disagreements"]?.arrayValue ?? []).compactMap { found in
            guard let item = found["item"]?.stringValue, let field = found["field"]?.stringValue else { return nil }
            let got = found["got"]
            return Disagreement(
                item: item, field: field, expected: found["expected"] ?? .null, got: got == .null ? nil : got)
        }
    }
}

extension AgreementTable.Disagreement {
    /// `herbarium-0007 scientificName: "Carex aquatilis Wahlenb." -> "Poa annua L."`.
    public var sentence: String {
        "\(item) \(field): \(expected.abbreviated) -> \(got?.abbreviated ?? "(no value)")"
    }
}
