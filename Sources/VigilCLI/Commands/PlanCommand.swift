import ArgumentParser
import JSONSchema
import Vigil

/// `vigil plan JOB`: validate, resolve inputs, and show what a run would do.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract:
            "Validate a job, resolve its inputs and show what would run: item count, first items, model, thresholds."
    )

    @Argument(help: ArgumentHelp("The job file.", valueName: "job"))
    var job: String

    @Option(help: "Output format: text or json.")
    var format: PlanFormat = .text

    @Option(help: "How many of the first items to list.")
    var items = 5

    @Option(
        help: ArgumentHelp(
            "Plan one shard of a sharded run: what part of the run's budget and rate limit it keeps.",
            valueName: "I/N"))
    var shard: String?

    enum PlanFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    func run() async throws {
        let validation = JobLoader(purpose: .validate).load(job)
        let renderer = DiagnosticRenderer(format: .text)
        guard let spec = validation.job, let count = validation.itemCount else {
            Console.output(renderer.render(validation.diagnostics))
            throw CommandFailure.exit(.invalidJobOrUsage)
        }
        if !validation.diagnostics.isEmpty { Console.error(renderer.render(validation.diagnostics)) }
        var part: Shard?
        if let shard {
            do {
                part = try Shard.resolve(shard)
            } catch {
                throw CommandFailure("\(error)", .invalidJobOrUsage)
            }
        }
        if let part, let budget = spec.budget,
            let problem = BudgetCheck.shardProblem(budget, model: spec.model, shards: part.count)
        {
            throw CommandFailure("\(job): \(problem.message); \(problem.hint)", .invalidJobOrUsage)
        }
        let plan = JobPlan(
            job: spec, itemCount: count, firstItems: validation.firstItems, shard: part,
            inputKinds: validation.inputKinds)
        switch format {
        case .json: Console.output(plan.json(firstItems: items).jsonText() + "\n")
        case .text: Console.output(plan.text(firstItems: items))
        }
    }
}
