/// Watches the outcomes that say something about the job (successes and quality
/// failures; not availability failures) and applies the job's thresholds: the early
/// checkpoint, progressive checks, the sliding window, and consecutive failures.
public struct ThresholdMonitor: Sendable {
    /// The job's thresholds, as validated (a check that can never fire was warned about then).
    public let spec: ThresholdSpec
    /// Outcomes judged so far (successes and quality failures).
    public private(set) var judged = 0
    /// Of the judged items, those that succeeded.
    public private(set) var succeeded = 0
    /// Quality failures in a row, now.
    public private(set) var consecutiveFailures = 0
    private var window: [Bool] = []
    private var windowNext = 0
    private var windowSuccesses = 0
    /// A window warning is raised once per breach, again only after recovery.
    private var windowBreached = false
    /// Whether the early check passed, once it ran (nil: not yet, or there is none).
    public private(set) var earlyPassed: Bool?

    /// A monitor that has seen nothing yet.
    public init(spec: ThresholdSpec) {
        self.spec = spec
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

    /// Records one judged outcome and returns what the checks found.
    public mutating func record(success: Bool) -> [Finding] {
        judged += 1
        if success {
            succeeded += 1
            consecutiveFailures = 0
        } else {
            consecutiveFailures += 1
        }
        var findings: [Finding] = []
        let rate = Double(succeeded) / Double(judged)
        if let early = spec.early, judged == early.count {
            findings.append(finding("early", value: rate, check: early))
            earlyPassed = rate >= early.minimumSuccessRate
        }
        if let progressive = spec.progressive, judged % progressive.count == 0 {
            findings.append(finding("progressive", value: rate, check: progressive))
        }
        if let windowSpec = spec.window, let found = slideWindow(success, windowSpec) { findings.append(found) }
        if let limit = spec.maximumConsecutiveFailures, !success, consecutiveFailures == limit {
            let check = ThresholdCheck(
                check: "max_consecutive_failures", completed: judged, value: Double(consecutiveFailures),
                limit: Double(limit), passed: false, action: "abort")
            findings.append(.failed(check))
        }
        return findings
    }

    /// Moves the sliding window on by one outcome; a finding when its rate first falls below
    /// the minimum (once per breach: it warns or aborts again only after recovering).
    private mutating func slideWindow(_ success: Bool, _ windowSpec: ThresholdSpec.Check) -> Finding? {
        if window.count < windowSpec.count {
            window.append(success)
        } else {
            if window[windowNext] { windowSuccesses -= 1 }
            window[windowNext] = success
            windowNext = (windowNext + 1) % windowSpec.count
        }
        if success { windowSuccesses += 1 }
        guard window.count == windowSpec.count else { return nil }
        let windowRate = Double(windowSuccesses) / Double(windowSpec.count)
        let breached = windowRate < windowSpec.minimumSuccessRate
        defer { windowBreached = breached }
        guard breached && !windowBreached else { return nil }
        return finding("window", value: windowRate, check: windowSpec, at: windowSpec.count)
    }

    private func finding(_ name: String, value: Double, check: ThresholdSpec.Check, at: Int? = nil) -> Finding {
        let passed = value >= check.minimumSuccessRate
        let result = ThresholdCheck(
            check: name, completed: at ?? judged, value: value, limit: check.minimumSuccessRate, passed: passed,
            action: check.action.rawValue)
        if passed { return .passed(result) }
        return check.action == .abort ? .failed(result) : .warning(result)
    }
}
