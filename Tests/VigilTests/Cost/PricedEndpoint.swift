import Foundation
import JSONSchema
import Synchronization
import Vigil

/// A loopback OpenAI-compatible endpoint that bills like a real one: each answer reports
/// usage (input tokens from the bytes of the messages, about four bytes a token; output
/// tokens as `completionTokens` says), and the endpoint keeps the bill for every request it
/// answered, whether or not the client kept the answer.
final class PricedEndpoint: Sendable {
    /// Prices the tests' jobs use: $1 per million input tokens, $4 per million output.
    static let inputPrice = Dollars(picodollars: 1_000_000)
    static let outputPrice = Dollars(picodollars: 4_000_000)
    static let maxTokens = 200

    let server: LoopbackOpenAIServer
    /// What the endpoint has billed, and for how many answers (shared with its handler).
    final class Bill: Sendable {
        let state = Mutex<(cost: Dollars, answered: Int)>((.zero, 0))
    }
    private let bill = Bill()

    /// What the endpoint has billed so far, and for how many answers.
    var billed: Dollars { bill.state.withLock { $0.cost } }
    var answered: Int { bill.state.withLock { $0.answered } }

    /// - Parameters:
    ///   - completionTokens: the output tokens of the answer to item `n` (at most `maxTokens`).
    ///   - delay: how long the answer to item `n` takes, in seconds.
    ///   - reportsCost: also report the cost in `usage.cost`, scaled by this factor.
    ///   - inputTokens: the input tokens billed for messages of so many bytes (default: four
    ///     bytes a token; more than a byte a token is more than Vigil reserves at first).
    init(
        completionTokens: @escaping @Sendable (Int) -> Int = { _ in PricedEndpoint.maxTokens },
        delay: @escaping @Sendable (Int) -> Double = { _ in 0 },
        reportsCost: Double? = nil, inputTokens: @escaping @Sendable (Int) -> Int = { ($0 + 3) / 4 }
    ) throws {
        let bill = self.bill
        server = try LoopbackOpenAIServer { _, body in
            let n = OpenAIProviderTests.itemNumber(body)
            let input = inputTokens(Self.messageBytes(body))
            let output = min(completionTokens(n), Self.maxTokens)
            let cost = Self.inputPrice * input + Self.outputPrice * output
            var usage = JSONObject()
            usage["prompt_tokens"] = .number(JSONNumber(input))
            usage["completion_tokens"] = .number(JSONNumber(output))
            var charged = cost
            if let reportsCost {
                charged = Dollars(picodollars: Int64((Double(cost.picodollars) * reportsCost).rounded()))
                usage["cost"] = .number(JSONNumber(parsing: Array(charged.decimalText.utf8))!)
            }
            bill.state.withLock {
                $0.cost += charged
                $0.answered += 1
            }
            return .completion("{\"n\": \(n)}", usage: .object(usage), delay: delay(n))
        }
    }

    func shutdown() { server.shutdown() }

    /// Bytes of the system and user messages.
    static func messageBytes(_ body: JSONValue?) -> Int {
        (body?["messages"]?.arrayValue ?? []).reduce(0) { $0 + ($1["content"]?.stringValue?.utf8.count ?? 0) }
    }

    /// What one item costs whose messages are `bytes` long and whose answer is `output` tokens.
    static func cost(messageBytes bytes: Int, output: Int) -> Dollars {
        inputPrice * ((bytes + 3) / 4) + outputPrice * output
    }

    /// The job's model section for this endpoint, priced, with `max_tokens`.
    var model: String {
        """
        model:
          provider: openai
          base_url: \(server.baseURL)
          name: test-model
          api_key_env: VIGIL_TEST_KEY
          parameters: { temperature: 0, max_tokens: \(Self.maxTokens) }
          timeout: 5s
          pricing: { input_per_million: 1.00, output_per_million: 4.00 }
        """
    }
}
