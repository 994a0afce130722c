public import JSONSchema

extension RunEvent {
    /// Writes the event as one JSON object (no newline), the form `events.jsonl` holds.
    public func write(into writer: inout JSONWriter) {
        var timestamps = TimestampFormatter()
        write(into: &writer, timestamps: &timestamps)
    }

    /// The same, reusing a formatter across events (the bus's hot path).
    public borrowing func write(into writer: inout JSONWriter, timestamps: inout TimestampFormatter) {
        writer.beginObject()
        writer.field("v")
        writer.int(Self.formatVersion)
        writer.field("seq")
        writer.int(sequence)
        writer.field("ts")
        timestamps.withBytes(time) { writer.plainString($0) }
        writer.field("run")
        writer.string(run)
        writer.field("type")
        writer.plainString(eventType.name)
        switch kind {
        case .runStarted(let started):
            writer.field("job")
            writer.string(started.job)
            writer.field("total")
            writer.int(started.total)
            writer.field("concurrency")
            writer.int(started.concurrency)
            writer.field("provider")
            writer.string(started.provider)
        case .runCompleted(let counts):
            write(counts, into: &writer)
        case .runResumed(let resumed):
            write(resumed.counts, into: &writer)
            writer.field("recovered_items")
            writer.int(resumed.recoveredItems)
            writer.field("repaired_bytes")
            writer.beginObject()
            for file in resumed.repairedBytes.keys.sorted() {
                writer.key(file)
                writer.int(resumed.repairedBytes[file]!)
            }
            writer.endObject()
        case .runAborted(let verdict, let counts):
            writer.field("reason")
            writer.string(verdict.message)
            if let check = verdict.check { write(check, into: &writer) }
            write(counts, into: &writer)
        case .runFailed(let message, let counts):
            writer.field("reason")
            writer.string(message)
            write(counts, into: &writer)
        case .runInterrupted(let reason, let counts):
            writer.field("reason")
            writer.string(reason)
            write(counts, into: &writer)
        case .itemStarted(let item, let attempt):
            writer.field("item")
            writer.string(item)
            writer.field("attempt")
            writer.int(attempt)
        case .itemCompleted(let report, let result):
            write(report, into: &writer)
            writer.field("result")
            writer.value(result)
        case .itemFailed(let report, let failure):
            write(report, into: &writer)
            writer.field("error")
            writer.string(failure.kind.rawValue)
            writer.field("message")
            writer.string(failure.message)
            if let detail = failure.detail {
                writer.field("detail")
                writer.value(detail)
            }
        case .itemRetrying(let item, let attempt, let delay, let reason):
            writer.field("item")
            writer.string(item)
            writer.field("attempt")
            writer.int(attempt)
            writer.field("delay_ms")
            writer.double(Self.rounded(delay))
            writer.field("reason")
            writer.string(reason)
        case .validationCheckpoint(let check), .validationWarning(let check), .validationFailed(let check):
            write(check, into: &writer)
            writer.field("message")
            writer.string(check.sentence)
        case .referenceChecked(let report):
            write(report.check, into: &writer)
            writer.field("message")
            writer.string(report.message)
            writer.field("reference")
            writer.value(report.json)
        case .breakerOpened(let report), .breakerClosed(let report):
            writer.field("reason")
            writer.string(report.reason)
            writer.field("since")
            timestamps.withBytes(report.since) { writer.plainString($0) }
            writer.field("failures")
            writer.int(report.failures)
            if let next = report.nextProbe {
                writer.field("next_probe")
                timestamps.withBytes(next) { writer.plainString($0) }
            }
        case .batchSubmitted(let report), .batchProgress(let report), .batchCompleted(let report),
            .batchFailed(let report):
            writer.field("batch")
            writer.string(report.batch)
            writer.field("file")
            writer.string(report.file)
            writer.field("state")
            writer.string(report.state)
            writer.field("requests")
            writer.int(report.requests)
            writer.field("completed")
            writer.int(report.completed)
            writer.field("failed")
            writer.int(report.failed)
            if let message = report.message {
                writer.field("message")
                writer.string(message)
            }
        case .checkpointSaved(let completed):
            writer.field("completed")
            writer.int(completed)
        case .consumerFailed(let consumer, let event, let message):
            writer.field("consumer")
            writer.string(consumer)
            writer.field("event")
            writer.string(event)
            writer.field("message")
            writer.string(message)
        case .progress(let progress):
            write(progress.counts, into: &writer)
            writer.field("in_flight")
            writer.int(progress.inFlight)
            writer.field("items_per_second")
            writer.double(Self.rounded(progress.itemsPerSecond))
            writer.field("eta_seconds")
            progress.etaSeconds.map { writer.double(Self.rounded($0)) } ?? writer.null()
            for (name, value) in [
                ("latency_p50_ms", progress.latencyP50), ("latency_p95_ms", progress.latencyP95),
                ("latency_p99_ms", progress.latencyP99),
            ] {
                writer.key(name)
                value.map { writer.double(Self.rounded($0)) } ?? writer.null()
            }
            if let spent = progress.spent {
                writer.field("cost_usd")
                writer.value(spent.json)
            }
            if let maxCost = progress.maxCost {
                writer.field("max_cost_usd")
                writer.value(maxCost.json)
            }
            if let fleet = progress.fleet {
                writer.field("fleet")
                writer.value(fleet.json)
            }
        }
        writer.endObject()
    }

