import ArgumentParser
import Foundation
import Logging
import Vigil

/// `vigil run JOB`: validate, then run the job, streaming results and events to the run
/// folder. `vigil run --retry-failed RUN_DIR`: a new run of only that run's failed items.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Validate a job, then run it: results and events are streamed to runs/<name>/<run-id>/.",
        discussion: """
            With --retry-failed RUN_DIR (and no job), runs only the items in that run's failed.jsonl again, \
            as a new run linked to it (retry_of), from the job and prompt copies in its folder, after checking \
            its pins like `vigil rerun`.

            Exit status: 0 completed, 2 invalid job or usage, 3 aborted by a threshold, 4 interrupted \
            (resume it), 5 finished but no item succeeded, 6 internal error, 7 pins drifted (--retry-failed).
            """
    )

    @Argument(help: ArgumentHelp("The job file.", valueName: "job"))
    var job: String?

    @Option(
        help:
            "Run only the first N items and report, with a projection of the whole run's cost and duration (a canary run)."
    )
    var canary: Int?

    @Option(
        name: .customLong("retry-failed"),
        help: ArgumentHelp("Run only the failed items of this run folder again, as a new run.", valueName: "run-dir"))
    var retryFailed: String?

    @Flag(help: "With --retry-failed: run even if the recorded run's pins have drifted (recorded in the new manifest).")
    var allowDrift = false

    @Option(
        help: ArgumentHelp(
            "Run one shard of the run: I/N (from 0), or auto (from Slurm, a Kubernetes Indexed Job or a CI matrix).",
            valueName: "I/N|auto"))
    var shard: String?

    @Option(
        help: ArgumentHelp(
            "With --shard auto in a Kubernetes Indexed Job: how many shards (the Job's completions).", valueName: "n"))
    var shards: Int?

    @Option(
        name: .customLong("run-id"),
        help: ArgumentHelp(
            "The run id the shards share (derived from SLURM_ARRAY_JOB_ID under Slurm).", valueName: "id"))
    var runID: String?

    @OptionGroup var cacheFlags: CacheFlags

    @Flag(help: "No progress line, even if the job asks for one.")
    var quiet = false

    mutating func validate() throws {
        if let canary, canary < 1 { throw ValidationError("--canary must be at least 1") }
        switch (job, retryFailed) {
        case (nil, nil):
            throw ValidationError(
                "give a job file (vigil run JOB) or a run to retry (vigil run --retry-failed RUN_DIR)")
        case (_?, _?):
            throw ValidationError(
                "give either a job file or --retry-failed RUN_DIR, not both (the retry runs the job copy in RUN_DIR)")
        default: break
        }
        if allowDrift && retryFailed == nil { throw ValidationError("--allow-drift goes with --retry-failed") }
        if shard == nil && (shards != nil || runID != nil) {
            throw ValidationError("--shards and --run-id go with --shard")
        }
        if shard != nil && (canary != nil || retryFailed != nil) {
            throw ValidationError("--shard runs a part of a whole run; it does not go with --canary or --retry-failed")
        }
    }

    func run() async throws {
        let stops = await StopRequests()
        if let retryFailed {
            try await Reproduction.run(
                .retryFailed, of: retryFailed, allowDrift: allowDrift, quiet: quiet, cache: cacheFlags, stops: stops)
            return
        }
        let job = job!
        let validation = JobLoader(purpose: .run).load(job)
        let renderer = DiagnosticRenderer(format: .text)
        guard let spec = validation.job, let count = validation.itemCount else {
            Console.output(renderer.render(validation.diagnostics))
            Console.error("\(job): invalid; nothing was run")
            throw CommandFailure.exit(.invalidJobOrUsage)
        }
        if !validation.diagnostics.isEmpty { Console.error(renderer.render(validation.diagnostics)) }
        let logger = RunSession.logger(for: spec)
        var part: (shard: Shard, runID: String)?
        if let shard {
            do {
                part = (try Shard.resolve(shard, shards: shards), try Shard.sharedRunID(runID))
            } catch {
                throw CommandFailure("\(error)", .invalidJobOrUsage)
            }
        }
        if let part, spec.coordinator == nil, let budget = spec.budget,
            let problem = BudgetCheck.shardProblem(budget, model: spec.model, shards: part.shard.count)
        {
            throw CommandFailure("\(job): \(problem.message); nothing was run; \(problem.hint)", .invalidJobOrUsage)
        }
        var options = cacheFlags.options(for: spec, logger: logger)
        if let part {
            options.coordination = try await CoordinatorSession.open(
                for: spec, shard: part.shard, runID: part.runID, environment: options.environment, logger: logger)
        } else if spec.coordinator != nil {
            Console.error(
                "note: coordinator is for the shards of a run (--shard I/N --run-id R); this whole run keeps its caps itself"
            )
        }
        let coordination = options.coordination
        try await CoordinatorSession.closing(coordination) {
            try await runItems(of: spec, count: count, part: part, options: options, stops: stops)
        }
    }

    private func runItems(
        of spec: JobSpec, count: Int, part: (shard: Shard, runID: String)?, options: RunOptions, stops: StopRequests
    ) async throws {
        let engine = try await CommandFailure.context("cannot start the run") {
            try RunEngine(
                job: spec, setup: try await RunSetup.newRun(of: spec, canary: canary, wholeSet: count, shard: part),
                options: options)
        }
        let share = engine.manifestBase.shardShare.map { "; it keeps \($0.summary)" } ?? ""
        let what =
            part.map { "shard \($0.shard) of \(count) items: \(engine.manifestBase.inputCount) are its\(share)" }
            ?? "\(count) items"
        Console.error(
            "run \(engine.folder.runID): \(what)" + (canary.map { " (canary: the first \(min($0, count)))" } ?? "")
                + " -> \(engine.folder.url.path)")
        try await RunSession.execute(engine, spec: spec, quiet: quiet, stops: stops)
    }
}
