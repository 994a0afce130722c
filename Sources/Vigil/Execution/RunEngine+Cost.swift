import Foundation

extension RunEngine {
    /// The verdict of a run whose budget refused a request, with the figures at its end.
    func budgetVerdict(notSent: Int) -> String {
        let totals = ledger.totals
        let budget = ledger.budget
        var spent: [String] = []
        // A shard's cap is its part of the run's: say so, or the cap reads as the job's.
        let share = manifestBase.shardShare
        let of = { (whole: String?) in
            share.map { share in " (this shard's 1/\(share.count)" + (whole.map { " of \($0)" } ?? "") + ")" } ?? ""
        }
        if let maxCost = budget.maxCost {
            let unconfirmed =
                totals.unconfirmed.cost > .zero
                ? " (and up to \(totals.unconfirmed.cost) more for requests that got no answer)" : ""
            spent.append(
                "\(totals.spent.cost) spent of budget.max_cost \(maxCost)\(of(share?.runBudget?.maxCost?.description))\(unconfirmed)"
            )
        }
        if let maxTokens = budget.maxTokens {
            spent.append(
                "\(totals.spent.tokens + totals.unconfirmed.tokens) tokens used of budget.max_tokens \(maxTokens)\(of(share?.runBudget?.maxTokens.map(String.init)))"
            )
        }
        var next = ""
        if let wanted = totals.refused {
            let parts = [
                budget.maxCost.map { _ in "\(wanted.cost)" }, budget.maxTokens.map { _ in "\(wanted.tokens) tokens" },
            ].compactMap { $0 }
            next =
                "; the next request could cost up to \(parts.joined(separator: " and ")) (its input estimate plus max_tokens), more than is left"
        }
        return
            "the budget is exhausted: \(spent.joined(separator: ", "))\(next); \(notSent) \(notSent == 1 ? "item was" : "items were") not sent"
    }

    /// A canary's projection for its whole input set (nil: not a canary, or too few items).
    func projection(_ progress: RunProgress) -> CostProjection? {
        guard let samples = progress.samples, let items = manifestBase.canaryOf else { return nil }
        let rate = job.execution.rateLimit.map { Double($0.requests) / max($0.per.seconds, 1e-9) }
        return CostProjection(
            samples: samples, items: items, concurrency: job.execution.concurrency, requestsPerSecond: rate,
            budget: job.budget)
    }
}
