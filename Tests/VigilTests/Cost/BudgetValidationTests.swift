import Foundation
import Testing
import Vigil

/// `vigil validate`: a budget that cannot be kept before each request is an error at the
/// line to fix, never a silent $0.
@Suite struct BudgetValidationTests {
    static let openAI = """
        model:
          provider: openai
          base_url: http://127.0.0.1:9/v1
          name: test-model
          api_key_env: VIGIL_TEST_KEY
        """

    func diagnostics(model: String, budget: String) throws -> (job: TemporaryJob, found: [Diagnostic]) {
        let job = try TemporaryJob(items: 2, extractor: "", model: model, extra: budget, thresholds: "")
        return (job, JobLoader(purpose: .validate, environment: BudgetTests.environment).load(job.path).diagnostics)
    }

    /// The 1-based line and column of `text` in the job file.
    func place(of text: String, in job: TemporaryJob) throws -> (line: Int, column: Int) {
        let lines = try String(contentsOfFile: job.path, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        let index = try #require(lines.firstIndex { $0.contains(text) })
        return (
            index + 1,
            lines[index].distance(from: lines[index].startIndex, to: lines[index].range(of: text)!.lowerBound) + 1
        )
    }

    @Test func aCostCapWithoutPricesIsAnErrorAtTheCap() throws {
        let (job, found) = try diagnostics(
            model: Self.openAI + "\n  parameters: { max_tokens: 500 }", budget: "budget: { max_cost: 25.00 }\n")
        let error = try #require(found.first { $0.code == .budgetUnenforceable })
        #expect(
            error.message
                == "budget.max_cost is $25.00 but the model has no prices: every request would count as $0, so the cap could never stop the run"
        )
        #expect(error.hint?.contains("model.pricing") == true)
        let at = try place(of: "25.00", in: job)
        #expect(error.location.line == at.line && error.location.column == at.column)
        #expect(error.severity == .error)
    }

    @Test func aCapWithoutAnOutputBoundIsAnErrorAtTheParameters() throws {
        let model =
            Self.openAI
            + "\n  parameters: { temperature: 0 }\n  pricing: { input_per_million: 0.40, output_per_million: 1.60 }"
        let (job, found) = try diagnostics(model: model, budget: "budget: { max_cost: 25.00, max_tokens: 1000000 }\n")
        let errors = found.filter { $0.code == .budgetUnenforceable }
        #expect(errors.count == 1)
        let error = try #require(errors.first)
        #expect(error.message.hasPrefix("budget.max_cost and max_tokens need a bound on each answer's length"))
        #expect(
            error.hint
                == "add max_tokens under model.parameters: the longest answer an item needs (e.g. max_tokens: 1024)")
        #expect(error.location.line == (try place(of: "parameters:", in: job)).line)
    }

    @Test func aCapBelowOneRequestIsAnError() throws {
        let model =
            Self.openAI
            + "\n  parameters: { max_tokens: 4000 }\n  pricing: { input_per_million: 0.40, output_per_million: 10.00 }"
        let (_, found) = try diagnostics(model: model, budget: "budget: { max_cost: 0.01 }\n")
        let error = try #require(found.first { $0.code == .budgetUnenforceable })
        #expect(
            error.message
                == "budget.max_cost ($0.01) is less than one request's longest answer costs (max_tokens 4000 at the output price: $0.04): no request could be sent"
        )
    }

    @Test func aPricedAndBoundedBudgetIsValid() throws {
        let model =
            Self.openAI
            + "\n  parameters: { max_completion_tokens: 800 }\n  pricing: { input_per_million: 0.40, output_per_million: 1.60, cached_input_per_million: 0.10, batch_discount: 0.5 }"
        let (_, found) = try diagnostics(model: model, budget: "budget: { max_cost: 25.00, max_tokens: 5000000 }\n")
        #expect(found.filter { $0.severity == .error }.isEmpty, "\(found)")
    }

    @Test func aCommandProviderCannotKeepABudgetNorBePriced() throws {
        let (_, found) = try diagnostics(
            model:
                "model:\n  provider: command\n  command: [python3, extract.py]\n  pricing: { input_per_million: 1, output_per_million: 2 }",
            budget: "budget: { max_tokens: 1000 }\n")
        #expect(
            found.contains {
                $0.code == .budgetUnenforceable && $0.message.hasPrefix("budget cannot be kept with provider: command")
            })
        #expect(found.contains { $0.code == .conflictingKey && $0.message.contains("pricing") }, "\(found)")
    }

    @Test func pricesArePerTokenExactly() throws {
        let model =
            Self.openAI
            + "\n  parameters: { max_tokens: 10 }\n  pricing: { input_per_million: 0.075, output_per_million: 0.30, cached_input_per_million: 0.0375 }"
        let job = try TemporaryJob(items: 1, extractor: "", model: model, thresholds: "")
        let spec = try #require(JobLoader(purpose: .validate, environment: BudgetTests.environment).load(job.path).job)
        let pricing = try #require(spec.model.pricing)
        #expect(pricing.input == Dollars(picodollars: 75_000))
        #expect(pricing.cachedInput == Dollars(picodollars: 37_500))
        // 1,000 input tokens of which 400 cached, 200 output: 600 × 0.075 + 400 × 0.0375 + 200 × 0.30 per million.
        let cost = pricing.cost(of: TokenUsage(promptTokens: 1_000, completionTokens: 200, cachedPromptTokens: 400))
        #expect(cost.decimalText == "0.00012")
        #expect(spec.model.outputTokenBound == 10)
    }
}
