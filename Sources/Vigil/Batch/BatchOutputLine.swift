public import JSONSchema
import NIOHTTP1

/// One line of a batch's output or error file, read as a live answer would be: the
/// request's `custom_id`, and the answer (content, usage, cost) or the failure, classified
/// like the live provider's (an HTTP error in `response.status_code`, a request the batch
/// never ran in `error`).
public struct BatchOutputLine: Sendable {
    /// The request's `custom_id`.
    public var customID: String
    /// The answer, or why there is none.
    public var outcome: Result<ProviderAnswer, ItemFailure>

    /// Reads a line; nil when it has no `custom_id` (nothing to match it to).
    public init?(json: JSONValue) {
        guard let customID = json["custom_id"]?.stringValue else { return nil }
        self.customID = customID
        if let response = json["response"], response != .null {
            let status = response["status_code"]?.numberValue?.int64Value.map { Int($0) } ?? 0
            let body = response["body"] ?? .null
            if (200..<300).contains(status) {
                do {
                    outcome = .success(try OpenAIProvider.answer(fromCompletion: body, status: status, headers: nil))
                } catch {
                    outcome = .failure(error)
                }
            } else {
                var writer = JSONWriter()
                writer.value(body)
                outcome = .failure(
                    OpenAIProvider.failure(
                        status: status, body: writer.text, headers: [:], keyVariable: "the API key variable"))
            }
        } else {
            let code = json["error"]?["code"]?.stringValue ?? "error"
            let message = json["error"]?["message"]?.stringValue ?? "no answer"
            // Not run (expired, cancelled): retryable, and nothing was billed.
            outcome = .failure(
                ItemFailure(
                    .http, "the batch did not run this request (\(code)): \(message)", detail: json["error"],
                    isRetryable: true, mayBeBilled: false))
        }
    }
}
