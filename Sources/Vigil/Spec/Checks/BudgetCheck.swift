/// A budget must be keepable before a request is sent, never a silent $0: `max_cost` needs
/// prices, and every cap needs a bound on a request's output tokens (a request's worst case
/// is its input plus that bound), a provider that reports tokens at all, and room for one
/// request.
public enum BudgetCheck {
    /// What is wrong with keeping `budget` for `model`, each with its fix and the field it is
    /// about (nil: the budget itself).
    public struct Problem: Sendable, Equatable {
        /// What is wrong with the budget, and the fix (a price to add, a cap to raise).
        public var message: String
        /// How to fix it.
        public var hint: String
        /// The job's field the diagnostic points at (nil: the budget as a whole).
        public var field: JobLocations.Field?
    }

    /// The problems of keeping `budget` with `model` (none: it can be kept).
    public static func problems(_ budget: BudgetSpec, model: ModelSpec) -> [Problem] {
        if case .command = model.provider {
            return [
                Problem(
                    message:
                        "budget cannot be kept with provider: command: a program reports no tokens, so no request has a known cost",
                    hint: "remove budget, or send the items to an OpenAI-compatible endpoint (provider: openai)",
                    field: nil)
            ]
        }
        var problems: [Problem] = []
        if let maxCost = budget.maxCost, model.pricing == nil {
            problems.append(
                Problem(
                    message:
                        "budget.max_cost is \(maxCost) but the model has no prices: every request would count as $0, so the cap could never stop the run",
                    hint:
                        "add model.pricing: { input_per_million: ..., output_per_million: ... } (USD per million tokens, from the provider's price list)",
                    field: .budgetMaxCost))
        }
        guard let bound = model.outputTokenBound else {
            let caps = [budget.maxCost.map { _ in "max_cost" }, budget.maxTokens.map { _ in "max_tokens" }].compactMap {
                $0
            }.joined(separator: " and ")
            problems.append(
                Problem(
                    message:
                        "budget.\(caps) \(caps.contains(" and ") ? "need" : "needs") a bound on each answer's length: without model.parameters.max_tokens (or max_completion_tokens) a request's worst case is unknown, so the cap cannot be checked before it is sent",
                    hint:
                        "add max_tokens under model.parameters: the longest answer an item needs (e.g. max_tokens: 1024)",
                    field: .modelParameters))
            return problems
        }
        if let maxCost = budget.maxCost, let pricing = model.pricing, pricing.output * bound > maxCost {
            problems.append(
                Problem(
                    message:
                        "budget.max_cost (\(maxCost)) is less than one request's longest answer costs (max_tokens \(bound) at the output price: \(pricing.output * bound)): no request could be sent",
                    hint: "raise budget.max_cost, or lower max_tokens", field: .budgetMaxCost))
        }
        if let maxTokens = budget.maxTokens, bound > maxTokens {
            problems.append(
                Problem(
                    message:
                        "budget.max_tokens (\(maxTokens)) is less than one request's max_tokens (\(bound)): no request could be sent",
                    hint: "raise budget.max_tokens, or lower max_tokens", field: .budgetMaxTokens))
        }
        return problems
    }

    /// What is wrong with splitting `budget` among `shards` shards without a coordinator (each
    /// keeps 1/`shards`): nil when every part can pay for one request, else what each part
    /// is and what one request needs, with the most shards the budget can be split among.
    public static func shardProblem(_ budget: BudgetSpec, model: ModelSpec, shards: Int) -> Problem? {
        guard shards > 1, problems(budget, model: model).isEmpty, let bound = model.outputTokenBound else {
            return nil
        }
        let part = budget.share(among: shards)
        var needs: [String] = []
        var most = Int.max
        var field = JobLocations.Field.budgetMaxCost
        if let maxCost = budget.maxCost, let part = part.maxCost, let pricing = model.pricing {
            let request = pricing.output * bound
            most = min(most, Int(maxCost.picodollars / max(1, request.picodollars)))
            if request > part { needs.append("max_cost \(part) of \(maxCost), one request up to \(request)") }
        }
        if let maxTokens = budget.maxTokens, let part = part.maxTokens {
            most = min(most, maxTokens / max(1, bound))
            if bound > part {
                needs.append("max_tokens \(part) of \(maxTokens), one request up to \(bound)")
                if needs.count == 1 { field = .budgetMaxTokens }
            }
        }
        guard !needs.isEmpty else { return nil }
        return Problem(
            message:
                "\(shards) shards without a coordinator each keep 1/\(shards) of the budget (\(needs.joined(separator: "; "))): no shard could send a request",
            hint: "split the run among at most \(most) shards, or raise the budget, or lower max_tokens",
            field: field)
    }

    static func run(_ context: inout JobCheckContext) {
        let job = context.job
        guard let budget = job.budget, let location = job.locations[.budget] else { return }
        for problem in problems(budget, model: job.model) {
            let at =
                problem.field.flatMap { job.locations[$0] ?? (($0 == .modelParameters) ? job.locations[.model] : nil) }
                ?? location
            context.report(Diagnostic(.budgetUnenforceable, problem.message, at: at, hint: problem.hint))
        }
    }
}
