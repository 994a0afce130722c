public import JSONSchema

/// The reference verdict (`reference.checked`): the run's answers for the items with known
/// answers, field by field, against `reference.min_agreement`.
public struct ReferenceReport: Sendable, Equatable {
    /// Reference items in this run's list (a shard's: those that hash to it).
    public var items: Int
    /// Of them, those whose answers were compared (an item that failed counts, with no answer).
    public var judged: Int
    /// Those that ended in an availability failure: nothing to compare (not counted).
    public var skipped: Int
    public var minimumAgreement: Double
    /// `abort` or `warn`.
    public var action: String
    public var passed: Bool
    /// Taken before the last reference item was judged: the agreement could no longer reach
    /// the minimum however the rest answered.
    public var early: Bool
    /// Per-field figures and the first disagreements.
    public var table: AgreementTable

    public init(
        items: Int, judged: Int, skipped: Int, minimumAgreement: Double, action: String, passed: Bool, early: Bool,
        table: AgreementTable
    ) {
        (self.items, self.judged, self.skipped) = (items, judged, skipped)
        (self.minimumAgreement, self.action, self.passed, self.early, self.table) = (
            minimumAgreement, action, passed, early, table
        )
    }

    /// Nothing could be compared (every reference item was unavailable): said, never an abort.
    public var unjudged: Bool { table.compared == 0 }

    /// As a threshold check (`validation.*` events, the run's verdict). A verdict with nothing
    /// compared only warns, whatever the action: an outage is not a wrong prompt.
    public var check: ThresholdCheck {
        ThresholdCheck(
            check: "reference", completed: judged, value: table.agreement ?? 0, limit: minimumAgreement,
            passed: passed, action: unjudged ? "warn" : action)
    }

    /// The verdict in full: the agreement against the minimum, each field's figures, and the
    /// first disagreements, expected against got, with their items.
    public var message: String {
        if unjudged {
            return
                "no reference item could be judged: \(skipped) of \(items) ended without an answer (the model was unavailable); the answers are not checked against known ones"
        }
        var text = check.sentence
        if early {
            text += " (decided after \(judged) of \(items) reference items: the rest cannot lift it to the minimum)"
        }
        text += "; per field: \(table.fieldSummary)"
        let shown = table.disagreements.prefix(3).map(\.sentence)
        if !shown.isEmpty { text += "; first disagreements (expected -> got): " + shown.joined(separator: "; ") }
        if !passed {
            text +=
                "; check the prompt file and the model against the known answers in reference.file before running again"
        }
        return text
    }

    /// One line for `vigil watch`: `reference PASSED: 100% agreement over 8 items (min 90%):
    /// scientificName 8/8 (100%), catalogNumber 8/8 (100%)`.
    public var watchLine: String {
        if unjudged { return "reference NOT JUDGED: \(skipped) of \(items) reference items had no answer" }
        let verdict = passed ? "PASSED" : (action == "warn" ? "FAILED (warn)" : "FAILED")
        let share = ThresholdCheck.percent(table.agreement ?? 0)
        return
            "reference \(verdict): \(share) agreement over \(judged) items (min \(ThresholdCheck.percent(minimumAgreement))): \(table.fieldSummary)"
    }

    /// As the event and the manifest carry it.
    public var json: JSONValue {
        guard case .object(var object) = table.json else { return .null }
        object["reference_items"] = .number(JSONNumber(items))
        object["judged"] = .number(JSONNumber(judged))
        object["skipped"] = .number(JSONNumber(skipped))
        object["min_agreement"] = .number(JSONNumber(minimumAgreement))
        object["action"] = .string(action)
        object["passed"] = .bool(passed)
        object["early"] = .bool(early)
        return .object(object)
    }

    /// Reads back `json`.
    public init?(json: JSONValue) {
        guard let table = AgreementTable(json: json), let passed = json["passed"]?.boolValue else { return nil }
        func int(_ key: String) -> Int { json[key]?.numberValue?.int64Value.map { Int(clamping: $0) } ?? 0 }
        self.init(
            items: int("reference_items"), judged: int("judged"), skipped: int("skipped"),
            minimumAgreement: json["min_agreement"]?.numberValue?.doubleValue ?? 1,
            action: json["action"]?.stringValue ?? "abort", passed: passed,
            early: json["early"]?.boolValue ?? false, table: table)
    }
}