    /// The event's log line, without the newline.
    public var jsonText: String {
        var writer = JSONWriter()
        write(into: &writer)
        return writer.text
    }

    /// Milliseconds to a tenth: enough for people, stable in logs.
    static func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }

    private func write(_ counts: RunCounts, into writer: inout JSONWriter) {
        writer.field("total")
        writer.int(counts.total)
        writer.field("completed")
        writer.int(counts.completed)
        writer.field("succeeded")
        writer.int(counts.succeeded)
        writer.field("failed")
        writer.int(counts.failed)
        writer.field("success_rate")
        writer.double((counts.successRate * 10_000).rounded() / 10_000)
    }

    /// An ended item's fields: `item`, `attempt`, `latency_ms`, `usage` and `cost` when
    /// there are any, `cached` when true, `sent` for an image.
    private func write(_ report: ItemReport, into writer: inout JSONWriter) {
        writer.field("item")
        writer.string(report.item)
        writer.field("attempt")
        writer.int(report.attempt)
        writer.field("latency_ms")
        writer.double(Self.rounded(report.latencyMilliseconds))
        if !report.usage.isEmpty {
            writer.field("usage")
            writer.value(report.usage.json)
        }
        if let spend = report.spend {
            writer.field("cost")
            writer.value(spend.json)
        }
        if report.cached {
            writer.field("cached")
            writer.bool(true)
        }
        if let sent = report.sent {
            writer.field("sent")
            writer.value(sent.json)
        }
    }

    private func write(_ check: ThresholdCheck, into writer: inout JSONWriter) {
        writer.field("check")
        writer.string(check.check)
        writer.field("at")
        writer.int(check.completed)
        writer.field("value")
        writer.double((check.value * 10_000).rounded() / 10_000)
        writer.field("limit")
        writer.double(check.limit)
        writer.field("passed")
        writer.bool(check.passed)
        writer.field("action")
        writer.string(check.action)
    }
}

