public import Foundation

/// `progress`: one live line on a terminal (done/total, rate, ETA, success rate), redrawn
/// in place; on anything else, a plain line every few seconds. Honours NO_COLOR.
public final class ProgressConsumer: AsyncEventConsumer, @unchecked Sendable {
    // Only ever touched from the consumer's own delivery task.
    private var counts = RunCounts(total: 0, succeeded: 0, failed: 0)
    private var inFlight = 0
    private var itemsPerSecond = 0.0
    private var eta: Double?
    private var spent: Dollars?
    private var maxCost: Dollars?
    /// The breaker, while it holds attempts back.
    private var breaker: BreakerReport?
    /// The provider batches not yet ended, by id, as last reported.
    private var batches: [String: BatchReport] = [:]
    private var lastDraw = 0.0
    private var drewLine = false
    private let isTerminal: Bool
    private let usesColor: Bool
    private let plainInterval: Double
    private let write: @Sendable (String) -> Void

    /// `progress`.
    public var name: String { "progress" }

    /// A progress line on standard error (redrawn on a terminal, a plain line every `plainInterval` seconds otherwise).
    public init(
        isTerminal: Bool = isatty(STDERR_FILENO) == 1,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        plainInterval: Double = 5,
        write: @escaping @Sendable (String) -> Void = {
            FileHandle.standardError.write(Data(Redaction.masked($0).utf8))
        }
    ) {
        self.isTerminal = isTerminal
        self.usesColor = isTerminal && environment["NO_COLOR"].map(\.isEmpty) != false && environment["TERM"] != "dumb"
        self.plainInterval = plainInterval
        self.write = write
    }

    /// Updates the line; prints warnings and the end on their own lines.
    public func consume(_ event: RunEvent) async {
        switch event.kind {
        case .runStarted(let started):
            counts.total = started.total
        case .runResumed(let resumed):
            counts = resumed.counts
        case .itemCompleted(let report, _):
            counts.succeeded += 1
            add(report.spend)
        case .itemFailed(let report, _):
            counts.failed += 1
            add(report.spend)
        case .progress(let progress):
            counts = progress.counts
            inFlight = progress.inFlight
            itemsPerSecond = progress.itemsPerSecond
            eta = progress.etaSeconds
            spent = progress.spent
            maxCost = progress.maxCost
        case .breakerOpened(let report):
            if breaker?.since != report.since {
                clear()
                write(
                    "waiting for the endpoint: \(report.reason) (\(report.failures) failures in a row); new items wait, a probe goes out at \(Self.time(report.nextProbe))\n"
                )
            }
            breaker = report
        case .breakerClosed(let report):
            breaker = nil
            clear()
            write(
                "the endpoint answers again after \(ThresholdCheck.duration(event.time - report.since)); items go out again\n"
            )
        case .batchSubmitted(let report), .batchProgress(let report):
            batches[report.batch] = report
        case .batchCompleted(let report), .batchFailed(let report):
            batches[report.batch] = nil
        case .validationWarning(let check):
            clear()
            write("warning: \(check.sentence)\n")
        case .runCompleted, .runAborted, .runFailed, .runInterrupted:
            draw(force: true)
            if isTerminal && drewLine { write("\n") }
            return
        default:
            return
        }
        draw(force: false)
    }

    /// An item's cost, once the total is known: from the first `progress` event on (a
    /// resumed run's spend goes on from what earlier processes spent).
    private func add(_ spend: Spend?) {
        if let spend, let known = spent { spent = known + spend.charged }
    }

    private func clear() {
        if isTerminal && drewLine { write("\r\u{1B}[K") }
    }

    private func draw(force: Bool) {
        let now = Timestamp.now()
        let interval = isTerminal ? 0.1 : plainInterval
        guard force || now - lastDraw >= interval else { return }
        lastDraw = now
        let percent = counts.total == 0 ? 0 : Int(Double(counts.completed) / Double(counts.total) * 100)
        var rate = ThresholdCheck.percent(counts.successRate)
        if usesColor && counts.completed > 0 {
            let color = counts.successRate >= 0.8 ? "32" : counts.successRate >= 0.5 ? "33" : "31"
            rate = "\u{1B}[\(color)m\(rate)\u{1B}[0m"
        }
        let etaText = eta.map { " · ETA \(Self.clock($0))" } ?? ""
        let costText = spent.map { spent in " · \(spent)" + (maxCost.map { " of \($0)" } ?? "") } ?? ""
        let line =
            "[\(counts.completed)/\(counts.total)] \(percent)% · \(String(format: "%.1f", itemsPerSecond)) items/s\(etaText) · success \(counts.completed == 0 ? "-" : rate)\(costText) · "
            + (breaker.map { Self.waitingText($0, now: now) }
                ?? (batches.isEmpty ? "in flight \(inFlight)" : Self.batchText(batches.values)))
        if isTerminal {
            write("\r\u{1B}[K" + line)
            drewLine = true
        } else {
            write(line + "\n")
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

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600
            ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }
}
