import Synchronization

/// The run's spend, and its budget kept before each request: every request in flight
/// holds a reservation of its worst case (its input estimate plus the output bound, at the
/// job's prices), and a request is sent only when what is spent, what may have been spent
/// and every reservation still fit under the caps. What is spent therefore never crosses a
/// cap, however many requests are in flight, as long as no answer costs more than its
/// reservation (one that did is counted in `overruns`).
///
/// A request that cannot fit now but could once those in flight have ended waits for them;
/// one that cannot fit even with nothing else in flight exhausts the budget: it and every
/// later request are refused, and the run ends as aborted.
///
/// A request that was sent and got no answer (a timeout, a dropped connection, a stop
/// while in flight) may still be billed: its reservation stays counted, as unconfirmed.
public final class SpendLedger: Sendable {
    /// Cost and tokens together: what a request reserves, what an answer used.
    public struct Amount: Sendable, Equatable {
        /// Dollars, at the job's prices or as the endpoint reported them.
        public var cost = Dollars.zero
        /// Input and output tokens.
        public var tokens = 0

        /// An amount of `cost` dollars and `tokens` tokens (both counted against their caps).
        public init(cost: Dollars = .zero, tokens: Int = 0) {
            self.cost = cost
            self.tokens = tokens
        }

        static func + (lhs: Amount, rhs: Amount) -> Amount {
            Amount(cost: lhs.cost + rhs.cost, tokens: lhs.tokens + rhs.tokens)
        }
        static func - (lhs: Amount, rhs: Amount) -> Amount {
            Amount(cost: lhs.cost - rhs.cost, tokens: lhs.tokens - rhs.tokens)
        }
    }

    /// One request's hold on the budget, from before it is sent until it is settled.
    public struct Reservation: Sendable {
        fileprivate let id: UInt64
        /// What was reserved: the request's input estimate plus its output bound, priced.
        public let amount: Amount
        fileprivate let size: InputSize?
        /// The run's reservation at the coordinator, for a coordinated shard.
        public internal(set) var sharedID: Int64?
    }

    /// What `reserve` decided for one request: send it (holding its reservation), or not.
    public enum Grant: Sendable {
        /// Send the request; settle or release the reservation when it ends.
        case granted(Reservation)
        /// Do not send it: the budget is exhausted (`Totals.refused` says by what).
        case exhausted
        /// The task was cancelled while it waited.
        case cancelled
    }

    /// The ledger's figures: spent, possibly billed, reserved, overruns, and what was refused.
    public struct Totals: Sendable, Equatable {
        /// Spent, as the answers reported (the endpoint's cost where it gave one).
        public var spent = Amount()
        /// Reservations of requests that were sent and got no answer: they may be billed.
        public var unconfirmed = Amount()
        /// Held by requests in flight now.
        public var reserved = Amount()
        /// Answers that cost more than their reservation (the estimate was too low).
        public var overruns = 0
        /// What the request the budget refused would have reserved (set once one was).
        public var refused: Amount?

        /// Nothing spent, reserved or refused.
        public init() {}
    }

    /// The caps (none: the ledger only counts).
    public let budget: BudgetSpec
    let pricing: PricingSpec?
    /// The most output tokens one request can produce.
    let outputBound: Int

    private struct State {
        var totals = Totals()
        var inFlight = 0
        var estimate = InputEstimate()
        /// The largest ratio of an endpoint's reported cost to the priced cost (≥ 1): a
        /// reservation at the job's prices is scaled by it.
        var reportedFactor = 1.0
        var nextID: UInt64 = 0
        /// Counts every change a waiting request may be waiting for (a wake-up that comes
        /// between its check and its wait is not lost).
        var version: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }
    private let state: Mutex<State>

    /// A ledger that starts from what earlier processes of the run spent (`carried`).
    public init(budget: BudgetSpec?, pricing: PricingSpec?, outputBound: Int?, carried: Totals = Totals()) {
        self.budget = budget ?? BudgetSpec()
        self.pricing = pricing
        self.outputBound = outputBound ?? 0
        var initial = State()
        initial.totals.spent = carried.spent
        initial.totals.unconfirmed = carried.unconfirmed
        state = Mutex(initial)
    }

    /// The budget has a cap to keep (else `reserve` grants at once and sizes are not needed).
    public var isCapped: Bool { budget.maxCost != nil || budget.maxTokens != nil }

    /// The figures now (a copy: requests in flight change them as they end).
    public var totals: Totals { state.withLock { $0.totals } }

    /// Reserves the worst case of a request whose input is `size`; waits while requests in
    /// flight hold what it needs.
    public func reserve(_ size: InputSize?) async -> Grant {
        while true {
            enum Step {
                case grant(Reservation)
                case refuse
                case wait(since: UInt64)
            }
            let step: Step = state.withLock { state in
                if state.totals.refused != nil { return .refuse }
                let wanted = worstCase(size, state)
                let committed = state.totals.spent + state.totals.unconfirmed
                if fits(committed + state.totals.reserved + wanted) { return .grant(hold(wanted, size: size, &state)) }
                // Waiting helps when those in flight hold what this needs, or when the first
                // answers will replace the byte bound with a measured estimate.
                let learns = size.map { !state.estimate.hasLearned($0) } ?? false
                if state.inFlight > 0 && (fits(committed + wanted) || learns) { return .wait(since: state.version) }
                state.version += 1
                state.totals.refused = wanted
                return .refuse
            }
            switch step {
            case .grant(let reservation): return .granted(reservation)
            case .refuse:
                wakeAll()
                return .exhausted
            case .wait(let version):
                if Task.isCancelled { return .cancelled }
                await waitForChange(since: version)
                if Task.isCancelled { return .cancelled }
            }
        }
    }

