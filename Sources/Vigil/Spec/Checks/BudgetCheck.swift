/// A budget must be keepable before a request is sent, never a silent $0: `max_cost` needs
/// prices, and every cap needs a bound on a request's output tokens (a request's worst case
/// is its input plus that bound) and a provider that reports tokens at all.
enum BudgetCheck {
    static func run(_ context: inout JobCheckContext) {
        let job = context.job
        guard let budget = job.budget, let location = job.locations[.budget] else { return }
        if case .command = job.model.provider {
            context.report(
                Diagnostic(
                    .budgetUnenforceable, "budget cannot be kept with provider: command: a program reports no tokens, so no request has a known cost",
                    at: location, hint: "remove budget, or send the items to an OpenAI-compatible endpoint (provider: openai)"))
            return
        }
        if let maxCost = budget.maxCost, job.model.pricing == nil {
            context.report(
                Diagnostic(
                    .budgetUnenforceable,
                    "budget.max_cost is \(maxCost) but the model has no prices: every request would count as $0, so the cap could never stop the run",
                    at: job.locations[.budgetMaxCost] ?? location,
                    hint: "add model.pricing: { input_per_million: ..., output_per_million: ... } (USD per million tokens, from the provider's price list)"))
        }
        if let maxCost = budget.maxCost, let pricing = job.model.pricing, let bound = job.model.outputTokenBound, pricing.output * bound > maxCost {
            context.report(
                Diagnostic(
                    .budgetUnenforceable,
                    "budget.max_cost (\(maxCost)) is less than one request's longest answer costs (max_tokens \(bound) at the output price: \(pricing.output * bound)): no request could be sent",
                    at: job.locations[.budgetMaxCost] ?? location, hint: "raise budget.max_cost, or lower max_tokens"))
        }
        if let maxTokens = budget.maxTokens, let bound = job.model.outputTokenBound, bound > maxTokens {
            context.report(
                Diagnostic(
                    .budgetUnenforceable, "budget.max_tokens (\(maxTokens)) is less than one request's max_tokens (\(bound)): no request could be sent",
                    at: job.locations[.budgetMaxTokens] ?? location, hint: "raise budget.max_tokens, or lower max_tokens"))
        }
        if job.model.outputTokenBound == nil {
            let caps = [budget.maxCost.map { _ in "max_cost" }, budget.maxTokens.map { _ in "max_tokens" }].compactMap { $0 }.joined(separator: " and ")
            context.report(
                Diagnostic(
                    .budgetUnenforceable,
                    "budget.\(caps) \(caps.contains(" and ") ? "need" : "needs") a bound on each answer's length: without model.parameters.max_tokens (or max_completion_tokens) a request's worst case is unknown, so the cap cannot be checked before it is sent",
                    at: job.locations[.modelParameters] ?? job.locations[.model] ?? location,
                    hint: "add max_tokens under model.parameters: the longest answer an item needs (e.g. max_tokens: 1024)"))
        }
    }
}
