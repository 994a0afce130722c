public import Foundation

/// `checkpoint.json`: the counts and the last event number, saved every `checkpoint.every`
/// items and at the end. Informative: a resume reads the appended files, which are the
/// truth. One definition, written and read.
public struct Checkpoint: Codable, Sendable, Equatable {
    /// The run the checkpoint belongs to (a copied folder keeps it).
    public var run: String
    /// Items ended so far.
    public var completed: Int
    /// Of the items ended, those in results.jsonl.
    public var succeeded: Int
    /// Of the items ended, those in failed.jsonl.
    public var failed: Int
    /// The last event number in `events.jsonl` when it was saved.
    public var lastSequence: Int
    /// When it was saved (ISO 8601).
    public var savedAt: String

    private enum CodingKeys: String, CodingKey {
        case run, completed, succeeded, failed
        case lastSequence = "last_sequence"
        case savedAt = "saved_at"
    }

    /// A checkpoint of `counts` after event `lastSequence`, saved now.
    public init(run: String, counts: RunCounts, lastSequence: Int) {
        self.run = run
        completed = counts.completed
        succeeded = counts.succeeded
        failed = counts.failed
        self.lastSequence = lastSequence
        savedAt = Timestamp.iso8601(Timestamp.now())
    }

    /// Reads a `checkpoint.json` (informative: a resume trusts the appended files, not this).
    public init(contentsOf url: URL) throws {
        self = try JSONDecoder().decode(Checkpoint.self, from: Data(contentsOf: url))
    }

    /// Writes it atomically (a temporary file, fsync, rename): a crash leaves the old one or this.
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = try encoder.encode(self)
        data.append(0x0A)
        try AtomicFile.write(data, to: url)
    }
}
