/// Periodic progress, also the final metrics.
public struct Progress: Sendable, Equatable {
    /// Items done so far, of the total.
    public var counts: RunCounts
    /// Items being worked on now.
    public var inFlight: Int
    /// Items completed per second since this process started on the run.
    public var itemsPerSecond: Double
    /// Seconds to the end at that rate (nil before the first item).
    public var etaSeconds: Double?
    /// Median item latency, ms.
    public var latencyP50: Double?
    /// 95th percentile item latency, ms.
    public var latencyP95: Double?
    /// 99th percentile item latency, ms.
    public var latencyP99: Double?
    /// What the run has spent so far, across resumes (nil: nothing is priced or reported).
    public var spent: Dollars?
    /// The budget's `max_cost` (nil: none).
    public var maxCost: Dollars?
    /// A coordinated shard's: the whole run, every shard together (nil: not coordinated).
    public var fleet: FleetFigures?

    /// What a `progress` event says: counts, rate, ETA, latencies, in flight, spend.
    public init(
        counts: RunCounts, inFlight: Int, itemsPerSecond: Double, etaSeconds: Double?, latencyP50: Double?,
        latencyP95: Double?, latencyP99: Double?,
        spent: Dollars? = nil, maxCost: Dollars? = nil, fleet: FleetFigures? = nil
    ) {
        self.fleet = fleet
        self.spent = spent
        self.maxCost = maxCost
        self.counts = counts
        self.inFlight = inFlight
        self.itemsPerSecond = itemsPerSecond
        self.etaSeconds = etaSeconds
        self.latencyP50 = latencyP50
        self.latencyP95 = latencyP95
        self.latencyP99 = latencyP99
    }
}
