import Foundation

/// The order the run takes its items in: the reference items first (`reference`: they are
/// sent before any other, so a wrong prompt is judged on them before the run spends on the
/// rest), then the rest of the list in its order. The list itself (`inputs.jsonl`) keeps the
/// inputs' order: a JSON Lines input's records are read in step with it.
struct ItemQueue {
    /// The list read once more, for the reference items only (nil: none are left to take).
    private var first: FrozenItems?
    /// Reference ids of the list not yet taken from `first`.
    private var firstIDs: Set<String>
    /// The whole list, in order, less the reference items.
    private var rest: FrozenItems
    private let referenceIDs: Set<String>

    /// The run's list, with `reference` (the run's reference items still to do) first.
    init(list url: URL, job: JobSpec, restamped: [String: FileStamp] = [:], reference: Set<String> = []) {
        rest = FrozenItems(list: url, job: job, restamped: restamped)
        referenceIDs = reference
        firstIDs = reference
        first = reference.isEmpty ? nil : FrozenItems(list: url, job: job, restamped: restamped)
    }

    /// The next item: the next reference item while any is left, then the list's next.
    mutating func next() throws -> FrozenItems.Item? {
        while !firstIDs.isEmpty, let item = try first?.next() {
            if firstIDs.remove(item.item.id) != nil { return item }
        }
        // The first pass stops reading as soon as it has every reference item.
        first = nil
        while let item = try rest.next() {
            if !referenceIDs.contains(item.item.id) { return item }
        }
        return nil
    }
}
