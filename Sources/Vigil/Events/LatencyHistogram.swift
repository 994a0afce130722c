import Foundation

/// Latency percentiles in constant memory: log-spaced buckets (about 2% apart) from
/// 0.1 ms to about 1.5 hours. A million items cost the same as ten.
public struct LatencyHistogram: Sendable {
    private static let growth = 1.02
    private static let minimum = 0.1
    private static let bucketCount = 900
    private var buckets = [Int](repeating: 0, count: bucketCount)
    /// How many latencies were recorded (items ended).
    public private(set) var count = 0

    /// A histogram with no latency yet: its percentiles are nil until one is recorded.
    public init() {}

    /// Adds one item's latency, in milliseconds (kept in fixed buckets: memory stays flat).
    public mutating func record(milliseconds: Double) {
        let value = max(milliseconds, Self.minimum)
        let index = min(Self.bucketCount - 1, Int((log(value / Self.minimum) / log(Self.growth)).rounded(.down)))
        buckets[index] += 1
        count += 1
    }

    /// The latency below which `fraction` of the recorded ones fall (nil before any).
    public func percentile(_ fraction: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = max(1, Int((fraction * Double(count)).rounded(.up)))
        var seen = 0
        for (index, bucketCount) in buckets.enumerated() {
            seen += bucketCount
            if seen >= rank {
                // The bucket's geometric middle.
                return Self.minimum * pow(Self.growth, Double(index) + 0.5)
            }
        }
        return nil
    }
}
