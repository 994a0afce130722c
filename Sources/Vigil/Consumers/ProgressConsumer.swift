public import Foundation
import Synchronization

/// `progress`: one live line on a terminal (done/total, rate, ETA, success rate, cost, what
/// is in flight or what the run waits for), redrawn in place at the terminal's width and again
/// when it is resized; on anything else, or with `TERM=dumb`, a plain line every few seconds.
/// `NO_COLOR` turns off the colour, not the redraw (colour is all that variable is about).
public final class ProgressConsumer: AsyncEventConsumer, Sendable {
    /// What the line shows, and where it stands on the screen.
    private struct State {
        var counts = RunCounts(total: 0, succeeded: 0, failed: 0)
        var inFlight = 0
        var itemsPerSecond = 0.0
        var eta: Double?
        var spent: Dollars?
        var maxCost: Dollars?
        /// The breaker, while it holds attempts back.
        var breaker: BreakerReport?
        /// The provider batches not yet ended, by id, as last reported.
        var batches: [String: BatchReport] = [:]
        var lastDraw = 0.0
        var live = LiveLine()
    }

    // The delivery task writes it; a resize redraws from the signal's task.
    private let state = Mutex(State())
    private let resizes = Mutex<TerminalResizes?>(nil)
    private let redraws: Bool
    private let usesColor: Bool
    private let plainInterval: Double
    private let size: @Sendable () -> TerminalSize
    private let write: @Sendable (String) -> Void

    /// `progress`.
    public var name: String { "progress" }

    /// A progress line on standard error: redrawn in place when it is a terminal that can
    /// move its cursor (at `size`'s width, asked before each frame), a plain line every
    /// `plainInterval` seconds otherwise.
    public init(
        isTerminal: Bool = isatty(STDERR_FILENO) == 1,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        plainInterval: Double = 5,
        size: (@Sendable () -> TerminalSize)? = nil,
        write: @escaping @Sendable (String) -> Void = {
            FileHandle.standardError.write(Data(Redaction.masked($0).utf8))
        }
    ) {
        self.redraws = isTerminal && environment["TERM"] != "dumb"
        self.usesColor = redraws && environment["NO_COLOR"].map(\.isEmpty) != false
        self.plainInterval = plainInterval
        self.size = size ?? { TerminalSize.current(of: STDERR_FILENO, environment: environment) }
        self.write = write
    }

    /// Updates the line; prints warnings and the end on their own lines.
    public func consume(_ event: RunEvent) async {
        if redraws && resizes.withLock({ $0 == nil }) {
            let watcher = await TerminalResizes { [weak self] in self?.redrawAfterResize() }
            resizes.withLock { $0 = watcher }
        }
        state.withLock { state in apply(event, to: &state) }
    }

    /// Stops following resizes.
    public func finish() async {
        resizes.withLock { $0 = nil }
    }

    private func apply(_ event: RunEvent, to state: inout State) {
        switch event.kind {
        case .runStarted(let started):
            state.counts.total = started.total
        case .runResumed(let resumed):
            state.counts = resumed.counts
        case .itemCompleted(let report, _):
            state.counts.succeeded += 1
            add(report.spend, to: &state)
        case .itemFailed(let report, _):
            state.counts.failed += 1
            add(report.spend, to: &state)
        case .progress(let progress):
            state.counts = progress.counts
            state.inFlight = progress.inFlight
            state.itemsPerSecond = progress.itemsPerSecond
            state.eta = progress.etaSeconds
            state.spent = progress.spent
            state.maxCost = progress.maxCost
        case .breakerOpened(let report):
            if state.breaker?.since != report.since {
                say(
                    "waiting for the endpoint: \(report.reason) (\(report.failures) failures in a row); new items wait, a probe goes out at \(Self.time(report.nextProbe))",
                    in: &state)
            }
            state.breaker = report
        case .breakerClosed(let report):
            state.breaker = nil
            say(
                "the endpoint answers again after \(ThresholdCheck.duration(event.time - report.since)); items go out again",
                in: &state)
        case .batchSubmitted(let report), .batchProgress(let report):
            state.batches[report.batch] = report
        case .batchCompleted(let report), .batchFailed(let report):
            state.batches[report.batch] = nil
        case .validationWarning(let check):
            say("warning: \(check.sentence)", in: &state)
        case .runCompleted, .runAborted, .runFailed, .runInterrupted:
            draw(&state, force: true, final: true)
            return
        default:
            return
        }
        draw(&state, force: false)
    }

    /// An item's cost, once the total is known: from the first `progress` event on (a
    /// resumed run's spend goes on from what earlier processes spent).
    private func add(_ spend: Spend?, to state: inout State) {
        if let spend, let known = state.spent { state.spent = known + spend.charged }
    }

    /// A message on its own line, above the live one.
    private func say(_ message: String, in state: inout State) {
        write(state.live.message(message))
    }

    private func redrawAfterResize() {
        state.withLock { draw(&$0, force: true) }
    }

    private func draw(_ state: inout State, force: Bool, final: Bool = false) {
        let now = Timestamp.now()
        guard force || now - state.lastDraw >= (redraws ? 0.1 : plainInterval) else { return }
        state.lastDraw = now
        var line = ProgressLine(counts: state.counts)
        line.itemsPerSecond = state.itemsPerSecond
        line.eta = state.eta
        line.spent = state.spent
        line.maxCost = state.maxCost
        line.coloured = usesColor
        line.inFlight = "in flight \(state.inFlight)"
        line.waiting =
            state.breaker.map { Self.waitingText($0, now: now) }
            ?? (state.batches.isEmpty ? nil : Self.batchText(state.batches.values))
        if redraws {
            write(state.live.draw(line.statusLine, size: size(), final: final))
        } else {
            write(line.statusLine.full + "\n")
        }
    }

    /// `waiting for the endpoint: HTTP 429 for 3m 10s, next try in 25s`.
    static func waitingText(_ breaker: BreakerReport, now: Double) -> String {
        let reason = breaker.reason.count > 60 ? breaker.reason.prefix(59) + "…" : Substring(breaker.reason)
        let next =
            breaker.nextProbe.map { max(0, $0 - now) }.map {
                $0 < 1 ? ", probing" : ", next try in \(ThresholdCheck.duration($0.rounded()))"
            } ?? ""
        return "waiting for the endpoint: \(reason) for \(ThresholdCheck.duration(now - breaker.since))\(next)"
    }

    /// `18:04:05` (local time).
    static func time(_ timestamp: Double?) -> String {
        guard let timestamp else { return "-" }
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: Date(timeIntervalSince1970: timestamp))
    }

    /// `batches: 2 in_progress, 1 finalizing · 130/500 answered`.
    static func batchText(_ batches: some Collection<BatchReport>) -> String {
        var states: [String: Int] = [:]
        for batch in batches { states[batch.state, default: 0] += 1 }
        let answered = batches.reduce(0) { $0 + $1.completed + $1.failed }
        let requests = batches.reduce(0) { $0 + $1.requests }
        return "batches: " + states.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            + " · \(answered)/\(requests) answered"
    }
}
