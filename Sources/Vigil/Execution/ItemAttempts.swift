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
    /// How an item's file is made ready to send (images fitted to `model.images`).
    let input: InputPreparation
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
    /// A coordinated shard's link to its run (nil: none): its budget, its one bucket (the
    /// local `rateLimiter` is nil then) and its thresholds' counts are the run's.
    let coordination: RunCoordination?

    /// One item to its end: a success, a final failure, or stopped before it ended; for a
    /// coordinated shard, a judged end carries the run's threshold counts just after it.
    func run(_ frozen: FrozenItems.Item) async -> ItemOutcome {
        let outcome = await attempt(frozen)
        guard let coordination else { return outcome }
        switch outcome {
        case .success(var ended, let result):
            ended.runTally = await coordination.judge(success: true)
            return .success(ended, result: result)
        case .failure(var ended, let failure) where failure.kind.isQuality:
            ended.runTally = await coordination.judge(success: false)
            return .failure(ended, failure)
        default:
            return outcome
        }
    }

    /// Each attempt is the same steps: read, ask the cache, clear the budget, breaker and rate
    /// limit, ask the model; a failure is retried or ends the item.
    private func attempt(_ frozen: FrozenItems.Item) async -> ItemOutcome {
        var track = ItemTrack(frozen, paths: paths)
        bus.publish(.itemStarted(item: track.item.id, attempt: 1))
        if let problem = frozen.problem ?? frozen.changedRecord { return track.failed(problem) }
        while true {
            if Task.isCancelled || stop.current != nil { return .cancelled(track.item) }
            let request: ItemRequest
            switch await read(&track) {
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

    /// Reads the item's file once for this attempt (those bytes, or the image made from them,
    /// are sent, and their sha256 recorded). Before the breaker and the rate limit: a read
    /// that fails must not leave the breaker's one probe taken.
    private func read(_ track: inout ItemTrack) async -> Result<ItemRequest, ItemFailure> {
        var request = ItemRequest(item: track.item, fileURL: track.fileURL, prompt: prompt, attempt: track.attempt)
        guard let fileURL = track.fileURL, let path = track.item.path else { return .success(request) }
        do {
            if provider.readsInputFiles {
                // The program reads the file itself: only its digest is taken here.
                track.sha256 = try InputRead.read(
                    fileURL, path: path, listed: track.frozen.entry.stamp, keepingBytes: false
                )
                .sha256
                return .success(request)
            }
            let prepared: InputPreparation.Prepared
            do {
                prepared = try await input.prepare(fileURL, path: path, listed: track.frozen.entry.stamp)
            } catch {
                if let sha256 = error.sha256 { track.sha256 = sha256 }
                return .failure(error.failure)
            }
            request.content = prepared.bytes
            track.sha256 = prepared.sha256
            track.sent = prepared.sent
            // A file the provider cannot send fails here: nothing reserved, nothing sent.
            if let refusal = provider.refusal(of: request) { return .failure(refusal) }
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

    /// The budget (this process's, then the run's at the coordinator), then the breaker and
    /// the rate limit: a request the budget refuses takes neither the breaker's one probe nor
    /// a rate-limit token.
    private func clearToSend(_ request: ItemRequest, item: InputItem) async -> Clearance {
        var reservation: SpendLedger.Reservation?
        if ledger.isCapped {
            switch await ledger.reserve(provider.inputSize(of: request)) {
            case .granted(let granted): reservation = granted
            case .exhausted: return .stop(.notSent(item))
            case .cancelled: return .stop(.cancelled(item))
            }
        }
        let reservedAt = ContinuousClock.now
        if let coordination, let held = reservation {
            switch shared(held, await coordination.reserve(held.amount, stop: stop), item) {
            case .held(let id): reservation?.sharedID = id
            case .ends(let outcome): return .stop(outcome)
            }
        }
        do {
            try await breaker.acquire(unless: stop)
            if let coordination, coordination.pacesRequests {
                try await coordination.waitForToken(stop: stop)
            } else {
                try await rateLimiter?.acquire()
            }
            if stop.current != nil { throw CancellationError() }
            // A long wait (an outage, a deep bucket) may have outlasted a good part of the
            // lease: it is made new (or the reservation made again) before the request goes.
            if let coordination, let held = reservation, let id = held.sharedID,
                ContinuousClock.now - reservedAt > .seconds(coordination.lease / 4)
            {
                switch shared(held, await coordination.keep(id, held.amount, stop: stop), item) {
                case .held(let kept): reservation?.sharedID = kept
                case .ends(let outcome): return .stop(outcome)
                }
            }
            return .send(reservation)
        } catch let gaveUp as CircuitBreaker.GaveUp {
            if let reservation { await release(reservation) }
            return .stop(.gaveUp(item, outage: gaveUp.outage))
        } catch {
            if let reservation { await release(reservation) }
            return .stop(.cancelled(item))
        }
    }

    /// A request's reservation at the coordinator: held (its id), or the item ends.
    private enum SharedHold {
        case held(Int64)
        case ends(ItemOutcome)
    }

    /// What the run's budget at the coordinator said, for the request holding `held` here: go
    /// on, or end the item (its local reservation refused, or returned).
    private func shared(
        _ held: SpendLedger.Reservation, _ reserved: RunCoordination.Reserved, _ item: InputItem
    ) -> SharedHold {
        switch reserved {
        case .granted(let id): return .held(id)
        case .exhausted:
            ledger.refuse(held)
            return .ends(.notSent(item))
        case .stopped:
            ledger.release(held)
            return .ends(.cancelled(item))
        }
    }

    /// The request was not sent, or refused unbilled: its reservation is returned, here and
    /// at the coordinator.
    private func release(_ reservation: SpendLedger.Reservation) async {
        ledger.release(reservation)
        if let id = reservation.sharedID { await coordination?.settle(id, counting: SpendLedger.Amount()) }
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
                let counted = ledger.settle(reservation, answer: answer, spend: cost)
                if let id = reservation.sharedID { await coordination?.settle(id, counting: counted) }
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
                    if let id = reservation.sharedID { await coordination?.settle(id, counting: reservation.amount) }
                } else {
                    await release(reservation)
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
