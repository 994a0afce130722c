/// Watches the outcomes that say something about the job (successes and quality
/// failures; not availability failures) and applies the job's thresholds: the early
/// checkpoint, progressive checks, the sliding window, and consecutive failures.
public struct ThresholdMonitor: Sendable {
    /// The job's thresholds, as validated (a check that can never fire was warned about then).
    public let spec: ThresholdSpec
    /// The counts the last outcome was judged on (the run's across shards when coordinated).
    public private(set) var tally = ThresholdTally()
    /// This process's own counts (`record(success:)`).
    private var counter: ThresholdTally.Counter
    /// Whether the early check passed, once it ran (nil: not yet, or there is none).
    public private(set) var earlyPassed: Bool?

    /// Outcomes judged so far (successes and quality failures).
    public var judged: Int { tally.judged }
    /// Of the judged items, those that succeeded.
    public var succeeded: Int { tally.succeeded }
    /// Quality failures in a row, now.
    public var consecutiveFailures: Int { tally.consecutiveFailures }

    /// A monitor that has seen nothing yet.
    public init(spec: ThresholdSpec) {
        self.spec = spec
        counter = ThresholdTally.Counter(windowSize: spec.window?.count ?? 0)
    }

    /// What happened at one check.
    public enum Finding: Sendable, Equatable {
        /// The check ran and passed (`validation.checkpoint`).
        case passed(ThresholdCheck)
        /// The check failed with action warn (`validation.warning`).
        case warning(ThresholdCheck)
        /// The check failed with action abort (`validation.failed`, then `run.aborted`).
        case failed(ThresholdCheck)
    }

    /// Records one judged outcome of this process and returns what the checks found.
    public mutating func record(success: Bool) -> [Finding] {
        judge(counter.record(success: success))
    }

    /// Judges the counts just after one more outcome (this process's, or the whole run's from
    /// the coordinator: each check then fires in the one shard whose outcome reached it).
    public mutating func judge(_ tally: ThresholdTally) -> [Finding] {
        self.tally = tally
        var findings: [Finding] = []
        let rate = Double(tally.succeeded) / Double(max(1, tally.judged))
        if let early = spec.early {
            if tally.judged == early.count {
                findings.append(finding("early", value: rate, check: early))
                earlyPassed = rate >= early.minimumSuccessRate
            } else if tally.judged > early.count && earlyPassed == nil {
                // Another shard judged it: had it failed, the run would have its verdict.
                earlyPassed = true
            }
        }
        if let progressive = spec.progressive, tally.judged % progressive.count == 0 {
            findings.append(finding("progressive", value: rate, check: progressive))
        }
        if let windowSpec = spec.window, let found = windowFinding(tally, windowSpec) { findings.append(found) }
        if let limit = spec.maximumConsecutiveFailures, tally.consecutiveFailures == limit {
            let check = ThresholdCheck(
                check: "max_consecutive_failures", completed: tally.judged, value: Double(tally.consecutiveFailures),
                limit: Double(limit), passed: false, action: "abort")
            findings.append(.failed(check))
        }
        return findings
    }

    /// A finding when the window's rate first falls below the minimum once it is full (once per
    /// breach: it warns or aborts again only after recovering).
    private func windowFinding(_ tally: ThresholdTally, _ windowSpec: ThresholdSpec.Check) -> Finding? {
        func breached(successes: Int, filled: Int) -> Bool {
            filled == windowSpec.count
                && Double(successes) / Double(windowSpec.count) < windowSpec.minimumSuccessRate
        }
        guard breached(successes: tally.windowSuccesses, filled: tally.windowFilled),
            !breached(successes: tally.windowSuccessesBefore, filled: tally.windowFilledBefore)
        else { return nil }
        let windowRate = Double(tally.windowSuccesses) / Double(windowSpec.count)
        return finding("window", value: windowRate, check: windowSpec, at: windowSpec.count)
    }

    private func finding(_ name: String, value: Double, check: ThresholdSpec.Check, at: Int? = nil) -> Finding {
        let passed = value >= check.minimumSuccessRate
        let result = ThresholdCheck(
            check: name, completed: at ?? tally.judged, value: value, limit: check.minimumSuccessRate, passed: passed,
            action: check.action.rawValue)
        return Finding(result)
    }
}

extension ThresholdMonitor.Finding {
    /// What a check that ran found: passed, or failed with its action (abort or warn).
    init(_ check: ThresholdCheck) {
        if check.passed {
            self = .passed(check)
        } else {
            self = check.action == ThresholdSpec.Action.abort.rawValue ? .failed(check) : .warning(check)
        }
    }
}
