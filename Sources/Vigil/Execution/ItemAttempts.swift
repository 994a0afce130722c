import Foundation
import JSONSchema

/// One item's attempts: each reads the item's file once (those bytes are sent and their
/// sha256 recorded), waits for the breaker and the rate limit, asks the provider, and
/// judges the answer; availability failures are retried with exponential backoff and
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

    /// One item to its end: a success, a final failure, or stopped before it ended.
    func run(_ frozen: FrozenItems.Item) async -> ItemOutcome {
        let item = frozen.item
        let fileURL = item.path.map { paths.url($0) }
        let clock = ContinuousClock()
        let begin = clock.now
        var attempt = 1
        var usage = TokenUsage()
        // A record's digest is the list's; a file's comes from each attempt's read.
        var sha256 = frozen.entry.sha256
        bus.publish(.itemStarted(item: item.id, attempt: 1))
        func failed(_ failure: ItemFailure) -> ItemOutcome {
            .failure(item, attempts: attempt, latency: milliseconds(clock.now - begin), failure, usage: usage, sha256: sha256)
        }
        if let problem = frozen.problem ?? frozen.changedRecord { return failed(problem) }
        while true {
            if Task.isCancelled { return .cancelled(item) }
            var request = ItemRequest(item: item, fileURL: fileURL, prompt: prompt, attempt: attempt)
            // Read before waiting for the breaker and the rate limit: a read that fails must
            // not leave the breaker's one probe taken.
            if let fileURL, let path = item.path {
                do {
                    let read = try InputRead.read(fileURL, path: path, listed: frozen.entry.stamp, keepingBytes: !provider.readsInputFiles)
                    request.content = read.bytes
                    sha256 = read.sha256
                } catch {
                    return failed(error)
                }
            }
            do {
                try await breaker.acquire()
                try await rateLimiter?.acquire()
            } catch let gaveUp as CircuitBreaker.GaveUp {
                return .gaveUp(item, outage: gaveUp.outage)
            } catch {
                return .cancelled(item)
            }
            let failure: ItemFailure
            do {
                let answer = try await provider.answer(request)
                await breaker.recordAvailable()
                usage.add(answer)
                if Task.isCancelled { return .cancelled(item) }
                // A program given the path read the file itself: it must still be the
                // bytes whose digest is recorded.
                if provider.readsInputFiles, let fileURL, let path = item.path {
                    try InputRead.confirm(fileURL, path: path, listed: frozen.entry.stamp)
                }
                switch criteria.judge(answer) {
                case .success(let result):
                    return .success(
                        item, attempts: attempt, latency: milliseconds(clock.now - begin), result: JSONValueBox(value: result), usage: usage, sha256: sha256)
                case .failure(let judged):
                    failure = judged
                }
            } catch {
                if Task.isCancelled { return .cancelled(item) }
                failure = error
                if failure.isAvailability { await breaker.recordUnavailable() } else { await breaker.recordAvailable() }
            }
            // While the breaker is open an availability failure costs the item no attempt:
            // it waits for the endpoint instead of burning its retries.
            if failure.isAvailability, await breaker.isOpen {
                bus.publish(.itemRetrying(item: item.id, attempt: attempt, delayMilliseconds: 0, reason: "waiting for the endpoint: \(failure.message)"))
                continue
            }
            guard failure.isRetryable, attempt < retries.maximumAttempts else { return failed(failure) }
            let ceiling = min(retries.maximumDelay.seconds, retries.initialDelay.seconds * pow(2, Double(attempt - 1)))
            // Exponential backoff with jitter, but never sooner than the endpoint asked.
            let delay = max(ceiling * Double.random(in: 0.5...1.0), failure.retryAfterSeconds ?? 0)
            bus.publish(.itemRetrying(item: item.id, attempt: attempt + 1, delayMilliseconds: delay * 1000, reason: failure.message))
            do {
                try await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
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
