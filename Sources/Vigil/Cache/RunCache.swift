import Foundation
import JSONSchema
import Logging
import Synchronization

/// A run's use of the response cache: the key of each item, lookups and stores as the job's
/// `cache.mode` allows, the counts the manifest records, and trouble with the cache said
/// once on screen (a damaged entry, a read or a write that failed), never a stop.
final class RunCache: Sendable {
    let store: ResponseCache
    let keys: CacheKey
    let mode: CacheSpec.Mode
    let run: String
    let pricing: PricingSpec?
    let logger: Logger

    struct Counts: Sendable {
        var hits = 0
        var misses = 0
        var stored = 0
        /// Entries found damaged (their digest did not match): each was a miss.
        var damaged = 0
        /// Lookups and stores that failed (a damaged page, a full disk): lookups were misses.
        var failedOperations = 0
        /// What the hits' answers cost when they were asked (at the job's prices, or as reported).
        var saved = Spend()
    }
    private let counts = Mutex(Counts())

    /// The kinds of trouble, each said once per run: a damaged entry (the file is sound, one
    /// answer in it is not), and a file that cannot be read or written (said once for both:
    /// a damaged page fails both).
    private enum Trouble: Hashable { case damagedEntry, failingFile }
    private let said = Mutex(Set<Trouble>())

    init(store: ResponseCache, job: JobSpec, mode: CacheSpec.Mode, run: String, logger: Logger, libvips: String? = nil)
    {
        self.store = store
        keys = CacheKey(job: job, libvips: libvips)
        self.mode = mode
        self.run = run
        pricing = job.model.pricing
        self.logger = logger
    }

    /// The cached answer for `item` under `key`; nil is a miss: nothing kept, `refresh`, or
    /// an entry that is damaged or cannot be read (never used; said once).
    func answer(forKey key: String, item: String) -> ProviderAnswer? {
        guard mode != .refresh else { return miss() }
        switch store.lookup(key) {
        case .found(let answer):
            counts.withLock {
                $0.hits += 1
                $0.saved.add(Spend(answer, pricing: pricing))
            }
            return answer
        case .absent:
            return miss()
        case .damaged:
            counts.withLock { $0.damaged += 1 }
            let replaced = mode == .readOnly ? "" : ", and the answer it gets replaces the entry"
            say(
                .damagedEntry,
                "the response cache at \(store.url.path) holds a damaged answer for \(item) (not what was written: its sha256 does not match); the item goes to the model\(replaced). vigil cache verify --path \(store.url.path) counts the damaged entries"
            )
            return miss()
        case .unreadable(let reason):
            counts.withLock { $0.failedOperations += 1 }
            say(
                .failingFile,
                "the response cache at \(store.url.path) could not be read (\(reason)); items go to the model instead. vigil cache verify --path \(store.url.path) checks the file"
            )
            return miss()
        }
    }

    private func miss() -> ProviderAnswer? {
        counts.withLock { $0.misses += 1 }
        return nil
    }

    /// Keeps an answer the model gave (unless the mode is read-only).
    func keep(_ answer: ProviderAnswer, forKey key: String) {
        guard mode != .readOnly else { return }
        do {
            try store.store(answer, for: key, run: run)
            counts.withLock { $0.stored += 1 }
        } catch {
            counts.withLock { $0.failedOperations += 1 }
            say(
                .failingFile,
                "the response cache at \(store.url.path) could not keep an answer (\(error.reason)); the run goes on, and answers it cannot keep are not cached"
            )
        }
    }

    /// Writes `message` as a warning the first time `trouble` happens.
    private func say(_ trouble: Trouble, _ message: String) {
        guard said.withLock({ $0.insert(trouble).inserted }) else { return }
        logger.warning("\(message)")
    }

    /// The manifest's `cache`: `{path, mode, hits, misses, stored, saved_usd, damaged?, failed_operations?}`.
    var json: JSONValue {
        let counts = counts.withLock { $0 }
        var object = JSONObject()
        object["path"] = .string(store.url.path)
        object["mode"] = .string(mode.rawValue)
        object["hits"] = .number(JSONNumber(counts.hits))
        object["misses"] = .number(JSONNumber(counts.misses))
        object["stored"] = .number(JSONNumber(counts.stored))
        object["saved_usd"] = counts.saved.charged.json
        if counts.damaged > 0 { object["damaged"] = .number(JSONNumber(counts.damaged)) }
        if counts.failedOperations > 0 { object["failed_operations"] = .number(JSONNumber(counts.failedOperations)) }
        return .object(object)
    }
}
