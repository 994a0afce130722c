import Foundation
import JSONSchema

/// Every input resolves to at least one item, ids are unique across inputs, and the
/// count is known (for the thresholds check and `vigil plan`). Streams: the items are
/// counted, not kept, except the first few `plan` shows.
enum InputsCheck {
    static let keptItems = 20

    static func run(_ context: inout JobCheckContext) {
        let job = context.job
        let entryCount = job.inputs.count + job.locations.malformedInputs
        guard entryCount > 0 else { return }
        var count = 0
        var first: [InputItem] = []
        // An entry in the wrong shape (the schema reports it) leaves the count unknown.
        var failed = job.locations.malformedInputs > 0
        // Across inputs only (each input checks its own ids): 8 bytes an item, confirmed
        // against the ids at the end (see `IDFingerprints`).
        var acrossInputs = IDFingerprints()
        var specs: [(spec: InputSpec, location: SourceLocation)] = []
        // A model that is sent the files' bytes: each file's first bytes say what it is.
        var kinds = job.model.images != nil ? InputKinds() : nil
        for (spec, (index, location)) in zip(job.inputs, job.locations.inputs) {
            specs.append((spec, location))
            var items = InputSource(folder: job.folder, specs: [spec]).makeIterator()
            var inThisInput = 0
            do {
                while let item = try items.next() {
                    inThisInput += 1
                    if entryCount > 1 { acrossInputs.add(item.id) }
                    if first.count < keptItems { first.append(item) }
                    if let path = item.path { kinds?.add(job.paths.url(path), path: path) }
                    if context.reference?.answer(for: item.id) != nil { context.referenceFound.insert(item.id) }
                }
            } catch {
                failed = true
                context.report(Diagnostic(.inputInvalid, "inputs[\(index)]: \(error.message)", at: location))
                continue
            }
            if inThisInput == 0 {
                failed = true
                var diagnostic = Diagnostic(.inputEmpty, "inputs[\(index)]: \(emptyMessage(spec))", at: location)
                if case .glob = spec {
                    diagnostic.hint =
                        "check the pattern against the folder; paths are relative to the job file's folder, ** spans folders"
                }
                context.report(diagnostic)
            }
            count += inThisInput
        }
        if !failed, entryCount > 1,
            let (id, earlier, later) = itemInTwoInputs(
                specs, suspects: acrossInputs.repeated(), fingerprint: acrossInputs.fingerprint, folder: job.folder)
        {
            context.report(
                Diagnostic(
                    .inputInvalid,
                    "item \"\(id)\" comes from inputs[\(earlier)] and inputs[\(later)]; an item must come from one input",
                    at: specs[later].location))
            failed = true
        }
        if !failed {
            context.itemCount = count
            context.firstItems = first
            context.inputKinds = kinds
        }
    }

    /// The first item whose id is in two inputs, among the ids whose fingerprint repeated
    /// (the inputs are read again only when there is such a suspicion).
    private static func itemInTwoInputs(
        _ specs: [(spec: InputSpec, location: SourceLocation)], suspects: Set<Int>, fingerprint: (String) -> Int,
        folder: URL
    ) -> (String, Int, Int)? {
        guard !suspects.isEmpty else { return nil }
        var origin: [String: Int] = [:]
        for (index, input) in specs.enumerated() {
            var items = InputSource(folder: folder, specs: [input.spec], checksDuplicateIDs: false).makeIterator()
            while let item = try? items.next() {
                guard suspects.contains(fingerprint(item.id)) else { continue }
                if let earlier = origin[item.id], earlier != index { return (item.id, earlier, index) }
                origin[item.id] = index
            }
        }
        return nil
    }

    private static func emptyMessage(_ spec: InputSpec) -> String {
        switch spec {
        case .glob(let pattern, _, _): "the glob \"\(pattern)\" matches no files"
        case .jsonl(let path, _, _): "\(path) holds no records"
        }
    }
}
