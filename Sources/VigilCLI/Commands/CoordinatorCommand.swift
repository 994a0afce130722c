import ArgumentParser
import Foundation
import Logging
import Vigil

/// `vigil coordinator prune`: look after the coordinator's tables.
struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Look after the coordinator's tables in PostgreSQL (the state shards of a run share).",
        subcommands: [Prune.self]
    )

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the runs not touched for a given age, with their reservations.")

        @Option(
            name: .customLong("older-than"),
            help: ArgumentHelp("An age: 30d, 12h, 90m (since the run's last request or verdict).", valueName: "age"))
        var olderThan: String

        @Option(
            help: ArgumentHelp(
                "The job whose coordinator.url_env names the server's URL.", valueName: "job"))
        var job: String?

        @Option(
            name: .customLong("url-env"),
            help: ArgumentHelp(
                "The environment variable holding the server's URL (instead of --job).", valueName: "name"))
        var urlEnvironment: String?

        func validate() throws {
            if CacheCommand.Prune.seconds(olderThan) == nil {
                throw ValidationError("--older-than \(olderThan) is not an age; write e.g. 30d, 12h or 90m")
            }
            if (job == nil) == (urlEnvironment == nil) {
                throw ValidationError(
                    "say where the coordinator is: --job JOB (its coordinator.url_env) or --url-env NAME")
            }
        }

        func run() async throws {
            let variable = try self.variable()
            let text = ProcessInfo.processInfo.environment[variable] ?? ""
            guard !text.isEmpty else {
                throw CommandFailure(
                    "the environment variable \(variable) is not set; export \(variable)=postgres://USER:PASSWORD@HOST:PORT/DATABASE",
                    .invalidJobOrUsage)
            }
            let removed: [String]
            let server: String
            do {
                let url = try CoordinatorURL(text)
                server = url.redacted
                let store = try await CoordinatorStore.open(url, logger: Logger(label: "vigil.coordinator"))
                do {
                    removed = try await store.prune(olderThan: CacheCommand.Prune.seconds(olderThan)!)
                    await store.close()
                } catch {
                    await store.close()
                    throw error
                }
            } catch {
                throw CommandFailure("\(error)", .invalidJobOrUsage)
            }
            let list = removed.isEmpty ? "" : ": " + removed.joined(separator: ", ")
            Console.output("removed \(removed.count) runs not touched for \(olderThan) from \(server)\(list)\n")
        }

        private func variable() throws -> String {
            if let urlEnvironment { return urlEnvironment }
            let job = job!
            guard let spec = JobLoader(purpose: .validate).load(job).job else {
                throw CommandFailure("\(job) does not pass validation; run vigil validate \(job)", .invalidJobOrUsage)
            }
            guard let coordinator = spec.coordinator else {
                throw CommandFailure(
                    "\(job) has no coordinator: (add coordinator: { url_env: NAME })", .invalidJobOrUsage)
            }
            return coordinator.urlEnvironment
        }
    }
}
