public import Foundation

/// `checkpoint.json`: the counts and the last event number, saved every `checkpoint.every`
/// items and at the end. Informative: a resume reads the appended files, which are the
/// truth. One definition, written and read.
public struct Checkpoint: Codable, Sendable, Equatable {
    /// The run id.
    public var run: String
    /// Items ended so far.
    public var completed: Int
    /// Of those, successes.
    public var succeeded: Int
    /// Of those, failures.
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

    /// Reads a `checkpoint.json`.
    public init(contentsOf url: URL) throws {
        self = try JSONDecoder().decode(Checkpoint.self, from: Data(contentsOf: url))
    }

    /// Writes it atomically.
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = try encoder.encode(self)
        data.append(0x0A)
        try AtomicFile.write(data, to: url)
    }
}
