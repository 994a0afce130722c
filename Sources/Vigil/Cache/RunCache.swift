import Foundation
import JSONSchema
import Synchronization

/// A run's use of the response cache: the key of each item, lookups and stores as the job's
/// `cache.mode` allows, and the counts the manifest records.
final class RunCache: Sendable {
    let store: ResponseCache
    let keys: CacheKey
    let mode: CacheSpec.Mode
    let run: String
    let pricing: PricingSpec?

    struct Counts: Sendable {
        var hits = 0
        var misses = 0
        var stored = 0
        /// What the hits' answers cost when they were asked (at the job's prices, or as reported).
        var saved = Spend()
    }
    private let counts = Mutex(Counts())

    init(store: ResponseCache, job: JobSpec, mode: CacheSpec.Mode, run: String) {
        self.store = store
        keys = CacheKey(job: job)
        self.mode = mode
        self.run = run
        pricing = job.model.pricing
    }

    /// The cached answer for the item whose sha256 is `item` (nil: a miss, or `refresh`).
    func answer(forKey key: String) -> ProviderAnswer? {
        guard mode != .refresh, let answer = store.answer(for: key) else {
            counts.withLock { $0.misses += 1 }
            return nil
        }
        counts.withLock {
            $0.hits += 1
            $0.saved.add(Spend(answer, pricing: pricing))
        }
        return answer
    }

    /// Keeps an answer the model gave (unless the mode is read-only).
    func keep(_ answer: ProviderAnswer, forKey key: String) {
        guard mode != .readOnly else { return }
        store.store(answer, for: key, run: run)
        counts.withLock { $0.stored += 1 }
    }

    /// The manifest's `cache`: `{path, mode, hits, misses, stored, saved_usd, failed_operations?}`.
    var json: JSONValue {
        let counts = counts.withLock { $0 }
        var object = JSONObject()
        object["path"] = .string(store.url.path)
        object["mode"] = .string(mode.rawValue)
        object["hits"] = .number(JSONNumber(counts.hits))
        object["misses"] = .number(JSONNumber(counts.misses))
        object["stored"] = .number(JSONNumber(counts.stored))
        object["saved_usd"] = counts.saved.charged.json
        if store.failedOperations > 0 { object["failed_operations"] = .number(JSONNumber(store.failedOperations)) }
        return .object(object)
    }

    /// Hits so far.
    var hits: Int { counts.withLock { $0.hits } }
}
