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

    @Option(
        name: .customLong("max-cost"),
        help: ArgumentHelp(
            "A new budget.max_cost in USD for the whole run (what it spent counts); resumes a run its budget stopped.",
            valueName: "usd"))
    var maxCost: Double?

    @Option(
        name: .customLong("max-tokens"),
        help: ArgumentHelp("A new budget.max_tokens for the whole run.", valueName: "n"))
    var maxTokens: Int?

    @OptionGroup var cacheFlags: CacheFlags

    @Flag(help: "No progress line, even if the job asks for one.")
    var quiet = false

    mutating func validate() throws {
        if let maxCost, !(maxCost > 0) || Dollars(usd: maxCost) == nil {
            throw ValidationError("--max-cost must be an amount above 0 (USD), e.g. 40")
        }
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1") }
    }

    func run() async throws {
        let stops = await StopRequests()
        let (recorded, copy) = try RunSession.openRecorded(runFolder)
        var spec = copy
        if maxCost != nil || maxTokens != nil {
            // The job copy is the run's pinned job; the new caps apply to this resume and are
            // recorded in the manifest's `resumes`.
            let budget = BudgetSpec(
                maxCost: maxCost.flatMap { Dollars(usd: $0) } ?? spec.budget?.maxCost,
                maxTokens: maxTokens ?? spec.budget?.maxTokens)
            let problems = BudgetCheck.problems(budget, model: spec.model)
            guard problems.isEmpty else {
                // Said as validate says it; the fix is in the job, for a new run.
                throw CommandFailure(
                    "the new cap cannot be kept for this run: "
                        + problems.map { "\($0.message); \($0.hint)" }.joined(separator: "\n  "), .invalidJobOrUsage)
            }
            spec.budget = budget
        }
        let logger = RunSession.logger(for: spec)
        var options = cacheFlags.options(for: spec, logger: logger)
        if let shard = recorded.manifest.shard {
            options.coordination = try await CoordinatorSession.open(
                for: spec, shard: shard, runID: recorded.manifest.runID, environment: options.environment,
                logger: logger, settingCaps: maxCost != nil || maxTokens != nil)
        }
        let coordination = options.coordination
        try await CoordinatorSession.closing(coordination) {
            try await resume(recorded, spec: spec, copy: copy, options: options, stops: stops)
        }
    }

    private func resume(
        _ recorded: RecordedRun, spec: JobSpec, copy: JobSpec, options: RunOptions, stops: StopRequests
    ) async throws {
        let setup: RunSetup
        let engine: RunEngine
        do {
            setup = try await RunSetup.resuming(recorded, job: spec, allowDrift: allowDrift)
            engine = try RunEngine(job: spec, setup: setup, options: options)
        } catch let refusal as ResumeRefusal {
            // Says what to do instead; its status says how it ends (nothing to resume: 0).
            throw refusal
        } catch {
            throw CommandFailure("cannot resume \(recorded.folder.url.path)", error)
        }
        let counts = recorded.manifest.counts
        Console.error(
            "resuming run \(recorded.manifest.runID): \(counts.completed) of \(counts.total) items were done -> \(recorded.folder.url.path)"
        )
        if spec.budget != copy.budget, let budget = spec.budget, let spent = recorded.manifest.cost?.spend.charged {
            let caps = [
                budget.maxCost.map { "budget.max_cost \($0)" }, budget.maxTokens.map { "budget.max_tokens \($0)" },
            ].compactMap { $0 }
            Console.error(
                "the rest of the run is capped by \(caps.joined(separator: " and ")); \(spent) is spent already")
        }
        if !setup.resumedDrift.isEmpty {
            Console.error(
                (["warning: continuing despite drift (--allow-drift; recorded in the manifest):"]
                    + setup.resumedDrift.map { "  \($0)" }).joined(separator: "\n"))
        }
        try await RunSession.execute(engine, spec: spec, quiet: quiet, stops: stops)
    }
}
