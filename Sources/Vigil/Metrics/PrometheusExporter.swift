public import Foundation
public import Logging
import Synchronization

/// The `prometheus` consumer: the run's metrics (`RunMetrics`), kept inline from every event
/// (so no count is lost to a full buffer), written as a node_exporter textfile and served on
/// `/metrics` while the run goes on.
///
/// The textfile is replaced atomically every `interval` and once more after the run's last
/// event, so a collector never reads half a file and the file's last state is the run's end.
/// A textfile that cannot be written, or an address that cannot be listened on, is said once
/// in the log; the run goes on (metrics never stop a run).
public final class PrometheusExporter: RunExporter {
    /// The run's metrics, kept from its events (what the textfile and /metrics show).
    public let metrics: RunMetrics
    /// Where the textfile goes.
    public let textfile: URL?
    /// Where `/metrics` is served.
    public let listen: ListenAddress?
    /// How often the textfile is rewritten.
    public let interval: Duration
    let logger: Logger
    private let warned = Mutex<Set<String>>([])

    /// `host:port` (loopback when only a port is given; port 0: any free port).
    public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
        /// The address to listen on (loopback unless the job says otherwise).
        public var host: String
        /// The port to listen on, as `listen:` wrote it.
        public var port: Int

        /// Reads `127.0.0.1:9464`, `0.0.0.0:9464` or `9464`; nil when it is not one of those.
        public init?(_ text: String) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2, let port = Int(parts.last!), (0...65_535).contains(port) else { return nil }
            host = parts.count == 2 ? String(parts[0]) : "127.0.0.1"
            guard !host.isEmpty, !host.contains(where: \.isWhitespace) else { return nil }
            self.port = port
        }

        public var description: String { "\(host):\(port)" }
    }

    /// An exporter for `metrics`.
    public init(
        metrics: RunMetrics, textfile: URL?, listen: ListenAddress?, interval: Duration = .seconds(5), logger: Logger
    ) {
        self.metrics = metrics
        self.textfile = textfile
        self.listen = listen
        self.interval = interval
        self.logger = logger
    }

    public func consume(_ event: RunEvent) -> ConsumerDecision {
        metrics.record(event)
        return .proceed
    }

    /// Until cancelled: the textfile rewritten every `interval`, `/metrics` served.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            if let listen { group.addTask { await self.serve(on: listen) } }
            if textfile != nil {
                group.addTask {
                    while !Task.isCancelled {
                        self.writeTextfile()
                        try? await Task.sleep(for: self.interval)
                    }
                }
            }
        }
    }

    /// After the run's last event: the textfile's final state.
    public func finish() {
        writeTextfile()
    }

    /// Writes the textfile now (atomically).
    func writeTextfile() {
        guard let textfile else { return }
        do {
            try FileManager.default.createDirectory(
                at: textfile.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(Data(metrics.exposition()), to: textfile)
        } catch {
            warnOnce(
                "textfile",
                "cannot write the Prometheus textfile \(textfile.path): \(error); the run goes on without it (check the folder exists and is writable)"
            )
        }
    }

    /// Serves `/metrics` on `address` until cancelled.
    private func serve(on address: ListenAddress) async {
        let listener: MetricsListener
        do {
            listener = try MetricsListener(host: address.host, port: address.port) { [metrics] in metrics.exposition() }
        } catch {
            warnOnce(
                "listen",
                "cannot serve Prometheus metrics on \(address): \(error); the run goes on without them (choose a free port in consumers[].listen)"
            )
            return
        }
        listener.start()
        logger.notice("Prometheus metrics at http://\(address.host):\(listener.port)/metrics")
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        listener.stop()
    }

    private func warnOnce(_ key: String, _ message: String) {
        guard warned.withLock({ $0.insert(key).inserted }) else { return }
        logger.warning("\(message)")
    }
}
