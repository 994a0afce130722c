public import Foundation
public import Logging

/// Options for one run.
public struct RunOptions: Sendable {
    /// How often a `progress` event is published.
    public var progressInterval: Duration
    /// After the run's end, how long slow consumers (a webhook) may take to receive what
    /// is still buffered for them before they are stopped; what they did not get is
    /// reported (`RunSummary.undeliveredEvents`). It is not part of the run's duration.
    public var deliveryLimit: Duration
    /// The run's logger; the job's `log` consumer writes into it.
    public var logger: Logger
    /// Where the provider's key and a webhook's URL are read.
    public var environment: [String: String]
    /// Whether the run uses a response cache (`--cache`, `--no-cache`; default: as the job says).
    public var cache = CacheChoice.asTheJobSays
    /// `vigil cancel`: cancel the run's provider batches and collect what they finished;
    /// send nothing (a run without `model.batch` has nothing to cancel).
    public var cancelsBatches = false
    /// A shard's coordinator, open and joined (`coordinator:` in the job; nil: none, and a
    /// shard keeps its part of the run's caps).
    public var coordination: RunCoordination?

    /// Options; the defaults are `vigil run`'s.
    public init(
        progressInterval: Duration = .seconds(2), deliveryLimit: Duration = .seconds(5),
        logger: Logger = Logger(label: "vigil.run"),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.progressInterval = progressInterval
        self.deliveryLimit = deliveryLimit
        self.logger = logger
        self.environment = environment
    }
}

/// Whether a run uses the response cache.
public enum CacheChoice: Sendable, Equatable {
    /// The job's `cache` (none when it has none).
    case asTheJobSays
    /// None, whatever the job says (`--no-cache`).
    case off
    /// This one (`--cache`: the job's, or the default path read-write).
    case on(CacheSpec)

    /// The cache a run of `job` uses.
    public func spec(for job: JobSpec) -> CacheSpec? {
        switch self {
        case .asTheJobSays: job.cache
        case .off: nil
        case .on(let spec): spec
        }
    }
}
