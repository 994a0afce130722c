public import Logging

/// `log`: every event through swift-log (items at debug, the run's course at info,
/// thresholds at warning and error). The CLI decides where the log goes.
public struct LogConsumer: AsyncEventConsumer {
    /// Where the events go.
    public let logger: Logger
    /// `log`.
    public var name: String { "log" }

    /// A consumer that logs every event into `logger`.
    public init(logger: Logger) {
        self.logger = logger
    }

    /// Logs the event at the level its kind calls for.
    public func consume(_ event: RunEvent) async {
        let metadata: Logger.Metadata = ["run": "\(event.run)", "seq": "\(event.sequence)", "type": "\(event.type)"]
        switch event.kind {
        case .itemStarted(let item, _):
            logger.debug("\(event.type) \(item)", metadata: metadata)
        case .itemCompleted(let report, _):
            logger.debug("\(event.type) \(report.item)", metadata: metadata)
        case .itemFailed(let report, let failure):
            logger.info("item failed \(report.item): \(failure.kind.rawValue): \(failure.message)", metadata: metadata)
        case .itemRetrying(let item, let attempt, let delay, let reason):
            logger.notice("retrying \(item) (attempt \(attempt)) in \(Int(delay)) ms: \(reason)", metadata: metadata)
        case .validationWarning(let check):
            logger.warning("\(check.sentence)", metadata: metadata)
        case .validationFailed(let check):
            logger.error("\(check.sentence)", metadata: metadata)
        case .runAborted(let verdict, _):
            logger.error("run aborted: \(verdict.message)", metadata: metadata)
        case .breakerOpened(let report):
            logger.warning(
                "waiting for the endpoint: \(report.reason) (\(report.failures) availability failures in a row)",
                metadata: metadata)
        case .breakerClosed(let report):
            logger.notice(
                "the endpoint answers again after \(ThresholdCheck.duration(event.time - report.since))",
                metadata: metadata)
        case .batchFailed(let report):
            logger.warning(
                "batch \(report.batch) ended \(report.state)\(report.message.map { ": " + $0 } ?? "")",
                metadata: metadata)
        case .progress, .checkpointSaved, .validationCheckpoint, .batchProgress:
            logger.debug("\(event.jsonText)", metadata: metadata)
        default:
            logger.info("\(event.jsonText)", metadata: metadata)
        }
    }
}
