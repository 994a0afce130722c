import ArgumentParser
import Foundation
import Vigil

/// `vigil cancel RUN_DIR`: cancel a `model.batch` run's provider batches.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel the provider batches a model.batch run left running; record what they finished.",
        discussion: """
            After Ctrl-C (or a crash) the batches of a model.batch run go on at the endpoint, and are \
            billed. vigil cancel asks the endpoint to cancel each one recorded in batches.jsonl, waits \
            until they have stopped, and records every answer they had finished (those are paid for) in \
            results.jsonl or failed.jsonl. The items they did not run stay to do: vigil resume sends them \
            in a new batch.

            Exit status: 4 (the run stays interrupted, resumable), 0 when every item of the run is done; \
            2 when the run is still running (stop it first) or has no batches.
            """
    )

    @Argument(help: ArgumentHelp("The run folder (runs/<name>/<run-id>).", valueName: "run-dir"))
    var runFolder: String

    @Flag(help: "No progress line, even if the job asks for one.")
    var quiet = false

    func run() async throws {
        let stops = await StopRequests()
        let (recorded, spec) = try RunSession.openRecorded(runFolder)
        guard spec.model.batch != nil else {
            throw CommandFailure(
                "run \(recorded.manifest.runID) does not use model.batch: it has no provider batches to cancel (stop a live run with Ctrl-C)",
                .invalidJobOrUsage)
        }
        let engine: RunEngine
        do {
            let setup = try await RunSetup.resuming(recorded, job: spec)
            var options = RunOptions(logger: RunSession.logger(for: spec))
            options.cancelsBatches = true
            engine = try RunEngine(job: spec, setup: setup, options: options)
        } catch let refusal as ResumeRefusal {
            throw refusal
        } catch {
            throw CommandFailure("cannot cancel the batches of \(recorded.folder.url.path)", error)
        }
        Console.error(
            "cancelling the batches of run \(recorded.manifest.runID) and recording what they finished -> \(recorded.folder.url.path)"
        )
        try await RunSession.execute(engine, spec: spec, quiet: quiet, stops: stops)
    }
}
