import Foundation
import JSONSchema

/// `vigil diff RUN_A RUN_B`: how two runs differ — in what they pinned (job, prompt,
/// schema, model, inputs, tool) and item by item in what they produced.
public struct RunComparison: Sendable {
    /// Pins and settings that differ, one line each (`model.parameters.temperature 0 -> 0.7`).
    public var pins: [String] = []
    /// Items in both runs with the same outcome (equal results, or failed in both).
    public var identical = 0
    /// Items that succeeded in both, with different results: the item and what differs.
    public var changedResults: [(item: String, changes: [String])] = []
    /// Items that succeeded in A and failed in B (with B's error), and the reverse.
    public var newlyFailed: [(item: String, error: String)] = []
    /// Items that failed in A and succeeded in B.
    public var newlySucceeded: [String] = []
    /// Items in only one of the runs (not run, or not in its inputs).
    public var onlyInA: [String] = []
    /// Items in B only.
    public var onlyInB: [String] = []
    /// What each run's items cost, from their lines (nil: nothing priced or reported).
    public var costA: Spend?
    /// B's.
    public var costB: Spend?
    /// Items each run ended (the per-item cost divides by these).
    public var endedA = 0
    /// B's.
    public var endedB = 0

    /// True when every item has the same outcome in both runs.
    public var sameOutcomes: Bool {
        changedResults.isEmpty && newlyFailed.isEmpty && newlySucceeded.isEmpty && onlyInA.isEmpty && onlyInB.isEmpty
    }

    enum Outcome: Equatable {
        case success(JSONValue)
        case failure(String)
    }

    /// Compares two recorded runs, pins first, then item by item.
    public init(_ a: RecordedRun, _ b: RecordedRun) throws {
        pins = Self.pinChanges(a.manifest, b.manifest)
        let (outcomesA, orderA, costA) = try Self.outcomes(a)
        var (outcomesB, orderB, costB) = try Self.outcomes(b)
        (self.costA, self.costB, endedA, endedB) = (costA, costB, orderA.count, orderB.count)
        for id in orderA {
            guard let new = outcomesB.removeValue(forKey: id) else {
                onlyInA.append(id)
                continue
            }
            switch (outcomesA[id]!, new) {
            case (.success(let old), .success(let now)):
                if old == now {
                    identical += 1
                } else {
                    changedResults.append((id, JSONDiff.changes(from: old, to: now)))
                }
            case (.success, .failure(let error)): newlyFailed.append((id, error))
            case (.failure, .success): newlySucceeded.append(id)
            case (.failure, .failure): identical += 1
            }
        }
        orderB.removeAll { outcomesB[$0] == nil }
        onlyInB = orderB
    }

    /// Each ended item's outcome, the items in file order (results, then failures), and
    /// what they cost.
    private static func outcomes(_ run: RecordedRun) throws -> ([String: Outcome], [String], Spend?) {
        var outcomes: [String: Outcome] = [:]
        var order: [String] = []
        var cost: Spend?
        func count(_ line: JSONValue) {
            guard let spend = Spend(json: line["cost"]) else { return }
            cost = cost ?? Spend()
            cost?.add(spend)
        }
        try AppendedLines.read(run.folder.results, repair: false) { line, _ in
            guard let id = line["id"]?.stringValue, outcomes[id] == nil else { return }
            outcomes[id] = .success(line["result"] ?? .null)
            order.append(id)
            count(line)
        }
        try AppendedLines.read(run.folder.failed, repair: false) { line, _ in
            guard let id = line["id"]?.stringValue, outcomes[id] == nil else { return }
            outcomes[id] = .failure("\(line["error"]?.stringValue ?? "failed"): \(line["message"]?.stringValue ?? "")")
            order.append(id)
            count(line)
        }
        return (outcomes, order, cost)
    }

    /// "cost: A $3.41 ($0.0171 per item), B $2.10 ($0.0105 per item), -38%" (nil: neither
    /// run recorded a cost).
    public var costLine: String? {
        guard costA != nil || costB != nil else { return nil }
        func side(_ name: String, _ spend: Spend?, _ ended: Int) -> String {
            guard let spend else { return "\(name) not recorded" }
            return "\(name) \(spend.charged)"
                + (ended > 0 ? " (\(Dollars(picodollars: spend.charged.picodollars / Int64(ended))) per item)" : "")
        }
        var line = "cost: " + side("A", costA, endedA) + ", " + side("B", costB, endedB)
        if let a = costA, let b = costB, endedA > 0, endedB > 0, a.charged > .zero {
            let change = (b.charged.usd / Double(endedB)) / (a.charged.usd / Double(endedA)) - 1
            line += String(format: ", %+.0f%% per item", change * 100)
        }
        return line
    }

    private static func pinChanges(_ a: RunManifest, _ b: RunManifest) -> [String] {
        var lines: [String] = []
        func pin(_ name: String, _ old: String?, _ new: String?) {
            if old != new { lines.append("\(name) sha256 \(shortDigest(old)) -> \(shortDigest(new))") }
        }
        pin("job file", a.jobSHA256, b.jobSHA256)
        pin("prompt", a.promptSHA256, b.promptSHA256)
        pin("success schema", a.successSchema?.sha256, b.successSchema?.sha256)
        if a.inputsSHA256 != b.inputsSHA256 {
            lines.append(
                "inputs: \(a.inputCount) -> \(b.inputCount) items, list sha256 \(shortDigest(a.inputsSHA256)) -> \(shortDigest(b.inputsSHA256))"
            )
        }
        lines += JSONDiff.changes(from: a.model, to: b.model, at: "model")
        var specA = a.spec.objectValue ?? JSONObject()
        var specB = b.spec.objectValue ?? JSONObject()
        specA["model"] = nil
        specB["model"] = nil
        lines += JSONDiff.changes(from: .object(specA), to: .object(specB)).map { "job: \($0)" }
        if a.toolVersion != b.toolVersion { lines.append("Vigil \(a.toolVersion) -> \(b.toolVersion)") }
        return lines
    }
}
