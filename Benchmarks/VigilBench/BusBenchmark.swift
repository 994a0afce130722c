import Foundation
import JSONSchema
import Vigil

/// Emits N `item.completed` events shaped like the seed bus benchmark's `specimen.completed`
/// (a specimen id, a Darwin Core result, running counts) through Vigil's event bus with a
/// threshold consumer, a metrics consumer and K no-op consumers, and prints one JSON line
/// like `bench_seed_bus.py`: events, seconds, events_per_sec, us_per_event, peak_rss_mb.
/// The timed loop builds each event's payload, as a real caller would.
enum BusBenchmark {
    static let genera = ["Quercus", "Acer", "Betula", "Pinus", "Carex", "Rosa", "Salix", "Viola"]
    static let epithets = ["alba", "rubra", "nigra", "glauca", "minor", "major", "canadensis", "sylvestris"]

    /// Mirrors the seed's ValidationConsumer: an early check and periodic warnings.
    final class ThresholdConsumer: EventConsumer, @unchecked Sendable {
        var seen = 0
        var succeeded = 0
        func consume(_ event: RunEvent) -> ConsumerDecision {
            guard case .itemCompleted = event.kind else { return .proceed }
            seen += 1
            succeeded += 1
            let rate = Double(succeeded) / Double(seen)
            if seen == 5 && rate < 0.5 { return .abort("early") }
            return .proceed
        }
    }

    final class MetricsConsumer: EventConsumer, @unchecked Sendable {
        var completed = 0
        func consume(_ event: RunEvent) -> ConsumerDecision {
            if case .itemCompleted = event.kind { completed += 1 }
            return .proceed
        }
    }

    struct NoOp: EventConsumer {
        func consume(_ event: RunEvent) -> ConsumerDecision { .proceed }
    }

    /// What the timed loop does with each event.
    enum Mode {
        /// Publish through the bus (with the log if one is given).
        case publish
        /// Only build the payloads (the seed's `--no-bus`): what the caller's part costs.
        case payloadOnly
        /// Build the payloads and format each event's log line, without bus or file: what
        /// the formatting costs.
        case formatOnly
    }

    static func run(events count: Int, log: String?, subscribers: Int, mode: Mode = .publish) throws -> String {
        let url = log.map { URL(fileURLWithPath: $0) }
        if let url { try? FileManager.default.removeItem(at: url) }
        let bus = try EventBus(run: "bench", logURL: url)
        bus.add(ThresholdConsumer())
        bus.add(MetricsConsumer())
        for _ in 0..<subscribers { bus.add(NoOp()) }
        var lines = JSONWriter(capacity: 1 << 17)
        var timestamps = TimestampFormatter()
        let clock = ContinuousClock()
        let start = clock.now
        for index in 1...count {
            var dwc = JSONObject(minimumCapacity: 2)
            dwc["scientificName"] = .string("\(genera[index % 8]) \(epithets[(index / 8) % 8])")
            dwc["catalogNumber"] = .string("AAFC-\(100_000 + index)")
            var result = JSONObject(minimumCapacity: 1)
            result["dwc"] = .object(dwc)
            // The seed's f"DSC_{i:06d}.JPG": the number's digits once, zero-padded to six.
            let digits = String(index)
            let id = "DSC_\(String(repeating: "0", count: max(0, 6 - digits.utf8.count)))\(digits).JPG"
            let kind = RunEvent.Kind.itemCompleted(
                ItemReport(item: id, attempt: 1, latencyMilliseconds: 0), result: .object(result))
            switch mode {
            case .publish:
                bus.publish(kind)
            case .payloadOnly:
                continue
            case .formatOnly:
                RunEvent(sequence: index, time: Timestamp.now(), run: bus.run, kind: kind).write(
                    into: &lines, timestamps: &timestamps)
                lines.newline()
                if lines.count >= 1 << 16 { lines.removeAll() }
            }
        }
        try bus.close()
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("events")
        writer.int(count)
        writer.key("seconds")
        writer.double((seconds * 10_000).rounded() / 10_000)
        writer.key("events_per_sec")
        writer.double(Double(count) / seconds)
        writer.key("us_per_event")
        writer.double((seconds / Double(count) * 1e6 * 1000).rounded() / 1000)
        writer.key("peak_rss_mb")
        writer.double(Double(usage.ru_maxrss) / 1024)
        writer.endObject()
        return writer.text
    }
}
