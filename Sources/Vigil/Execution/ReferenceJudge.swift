import Foundation
import JSONSchema

/// Judges a run's reference items as they end (`reference`): each answer is compared with
/// its known one, and the verdict is taken when the last is judged, or as soon as the
/// agreement can no longer reach `min_agreement` however the rest answer. The item loop
/// holds it in its one task; a resume rebuilds it by replaying the event log.
struct ReferenceJudge: Sendable {
    let spec: ReferenceSpec
    /// Reference items of this run's list.
    let items: Int
    /// Known answers of the items not yet judged, by id.
    private var waiting: [String: JSONValue]
    /// Values those still hold to compare.
    private var remaining: Int
    private(set) var table: AgreementTable
    private(set) var skipped = 0
    /// The verdict, once taken (it is taken once).
    private(set) var report: ReferenceReport?

    /// A judge for the known answers of `set` whose items are in `listed` (the run's list).
    init(spec: ReferenceSpec, set: ReferenceSet, listed: Set<String>) {
        self.spec = spec
        table = AgreementTable(fields: spec.fields)
        var waiting: [String: JSONValue] = [:]
        for answer in set.answers where listed.contains(answer.id) { waiting[answer.id] = answer.expected }
        self.waiting = waiting
        items = waiting.count
        remaining = waiting.values.reduce(0) { [table] in $0 + table.comparisons(in: $1) }
    }

    /// The item has a known answer not judged yet.
    func wants(_ id: String) -> Bool { waiting[id] != nil }

    /// The ids still to judge.
    var waitingIDs: Set<String> { Set(waiting.keys) }

    /// Compares an ended reference item's answer (nil: it failed, so every value disagrees)
    /// and returns the verdict if this decided it.
    mutating func judge(_ id: String, answer: JSONValue?) -> ReferenceReport? {
        guard let expected = waiting.removeValue(forKey: id) else { return nil }
        remaining -= table.comparisons(in: expected)
        table.compare(item: id, expected: expected, answer: answer)
        return decide()
    }

    /// A reference item that ended in an availability failure: it has nothing to compare.
    mutating func skip(_ id: String) -> ReferenceReport? {
        guard let expected = waiting.removeValue(forKey: id) else { return nil }
        remaining -= table.comparisons(in: expected)
        skipped += 1
        return decide()
    }

    private mutating func decide() -> ReferenceReport? {
        guard report == nil else { return nil }
        let (agreed, compared) = (table.agreed, table.compared)
        let finished = waiting.isEmpty
        // The best the agreement can still be: every value still to come agrees.
        let best = compared + remaining == 0 ? 1 : Double(agreed + remaining) / Double(compared + remaining)
        let hopeless = compared > 0 && best < spec.minimumAgreement
        guard finished || hopeless else { return nil }
        let agreement = table.agreement ?? 0
        let verdict = ReferenceReport(
            items: items, judged: table.items, skipped: skipped, minimumAgreement: spec.minimumAgreement,
            action: spec.action.rawValue, passed: compared > 0 && agreement >= spec.minimumAgreement,
            early: !finished, table: table)
        report = verdict
        return verdict
    }
}

extension ReferenceJudge {
    /// The judge for a run of `job` over its list (`inputs.jsonl`): the known answers whose
    /// items the list holds (a shard's, a retry's or a canary's list holds some of them). Nil
    /// when the job has no `reference`.
    static func forRun(of job: JobSpec, list: URL) throws -> ReferenceJudge? {
        guard let spec = job.reference, let set = job.sources.reference else { return nil }
        var listed = Set<String>()
        var reader = InputsList.Reader(list)
        while listed.count < set.answers.count, let entry = try reader.next() {
            if set.answer(for: entry.id) != nil { listed.insert(entry.id) }
        }
        return ReferenceJudge(spec: spec, set: set, listed: listed)
    }
}
