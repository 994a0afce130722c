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

    /// The ids still to judge.
    var waitingIDs: Set<String> { Set(waiting.keys) }

    /// Counts an ended item (one with no known answer, or judged already, is no business of
    /// the judge) and returns the verdict if this decided it: an answer is compared; a failure
    /// on the answer (schema, parse) disagrees on every field; any other failure (the model
    /// unreachable, an unreadable input) has nothing to compare.
    mutating func record(_ id: String, _ ended: Result<JSONValue, ItemFailure>) -> ReferenceReport? {
        switch ended {
        case .success(let answer): judge(id, answer: answer)
        case .failure(let failure) where failure.kind.isQuality: judge(id, answer: nil)
        case .failure: skip(id)
        }
    }

    private mutating func judge(_ id: String, answer: JSONValue?) -> ReferenceReport? {
        guard let expected = waiting.removeValue(forKey: id) else { return nil }
        remaining -= table.comparisons(in: expected)
        table.compare(item: id, expected: expected, answer: answer)
        return decide()
    }

    private mutating func skip(_ id: String) -> ReferenceReport? {
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
    /// The judge for a run of `job`: the known answers whose items its list holds. Validation
    /// put every known answer's item among the inputs, so they are the shard's (`manifest.shard`)
    /// and the retry's (`only`), found without reading the list before the first request; only
    /// a canary's list (its first N items) is read for them, and it is short. Nil when the job
    /// has no `reference`.
    static func forRun(of job: JobSpec, manifest: RunManifest, only: Set<String>?, list: URL) throws
        -> ReferenceJudge?
    {
        guard let spec = job.reference, let set = job.sources.reference else { return nil }
        var listed = Set(
            set.ids.filter { id in manifest.shard?.contains(id) != false && only?.contains(id) != false })
        if manifest.canary != nil {
            var inCanary = Set<String>()
            var reader = InputsList.Reader(list)
            while let entry = try reader.next() {
                if listed.contains(entry.id) { inCanary.insert(entry.id) }
            }
            listed = inCanary
        }
        return ReferenceJudge(spec: spec, set: set, listed: listed)
    }
}