    /// Reserves the worst case of a request going into a batch, at the batch price, without
    /// waiting: a batch request is committed once submitted, so nothing in flight will give
    /// its reservation back in time. One that does not fit exhausts the budget (nil).
    public func reserveForBatch(_ size: InputSize?) -> Reservation? {
        let granted = state.withLock { state -> Reservation? in
            if state.totals.refused != nil { return nil }
            let wanted = worstCase(size, state, batch: true)
            guard fits(state.totals.spent + state.totals.unconfirmed + state.totals.reserved + wanted) else {
                state.version += 1
                state.totals.refused = wanted
                return nil
            }
            return hold(wanted, size: size, &state)
        }
        if granted == nil { wakeAll() }
        return granted
    }

    /// Holds `amount` for a request already sent by an earlier process (a batch a resume
    /// re-attached to), whatever the caps say now: it is committed.
    public func hold(_ amount: Amount) -> Reservation {
        state.withLock { hold(amount, size: nil, &$0) }
    }

    private func hold(_ amount: Amount, size: InputSize?, _ state: inout State) -> Reservation {
        state.nextID += 1
        state.inFlight += 1
        state.totals.reserved = state.totals.reserved + amount
        return Reservation(id: state.nextID, amount: amount, size: size)
    }

    /// The request was answered: what it used replaces its reservation. An answer without
    /// usage (or a cost) leaves its reservation counted as unconfirmed. Returns what the
    /// request now counts for (used and unconfirmed).
    @discardableResult
    public func settle(_ reservation: Reservation, answer: ProviderAnswer, spend: Spend) -> Amount {
        let counted = state.withLock { state -> Amount in
            end(reservation, &state)
            var used = reservation.amount
            var unknown = Amount()
            if answer.reportsUsage {
                used.tokens = answer.usage.total
            } else {
                unknown.tokens = reservation.amount.tokens
                used.tokens = 0
            }
            if !spend.isUnknown {
                used.cost = spend.charged
            } else {
                unknown.cost = reservation.amount.cost
                used.cost = .zero
            }
            state.totals.spent = state.totals.spent + used
            state.totals.unconfirmed = state.totals.unconfirmed + unknown
            if used.cost > reservation.amount.cost || used.tokens > reservation.amount.tokens {
                state.totals.overruns += 1
            }
            if let size = reservation.size, let tokens = answer.promptTokens {
                state.estimate.learn(size, promptTokens: tokens)
            }
            if let priced = spend.priced, let reported = spend.reported, priced > .zero {
                state.reportedFactor = max(state.reportedFactor, reported.usd / priced.usd)
            }
            return used + unknown
        }
        wakeAll()
        return counted
    }

    /// The run's budget (a coordinator's, for all shards) cannot pay for this request even
    /// once every reservation has ended: its reservation is returned, and it and every later
    /// request are refused, as when this ledger's own caps refuse one.
    public func refuse(_ reservation: Reservation) {
        state.withLock { state in
            end(reservation, &state)
            state.totals.refused = state.totals.refused ?? reservation.amount
        }
        wakeAll()
    }

    /// The request was sent and no answer came back (it may be billed): its reservation
    /// stays counted, as unconfirmed.
    public func settleUnanswered(_ reservation: Reservation) {
        state.withLock { state in
            end(reservation, &state)
            state.totals.unconfirmed = state.totals.unconfirmed + reservation.amount
        }
        wakeAll()
    }

    /// The request was not sent, or the endpoint refused it without billing (an HTTP
    /// error): its reservation is returned.
    public func release(_ reservation: Reservation) {
        state.withLock { end(reservation, &$0) }
        wakeAll()
    }

    /// Counts an answer given outside a reservation (no caps to keep).
    public func record(answer: ProviderAnswer, spend: Spend) {
        state.withLock { state in
            state.totals.spent = state.totals.spent + Amount(cost: spend.charged, tokens: answer.usage.total)
        }
    }

    private func end(_ reservation: Reservation, _ state: inout State) {
        state.version += 1
        state.inFlight -= 1
        state.totals.reserved = state.totals.reserved - reservation.amount
    }

    private func fits(_ amount: Amount) -> Bool {
        (budget.maxCost.map { amount.cost <= $0 } ?? true) && (budget.maxTokens.map { amount.tokens <= $0 } ?? true)
    }

    private func worstCase(_ size: InputSize?, _ state: State, batch: Bool = false) -> Amount {
        let input = size.map { state.estimate.tokens(for: $0) } ?? 0
        var cost = Dollars.zero
        if let pricing {
            cost = pricing.cost(of: TokenUsage(promptTokens: input, completionTokens: outputBound), batch: batch)
            if state.reportedFactor > 1 {
                cost = Dollars(picodollars: Int64((Double(cost.picodollars) * state.reportedFactor).rounded(.up)))
            }
        }
        return Amount(cost: cost, tokens: input + outputBound)
    }

    private func waitForChange(since version: UInt64) async {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if Task.isCancelled || state.version != version { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    private func wakeAll() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }
}
