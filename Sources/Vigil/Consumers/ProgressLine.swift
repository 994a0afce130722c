import Foundation

/// The progress line the `progress` consumer draws and `vigil watch` shows:
/// `[12/300] 4% · 3.1 items/s · ETA 1:32 · success 92% · latency p50 … · $0.41 of $5 · in flight 4`.
/// On a narrow terminal the least telling fields go first: the latency percentiles, the rate,
/// the ETA, what is in flight, then the cost. The counts, the success rate and what the run
/// waits for (the breaker, provider batches) are never dropped, only cut.
package struct ProgressLine: Sendable {
    package var counts: RunCounts
    /// Items per second (nil: not shown, as for a run that ended).
    package var itemsPerSecond: Double?
    /// Seconds to the end (nil: not known yet).
    package var eta: Double?
    /// `latency p50 820 ms p95 1.9 s p99 2.4 s`, when known.
    package var latency: String?
    package var spent: Dollars?
    package var maxCost: Dollars?
    /// What is going on: `in flight 4`, dropped with the rest on a narrow terminal.
    package var inFlight: String?
    /// What the run waits for (the breaker, provider batches): kept, only cut.
    package var waiting: String?
    /// The success rate in colour (green from 80%, yellow from 50%, red below).
    package var coloured = false

    package init(counts: RunCounts) {
        self.counts = counts
    }

    package var statusLine: StatusLine {
        let percent = counts.total == 0 ? 0 : Int(Double(counts.completed) / Double(counts.total) * 100)
        var fields = [StatusLine.Field("[\(counts.completed)/\(counts.total)] \(percent)%")]
        if let itemsPerSecond { fields.append(.init(String(format: "%.1f", itemsPerSecond) + " items/s", dropRank: 1)) }
        if let eta { fields.append(.init("ETA \(Self.clock(eta))", dropRank: 2)) }
        fields.append(.init("success \(successText)"))
        if let latency { fields.append(.init(latency, dropRank: 0)) }
        if let spent { fields.append(.init("\(spent)" + (maxCost.map { " of \($0)" } ?? ""), dropRank: 4)) }
        if let waiting {
            fields.append(.init(waiting))
        } else if let inFlight {
            fields.append(.init(inFlight, dropRank: 3))
        }
        return StatusLine(fields)
    }

    /// `92%` (to a tenth of a percent), or `-` before the first item ends.
    private var successText: String {
        guard counts.completed > 0 else { return "-" }
        let rate = (counts.successRate * 1000).rounded() / 1000
        let text = ThresholdCheck.percent(rate)
        guard coloured else { return text }
        let colour = rate >= 0.8 ? "32" : rate >= 0.5 ? "33" : "31"
        return "\u{1B}[\(colour)m\(text)\u{1B}[0m"
    }

    /// `1:32`, `2:05:09`.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600
            ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }
}
