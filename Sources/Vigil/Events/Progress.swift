/// Periodic progress, also the final metrics.
public struct Progress: Sendable, Equatable {
    public var counts: RunCounts
    public var inFlight: Int
    public var itemsPerSecond: Double
    public var etaSeconds: Double?
    public var latencyP50: Double?
    public var latencyP95: Double?
    public var latencyP99: Double?

    public init(counts: RunCounts, inFlight: Int, itemsPerSecond: Double, etaSeconds: Double?, latencyP50: Double?, latencyP95: Double?, latencyP99: Double?) {
        self.counts = counts
        self.inFlight = inFlight
        self.itemsPerSecond = itemsPerSecond
        self.etaSeconds = etaSeconds
        self.latencyP50 = latencyP50
        self.latencyP95 = latencyP95
        self.latencyP99 = latencyP99
    }
}
