import Foundation
import JSONSchema

/// One item's attempts: each reads the item's file once (those bytes are sent and their
/// sha256 recorded), reserves its worst case from the budget, waits for the breaker and the
/// rate limit, asks the provider, settles what the answer cost, and judges the answer; availability failures are retried with exponential backoff and
/// jitter (never sooner than the endpoint asked), and cost no attempt while the breaker
/// is open. Shared by all items of a run; holds nothing per item.
struct ItemAttempts: Sendable {
    let provider: any ModelProvider
    let criteria: SuccessCriteria
    let prompt: String
    let paths: PathResolver
    let retries: ExecutionSpec.Retries
    /// Shared by every item: at most `requests` per `per` (nil: no limit).
    let rateLimiter: RateLimiter?
    /// Shared by every item: holds attempts back during an outage.
    let breaker: CircuitBreaker
    /// For `item.started` and `item.retrying`.
    let bus: EventBus
    /// Shared by every item: what the run spent, and its budget.
    let ledger: SpendLedger
    /// What an answer's tokens cost.
    let pricing: PricingSpec?
    /// A stop the run was asked for: an attempt not yet sent gives up, its item stays to do.
    let stop: StopRequest
    /// The response cache (nil: none): a hit is judged without a request; every answer the
    /// model gives is kept.
    let cache: RunCache?

    /// One item to its end: a success, a final failure, or stopped before it ended.
    func run(_ frozen: FrozenItems.Item) async -> ItemOutcome {
        let item = frozen.item
        let fileURL = item.path.map { paths.url($0) }
        let clock = ContinuousClock()
        let begin = clock.now
        var attempt = 1
        var usage = TokenUsage()
        var spend = Spend()
        // A record's digest is the list's; a file's comes from each attempt's read.
        var sha256 = frozen.entry.sha256
        var cached = false
        bus.publish(.itemStarted(item: item.id, attempt: 1))
        func ended() -> EndedItem {
            EndedItem(
                item: item, attempts: attempt, latency: milliseconds(clock.now - begin), usage: usage, spend: spend,
                sha256: sha256, cached: cached)
        }
        func judged(_ answer: ProviderAnswer) -> Result<JSONValue, ItemFailure> { criteria.judge(answer) }
        func failed(_ failure: ItemFailure) -> ItemOutcome { .failure(ended(), failure) }
        if let problem = frozen.problem ?? frozen.changedRecord { return failed(problem) }
        while true {
            if Task.isCancelled || stop.current != nil { return .cancelled(item) }
            var request = ItemRequest(item: item, fileURL: fileURL, prompt: prompt, attempt: attempt)
            // Read before waiting for the breaker and the rate limit: a read that fails must
            // not leave the breaker's one probe taken.
            if let fileURL, let path = item.path {
                do {
                    let read = try InputRead.read(
                        fileURL, path: path, listed: frozen.entry.stamp, keepingBytes: !provider.readsInputFiles)
                    request.content = read.bytes
                    sha256 = read.sha256
                } catch {
                    return failed(error)
                }
            }
            // The cache before anything is reserved or waited for: a hit sends no request.
            let cacheKey = cache.flatMap { cache in sha256.map { cache.keys.key(item: $0) } }
            if let cache, let cacheKey, let answer = cache.answer(forKey: cacheKey, item: item.id) {
                cached = true
                usage.add(answer.usage)
                switch judged(answer) {
                case .success(let result): return .success(ended(), result: JSONValueBox(value: result))
                case .failure(let failure): return failed(failure)
                }
            }
            // The budget before the breaker and the rate limit: a request the budget refuses
            // takes neither the breaker's one probe nor a rate-limit token.
            var reservation: SpendLedger.Reservation?
            if ledger.isCapped {
                switch await ledger.reserve(provider.inputSize(of: request)) {
                case .granted(let granted): reservation = granted
                case .exhausted: return .notSent(item)
                case .cancelled: return .cancelled(item)
                }
            }
            do {
                try await breaker.acquire(unless: stop)
                try await rateLimiter?.acquire()
                if stop.current != nil { throw CancellationError() }
            } catch let gaveUp as CircuitBreaker.GaveUp {
                if let reservation { ledger.release(reservation) }
                return .gaveUp(item, outage: gaveUp.outage)
            } catch {
                if let reservation { ledger.release(reservation) }
                return .cancelled(item)
            }
            let failure: ItemFailure
            do throws(ItemFailure) {
                let answer: ProviderAnswer
                do throws(ItemFailure) {
                    answer = try await provider.answer(request)
                } catch {
                    // Sent and unanswered (a timeout, a lost connection, a stop while in
                    // flight): it may still be billed, so its reservation stays counted.
                    if let reservation {
                        if error.mayBeBilled || Task.isCancelled {
                            ledger.settleUnanswered(reservation)
                        } else {
                            ledger.release(reservation)
                        }
                    }
                    throw error
                }
                if let cache, let cacheKey { cache.keep(answer, forKey: cacheKey) }
                let cost = Spend(answer, pricing: pricing)
                if let reservation {
                    ledger.settle(reservation, answer: answer, spend: cost)
                } else {
                    ledger.record(answer: answer, spend: cost)
                }
                if let closed = await breaker.recordAvailable() { bus.publish(.breakerClosed(closed)) }
                usage.add(answer.usage)
                spend.add(cost)
                if Task.isCancelled { return .cancelled(item) }
                // A program given the path read the file itself: it must still be the
                // bytes whose digest is recorded.
                if provider.readsInputFiles, let fileURL, let path = item.path {
                    try InputRead.confirm(fileURL, path: path, listed: frozen.entry.stamp)
                }
                switch criteria.judge(answer) {
                case .success(let result):
                    return .success(ended(), result: JSONValueBox(value: result))
                case .failure(let judged):
                    failure = judged
                }
            } catch {
                if Task.isCancelled { return .cancelled(item) }
                failure = error
                if failure.isAvailability {
                    if let opened = await breaker.recordUnavailable(failure.message) {
                        bus.publish(.breakerOpened(opened))
                    }
                } else if let closed = await breaker.recordAvailable() {
                    bus.publish(.breakerClosed(closed))
                }
            }
            // While the breaker is open an availability failure costs the item no attempt:
            // it waits for the endpoint instead of burning its retries.
            if failure.isAvailability, await breaker.isOpen {
                bus.publish(
                    .itemRetrying(
                        item: item.id, attempt: attempt, delayMilliseconds: 0,
                        reason: "waiting for the endpoint: \(failure.message)"))
                continue
            }
            guard failure.isRetryable, attempt < retries.maximumAttempts else { return failed(failure) }
            let ceiling = min(retries.maximumDelay.seconds, retries.initialDelay.seconds * pow(2, Double(attempt - 1)))
            // Exponential backoff with jitter, but never sooner than the endpoint asked.
            let delay = max(ceiling * Double.random(in: 0.5...1.0), failure.retryAfterSeconds ?? 0)
            bus.publish(
                .itemRetrying(
                    item: item.id, attempt: attempt + 1, delayMilliseconds: delay * 1000, reason: failure.message))
            do {
                try await stop.sleep(for: .milliseconds(Int64(delay * 1000)))
            } catch {
                return .cancelled(item)
            }
            attempt += 1
        }
    }
}

/// A duration in milliseconds, as events and lines record latencies.
func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}