extension RunEvent {
    /// Reads an event back from its log line (the replay that rebuilds counts and resume
    /// state). Unknown types and missing fields are errors naming what is wrong.
    public init(json: JSONValue) throws(EventDecodingError) {
        func string(_ key: String) throws(EventDecodingError) -> String {
            guard case .string(let text)? = json[key] else { throw EventDecodingError("missing \"\(key)\"") }
            return text
        }
        func int(_ key: String) throws(EventDecodingError) -> Int {
            guard let value = json[key]?.numberValue?.int64Value else {
                throw EventDecodingError("missing integer \"\(key)\"")
            }
            return Int(value)
        }
        func double(_ key: String) -> Double? { json[key]?.numberValue?.doubleValue }
        func counts() throws(EventDecodingError) -> RunCounts {
            RunCounts(total: try int("total"), succeeded: try int("succeeded"), failed: try int("failed"))
        }
        func itemReport() throws(EventDecodingError) -> ItemReport {
            ItemReport(
                item: try string("item"), attempt: try int("attempt"), latencyMilliseconds: double("latency_ms") ?? 0,
                usage: TokenUsage(json: json["usage"]),
                spend: Spend(json: json["cost"]), cached: json["cached"] == .bool(true),
                sent: SentImage(json: json["sent"]))
        }
        func check() throws(EventDecodingError) -> ThresholdCheck {
            ThresholdCheck(
                check: try string("check"), completed: try int("at"), value: double("value") ?? 0,
                limit: double("limit") ?? 0,
                passed: json["passed"] == .bool(true), action: (try? string("action")) ?? "abort")
        }
        guard json["v"] == .number(JSONNumber(Self.formatVersion)) else {
            throw EventDecodingError("unsupported event version")
        }
        let type = try string("type")
        guard let eventType = EventType(type) else { throw EventDecodingError("unknown event type \"\(type)\"") }
        let kind: Kind
        switch eventType {
        case .runStarted:
            kind = .runStarted(
                RunStarted(
                    job: try string("job"), total: try int("total"), concurrency: try int("concurrency"),
                    provider: try string("provider")))
        case .runCompleted: kind = .runCompleted(try counts())
        case .runResumed:
            var repaired: [String: Int] = [:]
            for (file, bytes) in json["repaired_bytes"]?.objectValue ?? JSONObject() {
                repaired[file] = bytes.numberValue?.int64Value.map { Int($0) } ?? 0
            }
            kind = .runResumed(
                RunResumed(
                    counts: try counts(), repairedBytes: repaired, recoveredItems: (try? int("recovered_items")) ?? 0))
        case .runAborted:
            kind = .runAborted(
                Verdict(check: json["check"] == nil ? nil : try check(), message: try string("reason")), try counts())
        case .runFailed: kind = .runFailed(message: try string("reason"), try counts())
        case .runInterrupted: kind = .runInterrupted(reason: try string("reason"), try counts())
        case .itemStarted: kind = .itemStarted(item: try string("item"), attempt: try int("attempt"))
        case .itemCompleted:
            kind = .itemCompleted(try itemReport(), result: json["result"] ?? .null)
        case .itemFailed:
            guard let failureKind = ItemFailure.Kind(rawValue: try string("error")) else {
                throw EventDecodingError("unknown error kind")
            }
            kind = .itemFailed(
                try itemReport(), failure: ItemFailure(failureKind, try string("message"), detail: json["detail"]))
        case .itemRetrying:
            kind = .itemRetrying(
                item: try string("item"), attempt: try int("attempt"), delayMilliseconds: double("delay_ms") ?? 0,
                reason: try string("reason"))
        case .validationCheckpoint: kind = .validationCheckpoint(try check())
        case .validationWarning: kind = .validationWarning(try check())
        case .validationFailed: kind = .validationFailed(try check())
        case .referenceChecked:
            guard let report = json["reference"].flatMap(ReferenceReport.init(json:)) else {
                throw EventDecodingError("missing \"reference\"")
            }
            kind = .referenceChecked(report)
        case .breakerOpened, .breakerClosed:
            guard let since = Timestamp.parse(try string("since")) else { throw EventDecodingError("bad \"since\"") }
            let report = BreakerReport(
                reason: try string("reason"), since: since,
                nextProbe: json["next_probe"]?.stringValue.flatMap(Timestamp.parse), failures: try int("failures"))
            kind = eventType == .breakerOpened ? .breakerOpened(report) : .breakerClosed(report)
        case .batchSubmitted, .batchProgress, .batchCompleted, .batchFailed:
            let report = BatchReport(
                batch: try string("batch"), file: try string("file"), state: try string("state"),
                requests: try int("requests"),
                completed: try int("completed"), failed: try int("failed"), message: json["message"]?.stringValue)
            switch eventType {
            case .batchSubmitted: kind = .batchSubmitted(report)
            case .batchProgress: kind = .batchProgress(report)
            case .batchCompleted: kind = .batchCompleted(report)
            default: kind = .batchFailed(report)
            }
        case .checkpointSaved: kind = .checkpointSaved(completed: try int("completed"))
        case .consumerFailed:
            kind = .consumerFailed(
                consumer: try string("consumer"), event: try string("event"), message: try string("message"))
        case .progress:
            kind = .progress(
                Progress(
                    counts: try counts(), inFlight: try int("in_flight"),
                    itemsPerSecond: double("items_per_second") ?? 0,
                    etaSeconds: double("eta_seconds"), latencyP50: double("latency_p50_ms"),
                    latencyP95: double("latency_p95_ms"),
                    latencyP99: double("latency_p99_ms"), spent: Dollars(json: json["cost_usd"]),
                    maxCost: Dollars(json: json["max_cost_usd"]), fleet: FleetFigures(json: json["fleet"])))
        }
        guard let time = Timestamp.parse(try string("ts")) else { throw EventDecodingError("bad timestamp") }
        self.init(sequence: try int("seq"), time: time, run: try string("run"), kind: kind)
    }
}

/// A log line that is not an event this Vigil wrote.
public struct EventDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the line.
    public var message: String
    init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
