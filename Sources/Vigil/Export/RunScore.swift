public import Foundation
public import JSONSchema

/// `vigil score RUN --reference FILE`: a finished run's answers held against known ones
/// after the fact, with the table the run's own reference verdict uses.
public struct RunScore: Sendable {
    /// Per-field figures and the first disagreements.
    public var table: AgreementTable
    /// Known answers whose item is not in the run (neither succeeded nor failed): not compared.
    public var notInRun: [String]
    /// Items that failed: compared with no answer, so every value disagrees.
    public var failed: Int

    /// Scores the run folder's results and failures against `reference`, on `fields`.
    public init(run: RecordedRun, reference: ReferenceSet, fields: [ComparedField]) throws {
        var answers: [String: JSONValue] = [:]
        var failures = Set<String>()
        _ = try AppendedLines.read(run.folder.results, repair: false) { line, _ in
            if let id = line["id"]?.stringValue, reference.answer(for: id) != nil { answers[id] = line["result"] }
        }
        _ = try AppendedLines.read(run.folder.failed, repair: false) { line, _ in
            if let id = line["id"]?.stringValue, reference.answer(for: id) != nil { failures.insert(id) }
        }
        var table = AgreementTable(fields: fields)
        var notInRun: [String] = []
        for known in reference.answers {
            if let answer = answers[known.id] {
                table.compare(item: known.id, expected: known.expected, answer: answer)
            } else if failures.contains(known.id) {
                table.compare(item: known.id, expected: known.expected, answer: nil)
            } else {
                notInRun.append(known.id)
            }
        }
        self.table = table
        self.notInRun = notInRun
        failed = failures.count
    }

    /// The fields to compare when none are given: the run's own `reference.fields`, else every
    /// field the known answers hold, compared `exact`.
    public static func defaultFields(run: RecordedRun, reference: ReferenceSet) -> [ComparedField] {
        if let written = run.manifest.spec["reference"]?["fields"]?.objectValue {
            let fields = written.compactMap { name, comparison in
                FieldComparison(json: comparison).map { ComparedField(name: name, comparison: $0) }
            }
            if !fields.isEmpty { return fields }
        }
        var names: [String] = []
        for known in reference.answers {
            for (name, _) in known.expected.objectValue ?? JSONObject() where !names.contains(name) {
                names.append(name)
            }
        }
        return names.map { ComparedField(name: $0, comparison: .exact) }
    }
}
