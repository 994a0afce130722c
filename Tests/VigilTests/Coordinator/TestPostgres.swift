import Foundation
import Synchronization

/// One throwaway PostgreSQL for the whole test process (`postgres-up.sh`: its own cluster in a
/// temporary folder, on a free loopback port), stopped by its watchdog once the process has
/// exited. Each test takes
/// a database of its own (`freshDatabase()`), so no test sees another's tables.
enum TestPostgres {
    /// Debian's postgresql is installed and this process can act as its `postgres` user (CI
    /// installs it and runs as root; outside CI the coordinator's tests are skipped without it).
    static var isAvailable: Bool {
        let installed = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?.isEmpty == false
        return installed && getuid() == 0
    }

    struct Cluster: Sendable {
        /// `postgres://vigil:...@127.0.0.1:PORT/vigil`.
        let url: String
        let data: String
        var port: Int { Int(url.split(separator: ":").last!.split(separator: "/").first!)! }
    }

    private static let started = Mutex<Cluster?>(nil)

    /// The shared cluster, started on first use.
    static func cluster() throws -> Cluster {
        try started.withLock { started in
            if let started { return started }
            let cluster = try startCluster()
            started = cluster
            return cluster
        }
    }

    /// A cluster of the caller's own (to stop and start: a server restart). Its watchdog stops
    /// it when this process ends, if the caller has not.
    static func startCluster() throws -> Cluster {
        let script = TestEnvironment.repository.appendingPathComponent("Tests/VigilTests/Coordinator/postgres-up.sh")
        let outcome = try TestEnvironment.run(
            URL(fileURLWithPath: "/bin/bash"), [script.path, String(getpid())], timeout: 120)
        let fields = outcome.standardOutput.split(separator: " ").map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard outcome.status == 0, fields.count == 2 else {
            throw TestFailure("postgres-up.sh failed: \(outcome.standardError)")
        }
        return Cluster(url: fields[0], data: fields[1])
    }

    /// A new database owned by the test user: its URL.
    static func freshDatabase() throws -> String {
        let cluster = try cluster()
        let name = "t" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try psql(cluster, "CREATE DATABASE \(name) OWNER vigil")
        return "postgres://vigil:vigil-secret-pw@127.0.0.1:\(cluster.port)/\(name)"
    }

    /// Runs `sql` as the server's superuser.
    static func psql(_ cluster: Cluster, _ sql: String, database: String = "postgres") throws {
        let outcome = try TestEnvironment.run(
            URL(fileURLWithPath: "/bin/su"),
            [
                "postgres", "-s", "/bin/sh", "-c",
                "psql -h 127.0.0.1 -p \(cluster.port) -U postgres -d \(database) -qc \"\(sql)\"",
            ],
            timeout: 60)
        guard outcome.status == 0 else { throw TestFailure("psql \(sql): \(outcome.standardError)") }
    }

    /// Stops the server at once (a crash, to its clients).
    static func stop(_ cluster: Cluster) {
        let script = TestEnvironment.repository.appendingPathComponent("Tests/VigilTests/Coordinator/postgres-down.sh")
        _ = try? TestEnvironment.run(URL(fileURLWithPath: "/bin/bash"), [script.path, cluster.data], timeout: 60)
    }

    static func start(_ cluster: Cluster) throws {
        let script = TestEnvironment.repository.appendingPathComponent("Tests/VigilTests/Coordinator/postgres-down.sh")
        let outcome = try TestEnvironment.run(URL(fileURLWithPath: "/bin/bash"), [script.path, cluster.data, "start"])
        guard outcome.status == 0 else { throw TestFailure("restarting PostgreSQL: \(outcome.standardError)") }
    }
}
