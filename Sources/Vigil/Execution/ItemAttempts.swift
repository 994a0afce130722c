import Foundation
import JSONSchema

/// One item's attempts: each reads the item's file once (those bytes are sent and their
/// sha256 recorded), reserves its worst case from the budget, waits for the breaker and the
/// rate limit, asks the provider, settles what the answer cost, and judges the answer;
/// availability failures are retried with exponential backoff and jitter (never sooner than
/// the endpoint asked), and cost no attempt while the breaker is open. Shared by all items
/// of a run; what belongs to one item travels in its `ItemTrack`.
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

    /// One item to its end: a success, a final failure, or stopped before it ended. Each
    /// attempt is the same steps: read, ask the cache, clear the budget, breaker and rate
    /// limit, ask the model; a failure is retried or ends the item.
    func run(_ frozen: FrozenItems.Item) async -> ItemOutcome {
        var track = ItemTrack(frozen, paths: paths)
        bus.publish(.itemStarted(item: track.item.id, attempt: 1))
        if let problem = frozen.problem ?? frozen.changedRecord { return track.failed(problem) }
        while true {
            if Task.isCancelled || stop.current != nil { return .cancelled(track.item) }
            let request: ItemRequest
            switch read(&track) {
            case .success(let read): request = read
            case .failure(let failure): return track.failed(failure)
            }
            // The cache before anything is reserved or waited for: a hit sends no request.
            let cacheKey = cache.flatMap { cache in track.sha256.map { cache.keys.key(item: $0) } }
            if let cacheKey, let answer = cache?.answer(forKey: cacheKey, item: track.item.id) {
                track.cached = true
                track.usage.add(answer.usage)
                return track.judged(criteria.judge(answer))
            }
            let reservation: SpendLedger.Reservation?
            switch await clearToSend(request, item: track.item) {
            case .send(let held): reservation = held
            case .stop(let outcome): return outcome
            }
            switch await ask(request, reservation: reservation, cacheKey: cacheKey, &track) {
            case .ended(let outcome): return outcome
            case .failed(let failure): if let outcome = await prepareRetry(after: failure, &track) { return outcome }
            }
        }
    }

    /// Reads the item's file once for this attempt: those bytes are sent, and their sha256
    /// recorded. Before the breaker and the rate limit: a read that fails must not leave the
    /// breaker's one probe taken.
    private func read(_ track: inout ItemTrack) -> Result<ItemRequest, ItemFailure> {
        var request = ItemRequest(item: track.item, fileURL: track.fileURL, prompt: prompt, attempt: track.attempt)
        guard let fileURL = track.fileURL, let path = track.item.path else { return .success(request) }
        do {
            let read = try InputRead.read(
                fileURL, path: path, listed: track.frozen.entry.stamp, keepingBytes: !provider.readsInputFiles)
            request.content = read.bytes
            track.sha256 = read.sha256
            return .success(request)
        } catch {
            return .failure(error)
        }
    }

    /// Whether a request may go: held back by nothing (with what the budget reserved for
    /// it), or not sent at all (how the item ends).
    private enum Clearance {
        case send(SpendLedger.Reservation?)
        case stop(ItemOutcome)
    }

    /// The budget, then the breaker and the rate limit: a request the budget refuses takes
    /// neither the breaker's one probe nor a rate-limit token.
    private func clearToSend(_ request: ItemRequest, item: InputItem) async -> Clearance {
        var reservation: SpendLedger.Reservation?
        if ledger.isCapped {
            switch await ledger.reserve(provider.inputSize(of: request)) {
            case .granted(let granted): reservation = granted
            case .exhausted: return .stop(.notSent(item))
            case .cancelled: return .stop(.cancelled(item))
            }
        }
        do {
            try await breaker.acquire(unless: stop)
            try await rateLimiter?.acquire()
            if stop.current != nil { throw CancellationError() }
            return .send(reservation)
        } catch let gaveUp as CircuitBreaker.GaveUp {
            if let reservation { ledger.release(reservation) }
            return .stop(.gaveUp(item, outage: gaveUp.outage))
        } catch {
            if let reservation { ledger.release(reservation) }
            return .stop(.cancelled(item))
        }
    }

    /// How an attempt that was sent came out: the item ended, or the attempt failed.
    private enum Asked {
        case ended(ItemOutcome)
        case failed(ItemFailure)
    }

    /// Sends the request, settles what the answer cost, keeps it in the cache, tells the
    /// breaker, and judges it.
    private func ask(
        _ request: ItemRequest, reservation: SpendLedger.Reservation?, cacheKey: String?, _ track: inout ItemTrack
    ) async -> Asked {
        do throws(ItemFailure) {
            let answer = try await send(request, reservation: reservation)
            if let cache, let cacheKey { cache.keep(answer, forKey: cacheKey) }
            let cost = Spend(answer, pricing: pricing)
            if let reservation {
                ledger.settle(reservation, answer: answer, spend: cost)
            } else {
                ledger.record(answer: answer, spend: cost)
            }
            if let closed = await breaker.recordAvailable() { bus.publish(.breakerClosed(closed)) }
            track.usage.add(answer.usage)
            track.spend.add(cost)
            if Task.isCancelled { return .ended(.cancelled(track.item)) }
            // A program given the path read the file itself: it must still be the bytes
            // whose digest is recorded.
            if provider.readsInputFiles, let fileURL = track.fileURL, let path = track.item.path {
                try InputRead.confirm(fileURL, path: path, listed: track.frozen.entry.stamp)
            }
            switch criteria.judge(answer) {
            case .success(let result): return .ended(track.judged(.success(result)))
            case .failure(let judged): return .failed(judged)
            }
        } catch {
            if Task.isCancelled { return .ended(.cancelled(track.item)) }
            await tellBreaker(about: error)
            return .failed(error)
        }
    }

    /// Asks the provider. Sent and unanswered (a timeout, a lost connection, a stop while in
    /// flight): it may still be billed, so its reservation stays counted.
    private func send(_ request: ItemRequest, reservation: SpendLedger.Reservation?) async throws(ItemFailure)
        -> ProviderAnswer
    {
        do throws(ItemFailure) {
            return try await provider.answer(request)
        } catch {
            if let reservation {
                if error.mayBeBilled || Task.isCancelled {
                    ledger.settleUnanswered(reservation)
                } else {
                    ledger.release(reservation)
                }
            }
            throw error
        }
    }

    /// An availability failure counts toward opening the breaker; any other shows the
    /// endpoint answering.
    private func tellBreaker(about failure: ItemFailure) async {
        if failure.isAvailability {
            if let opened = await breaker.recordUnavailable(failure.message) { bus.publish(.breakerOpened(opened)) }
        } else if let closed = await breaker.recordAvailable() {
            bus.publish(.breakerClosed(closed))
        }
    }

    /// After a failed attempt: nil to try again, or how the item ends. While the breaker is
    /// open an availability failure costs the item no attempt: it waits for the endpoint
    /// instead of burning its retries. Otherwise a retryable failure waits out a backoff.
    private func prepareRetry(after failure: ItemFailure, _ track: inout ItemTrack) async -> ItemOutcome? {
        let item = track.item.id
        if failure.isAvailability, await breaker.isOpen {
            bus.publish(
                .itemRetrying(
                    item: item, attempt: track.attempt, delayMilliseconds: 0,
                    reason: "waiting for the endpoint: \(failure.message)"))
            return nil
        }
        guard failure.isRetryable, track.attempt < retries.maximumAttempts else { return track.failed(failure) }
        let delay = backoff(after: failure, attempt: track.attempt)
        bus.publish(
            .itemRetrying(
                item: item, attempt: track.attempt + 1, delayMilliseconds: delay * 1000, reason: failure.message))
        do {
            try await stop.sleep(for: .milliseconds(Int64(delay * 1000)))
        } catch {
            return .cancelled(track.item)
        }
        track.attempt += 1
        return nil
    }

    /// Exponential backoff with jitter, seconds, but never sooner than the endpoint asked.
    private func backoff(after failure: ItemFailure, attempt: Int) -> Double {
        let ceiling = min(retries.maximumDelay.seconds, retries.initialDelay.seconds * pow(2, Double(attempt - 1)))
        return max(ceiling * Double.random(in: 0.5...1.0), failure.retryAfterSeconds ?? 0)
    }
}
