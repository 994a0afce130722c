import Foundation
import JSONSchema
import Testing
import Vigil

/// When an endpoint bills more than Vigil reserved: the overrun is counted, and the estimate
/// grows so that later reservations cover what the endpoint bills.
@Suite(.timeLimit(.minutes(3))) struct BudgetOverrunTests {
    static let pricing = PricingSpec(input: Dollars(picodollars: 1_000_000), output: Dollars(picodollars: 4_000_000))

    @Test func anAnswerBilledAboveItsReservationIsAnOverrunAndTheEstimateGrows() async throws {
        let ledger = SpendLedger(budget: BudgetSpec(maxCost: Dollars(usd: 10)), pricing: Self.pricing, outputBound: 100)
        let size = InputSize(bytes: 1_000, isImage: false)
        // Before any answer: one token a byte, plus the chat format's 64.
        guard case .granted(let first) = await ledger.reserve(size) else {
            throw TestFailure("the first request was refused")
        }
        #expect(first.amount.tokens == 1_000 + 64 + 100)
        // The endpoint bills 3 tokens a byte: 3,000 input tokens, more than reserved.
        let answer = ProviderAnswer(text: "{}", promptTokens: 3_000, completionTokens: 100)
        ledger.settle(first, answer: answer, spend: Spend(answer, pricing: Self.pricing))
        #expect(ledger.totals.overruns == 1)
        #expect(ledger.totals.spent.tokens == 3_100)
        // The next request of the same size reserves what the endpoint showed it bills.
        guard case .granted(let second) = await ledger.reserve(size) else {
            throw TestFailure("the second request was refused")
        }
        #expect(second.amount.tokens == 3_000 + 100)
        #expect(second.amount.cost == Self.pricing.cost(of: TokenUsage(promptTokens: 3_000, completionTokens: 100)))
        ledger.settle(second, answer: answer, spend: Spend(answer, pricing: Self.pricing))
        #expect(ledger.totals.overruns == 1, "an answer within its (grown) reservation is no overrun")
        // An answer that bills less never shrinks the estimate.
        let small = ProviderAnswer(text: "{}", promptTokens: 500, completionTokens: 100)
        guard case .granted(let third) = await ledger.reserve(size) else {
            throw TestFailure("the third request was refused")
        }
        ledger.settle(third, answer: small, spend: Spend(small, pricing: Self.pricing))
        guard case .granted(let fourth) = await ledger.reserve(size) else {
            throw TestFailure("the fourth request was refused")
        }
        #expect(fourth.amount.tokens == 3_000 + 100)
        ledger.release(fourth)
    }

    @Test func aRunAgainstAnEndpointThatBillsAboveTheEstimateCountsTheOverrunOnce() async throws {
        // Three tokens a byte of the messages: above the byte bound Vigil reserves before its
        // first answer, exactly what it reserves after it (every item is "item N\n").
        let endpoint = try PricedEndpoint(inputTokens: { $0 * 3 })
        defer { endpoint.shutdown() }
        let job = try TemporaryJob(
            items: 6, extractor: "", model: endpoint.model, extra: "budget: { max_cost: 1.00 }\n", thresholds: "",
            concurrency: 1)
        let engine = try await job.engine(environment: BudgetTests.environment)
        let summary = await engine.run()
        #expect(summary.status == .completed)
        #expect(summary.counts.succeeded == 6)
        let cost = try #require(try BudgetTests.manifest(engine)["cost"])
        #expect(cost["overruns"] == 1)
        #expect(summary.spend.spent.cost == endpoint.billed)
        #expect(Spend(json: cost)?.charged == endpoint.billed)
    }
}
