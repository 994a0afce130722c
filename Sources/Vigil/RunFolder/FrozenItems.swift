import Foundation
import JSONSchema

/// The item loop's source: the run's frozen list (`inputs.jsonl`) in run order. A file
/// item comes from its entry alone (no folder is walked again, so a file added during the
/// run is not picked up); a record is taken from its JSON Lines input as its entry comes
/// up and checked against the sha256 the list holds.
struct FrozenItems {
    /// One item to run, with what the list says of it.
    struct Item {
        var item: InputItem
        var entry: InputsList.Entry
        /// Its place in the list, from 0 (a batch request's `custom_id` is `vigil-N`).
        var index = 0
        /// Set when the item cannot be run as listed (its record changed or is gone): it
        /// fails with this instead of being sent.
        var problem: ItemFailure?
    }

    private var list: InputsList.Reader
    /// The job's JSON Lines inputs only, read in step with the list's record entries.
    private var records: InputSource.Iterator?
    private var recordsEnded = false
    /// Entries read so far.
    private var read = 0

    /// Listed files whose stamps a resume was allowed past, with their stamps now.
    private let restamped: [String: FileStamp]

    init(list url: URL, job: JobSpec, restamped: [String: FileStamp] = [:]) {
        list = InputsList.Reader(url)
        self.restamped = restamped
        let recordSpecs = job.inputs.filter { if case .jsonl = $0 { true } else { false } }
        // Ids were checked for duplicates when the list was written.
        records =
            recordSpecs.isEmpty
            ? nil : InputSource(folder: job.folder, specs: recordSpecs, checksDuplicateIDs: false).makeIterator()
    }

    /// The next item; nil at the end of the list. Throws when the list cannot be read, or
    /// a JSON Lines input holds a line that is no longer a record.
    mutating func next() throws -> Item? {
        guard let item = try nextInList() else { return nil }
        var indexed = item
        indexed.index = read
        read += 1
        return indexed
    }

    private mutating func nextInList() throws -> Item? {
        guard var entry = try list.next() else { return nil }
        if let stamp = restamped[entry.id] {
            entry.size = stamp.size
            entry.modified = stamp.modified
        }
        guard entry.path == nil else {
            return Item(item: InputItem(id: entry.id, path: entry.path, record: nil), entry: entry)
        }
        while !recordsEnded, let record = try records?.next() {
            guard record.id == entry.id else { continue }
            // Checked against the list's sha256 by the item's own task (`changedRecord`),
            // not here: the loop stays free to launch and record items.
            return Item(item: record, entry: entry)
        }
        recordsEnded = true
        return Item(
            item: InputItem(id: entry.id, path: nil, record: nil), entry: entry,
            problem: ItemFailure(
                .input,
                "record \(entry.id) is no longer in its JSON Lines input (or moved before an earlier record); it was not sent",
                isRetryable: false))
    }
}

extension FrozenItems.Item {
    /// Why a record may not be sent: its canonical JSON is not the one the run listed (its
    /// line was edited after setup). Nil for a file (checked when it is read) or a record
    /// as listed.
    var changedRecord: ItemFailure? {
        guard let record = item.record, let listed = entry.sha256 else { return nil }
        let digest = record.canonicalSHA256
        guard digest != listed else { return nil }
        return ItemFailure(
            .input,
            "record \(entry.id) changed after the run listed it (sha256 \(shortDigest(listed)) -> \(shortDigest(digest))); it was not sent",
            isRetryable: false)
    }
}
