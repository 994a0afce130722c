import Foundation
import TestSupport
import Testing

/// One throwaway PostgreSQL for the whole test process (`postgres-up.sh`: its own cluster in a
/// temporary folder, on a free loopback port), stopped by its watchdog once the process has
/// exited. Each test takes a database of its own (`freshDatabase()`), so no test sees another's
/// tables.
///
/// Every program here is run off Swift's cooperative threads (two on this machine): a test
/// that waited for `psql` on one of them, while another waited for it, stalled every task of
/// the process (seen: the whole suite held at its time limit).
enum TestPostgres {
    /// Debian's postgresql is installed and this process can act as its `postgres` user (CI
    /// installs it and runs as root; outside CI the coordinator's tests are skipped without it).
    static var isAvailable: Bool {
        let installed = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?.isEmpty == false
        return installed && getuid() == 0
    }

    /// The trait of a suite that needs it: run in CI (which installs it) or where it is
    /// installed; skipped, saying why, elsewhere.
    static var needed: ConditionTrait {
        .enabled(
            if: isAvailable || ProcessInfo.processInfo.environment["CI"] == "true",
            "needs Debian's postgresql and root (.ci/run installs it)")
    }

    struct Cluster: Sendable {
        /// `postgres://vigil:...@127.0.0.1:PORT/vigil`.
        let url: String
        let data: String
        var port: Int { Int(url.split(separator: ":").last!.split(separator: "/").first!)! }
    }

    /// The shared cluster, started by the first test that asks.
    private static let shared = Task { try await startCluster() }

    static func cluster() async throws -> Cluster {
        try await shared.value
    }

    /// A cluster of the caller's own (to stop and start: a server restart). Its watchdog stops
    /// it when this process ends, if the caller has not.
    static func startCluster() async throws -> Cluster {
        let outcome = try await script("postgres-up.sh", [String(getpid())])
        let fields = outcome.standardOutput.split(separator: " ").map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard outcome.status == 0, fields.count == 2 else {
            throw TestFailure("postgres-up.sh failed: \(outcome.standardError)")
        }
        return Cluster(url: fields[0], data: fields[1])
    }

    /// A new database owned by the test user: its URL.
    static func freshDatabase() async throws -> String {
        let cluster = try await cluster()
        let name = "t" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await psql(cluster, "CREATE DATABASE \(name) OWNER vigil")
        return "postgres://vigil:vigil-secret-pw@127.0.0.1:\(cluster.port)/\(name)"
    }

    /// Runs `sql` as the server's superuser; what it printed (unaligned, tuples only).
    @discardableResult
    static func psql(_ cluster: Cluster, _ sql: String, database: String = "postgres") async throws -> String {
        let command = "psql -h 127.0.0.1 -p \(cluster.port) -U postgres -d \(database) -qAtc \"\(sql)\""
        let outcome = try await offPool {
            try TestEnvironment.run(
                URL(fileURLWithPath: "/bin/su"), ["postgres", "-s", "/bin/sh", "-c", command], timeout: 60)
        }
        guard outcome.status == 0 else { throw TestFailure("psql \(sql): \(outcome.standardError)") }
        return outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stops the server at once (a crash, to its clients).
    static func stop(_ cluster: Cluster) async throws {
        _ = try await script("postgres-down.sh", [cluster.data])
    }

    /// Starts a stopped server again, on its port.
    static func start(_ cluster: Cluster) async throws {
        let outcome = try await script("postgres-down.sh", [cluster.data, "start"])
        guard outcome.status == 0 else { throw TestFailure("restarting PostgreSQL: \(outcome.standardError)") }
    }

    private static func script(_ name: String, _ arguments: [String]) async throws -> TestEnvironment.Outcome {
        let path = TestEnvironment.repository.appendingPathComponent("Tests/VigilTests/Coordinator/\(name)").path
        return try await offPool {
            try TestEnvironment.run(URL(fileURLWithPath: "/bin/bash"), [path] + arguments, timeout: 120)
        }
    }

    /// Runs blocking `work` on a thread of its own (`OwnThread`).
    private static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await OwnThread.run(work)
    }
}
