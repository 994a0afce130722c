import ArgumentParser
import Foundation
import Vigil

/// `vigil resume RUN_DIR`: continue an interrupted or crashed run in its own folder.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue an interrupted or crashed run in its own folder; no item is done twice or lost.",
        discussion: """
            Works after Ctrl-C and after kill -9 at any moment: repairs a torn last line in results.jsonl, \
            failed.jsonl and events.jsonl, rebuilds what was done from those files, checks the job copy, \
            prompt, success schema, inputs and Vigil version against the manifest, then runs only the items \
            not yet in results.jsonl or failed.jsonl. Thresholds keep counting over the whole run.

            Exit status: as `vigil run`; 2 when the run already ended or is still running (another \
            process holds its lock), 7 when pins drifted (nothing was run).
            """
    )

    @Argument(help: ArgumentHelp("The run folder (runs/<name>/<run-id>).", valueName: "run-dir"))
    var runFolder: String

    @Flag(help: "Continue even if pins drifted; the drift is recorded in the manifest.")
    var allowDrift = false

    @Flag(help: "No progress line, even if the job asks for one.")
    var quiet = false

    func run() async throws {
        let stops = await StopRequests()
        let (recorded, spec) = try RunSession.openRecorded(runFolder)
        let logger = RunSession.logger(for: spec)
        let setup: RunSetup
        let engine: RunEngine
        do {
            setup = try RunSetup.resuming(recorded, job: spec, allowDrift: allowDrift)
            engine = try RunEngine(job: spec, setup: setup, options: RunOptions(logger: logger))
        } catch let refusal as ResumeRefusal {
            // Says what to do instead; its status says how it ends (nothing to resume: 0).
            throw refusal
        } catch {
            throw CommandFailure("cannot resume \(recorded.folder.url.path)", error)
        }
        let counts = recorded.manifest.counts
        Console.error("resuming run \(recorded.manifest.runID): \(counts.completed) of \(counts.total) items were done -> \(recorded.folder.url.path)")
        if !setup.resumedDrift.isEmpty {
            Console.error((["warning: continuing despite drift (--allow-drift; recorded in the manifest):"] + setup.resumedDrift.map { "  \($0)" }).joined(separator: "\n"))
        }
        try await RunSession.execute(engine, spec: spec, quiet: quiet, stops: stops)
    }
}
