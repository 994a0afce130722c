public import AsyncHTTPClient
import Foundation
public import JSONSchema
import NIOCore
import NIOHTTP1

/// `provider: openai`: any OpenAI-compatible chat-completions endpoint (OpenAI, OpenRouter,
/// vLLM, Ollama, llama.cpp server, LM Studio). The prompt file is the system message; the
/// item is the user message: text as text, a JSON Lines record as JSON, an image as a
/// base64 `data:` URL. `parameters` are passed through. Failures are classified so that
/// only what may succeed later is retried, and a refused key stops the run at once.
public struct OpenAIProvider: ModelProvider {
    /// The endpoint, without a trailing slash.
    public let baseURL: String
    /// The model name sent.
    public let model: String
    /// The variable the key came from (named in messages).
    public let keyVariable: String
    let key: Secret
    /// Passed through in every request body.
    public let parameters: JSONObject
    /// How long one request may take.
    public let timeout: Duration
    /// Sent as `response_format` (`model.structured_output`; nil: nothing).
    public let responseFormat: JSONValue?
    let client: HTTPClient

    /// A provider for the endpoint at `baseURL`.
    public init(
        baseURL: String, model: String, keyVariable: String, key: Secret, parameters: JSONObject, timeout: Duration,
        responseFormat: JSONValue? = nil,
        client: HTTPClient = .shared
    ) {
        self.responseFormat = responseFormat
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.model = model
        self.keyVariable = keyVariable
        self.key = key
        self.parameters = parameters
        self.timeout = timeout
        self.client = client
    }

    /// `openai MODEL at URL` (never the key).
    public var description: String { "openai \(model) at \(baseURL)" }

    /// Stands for an image's base64 text while the rest of the body is written; replaced
    /// by the encoding itself in the request buffer (`requestBody`).
    static let imagePlaceholder = "\u{1}vigil-image-bytes\u{1}"

    /// The chat-completions request body for one item, as JSON (an image's data URL holds
    /// `imagePlaceholder` where its base64 text goes).
    func body(for request: ItemRequest) throws(ItemFailure) -> JSONValue {
        let user: JSONValue
        if let record = request.item.record {
            user = .string(record.jsonText())
        } else if request.fileURL != nil {
            let content = try Self.content(of: request)
            switch FileContentKind(sniffing: content) {
            case .image(let type):
                user = [
                    [
                        "type": "image_url",
                        "image_url": ["url": .string("data:\(type);base64,\(Self.imagePlaceholder)")],
                    ]
                ]
            case .text:
                user = .string(String(decoding: content, as: UTF8.self))
            case let kind:
                throw Self.unsendable(request, kind)
            }
        } else {
            user = .string(request.item.id)
        }
        var object = JSONObject()
        object["model"] = .string(model)
        object["messages"] = [
            ["role": "system", "content": .string(request.prompt)], ["role": "user", "content": user],
        ]
        for (name, value) in parameters where name != "model" && name != "messages" { object[name] = value }
        if let responseFormat { object["response_format"] = responseFormat }
        return .object(object)
    }

    /// A file no request may carry (`unsendable`), known by its bytes before anything is reserved.
    public func refusal(of request: ItemRequest) -> ItemFailure? {
        guard request.item.record == nil, request.fileURL != nil, let content = request.content else { return nil }
        switch FileContentKind(sniffing: content) {
        case .image, .text: return nil
        case let kind: return Self.unsendable(request, kind)
        }
    }

    /// A file no request may carry: an image in a format the endpoint does not take, or bytes
    /// that are neither text nor an image. The item fails with no request sent.
    static func unsendable(_ request: ItemRequest, _ kind: FileContentKind) -> ItemFailure {
        let path = request.item.path ?? request.item.id
        let what: String
        if case .otherImage = kind {
            what =
                "\(path) is \(kind.description), which endpoints do not take as it is; it was not sent: model.images: original sends files as they are (without it, Vigil converts such images with libvips)"
        } else {
            what = "\(path) is \(kind.description); it was not sent"
        }
        return ItemFailure(.input, what, isRetryable: false)
    }

    /// The system prompt and the user message as sent: an image by its base64 text.
    public func inputSize(of request: ItemRequest) -> InputSize? {
        let prompt = request.prompt.utf8.count
        if let record = request.item.record {
            return InputSize(bytes: prompt + record.jsonText().utf8.count, isImage: false)
        }
        guard request.fileURL != nil, let content = request.content else {
            return InputSize(bytes: prompt + request.item.id.utf8.count, isImage: false)
        }
        let isImage: Bool
        if case .image = FileContentKind(sniffing: content) { isImage = true } else { isImage = false }
        return InputSize(
            bytes: prompt + (isImage ? Base64.encodedCount(content.count) : content.count), isImage: isImage)
    }

    /// The bytes the engine read for this attempt, or (a request made without them) the file.
    static func content(of request: ItemRequest) throws(ItemFailure) -> [UInt8] {
        if let content = request.content { return content }
        guard let url = request.fileURL, let data = FileManager.default.contents(atPath: url.path) else {
            throw ItemFailure(
                .input, "cannot read the input file \(request.fileURL?.path ?? request.item.id)", isRetryable: false)
        }
        return Array(data)
    }

    /// The body's bytes: the JSON, with an image's base64 encoded straight into the buffer
    /// that is sent (the only copy of it; the file's bytes are the other).
    func requestBody(for request: ItemRequest) throws(ItemFailure) -> ByteBuffer {
        var writer = JSONWriter(capacity: 4096)
        writer.value(try body(for: request))
        let json = writer.bytes
        let placeholder = Array(JSONValue.string(Self.imagePlaceholder).jsonText().utf8.dropFirst().dropLast())
        guard let at = Self.lastRange(of: placeholder, in: json) else { return ByteBuffer(bytes: json) }
        let image = try Self.content(of: request)
        var buffer = ByteBufferAllocator().buffer(
            capacity: json.count - placeholder.count + Base64.encodedCount(image.count))
        buffer.writeBytes(json[..<at])
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Base64.encodedCount(image.count)) { output in
            image.withUnsafeBytes { Base64.encode($0, into: output) }
        }
        buffer.writeBytes(json[(at + placeholder.count)...])
        return buffer
    }

    /// The request body for `request`, as its bytes: what is sent live, and what a batch
    /// line carries as its `body`.
    public func bodyBytes(for request: ItemRequest) throws(ItemFailure) -> [UInt8] {
        var buffer = try requestBody(for: request)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    private static func lastRange(of pattern: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        var start = bytes.count - pattern.count
        while start >= 0 {
            if bytes[start] == pattern[0] && bytes[start..<(start + pattern.count)].elementsEqual(pattern) {
                return start
            }
            start -= 1
        }
        return nil
    }

    /// POSTs the item to `/chat/completions` and returns the message content and usage.
    public func answer(_ request: ItemRequest) async throws(ItemFailure) -> ProviderAnswer {
        var http = HTTPClientRequest(url: baseURL + "/chat/completions")
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json")
        http.headers.add(name: "Authorization", value: "Bearer " + key.reveal())
        http.body = .bytes(try requestBody(for: request))
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            // The client keeps the deadline up to the answer's headers (its error says whether
            // anything was sent: a refused connection bills nothing); the body is bounded by
            // what is left of it; and the whole by a safety net well past it, for a client
            // whose timer a loaded machine made late.
            let deadline = ContinuousClock.now + timeout
            (response, bytes) = try await Self.within(timeout + max(.seconds(5), timeout)) { [client, timeout, http] in
                let response = try await client.execute(
                    http,
                    timeout: .nanoseconds(
                        Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds
                            / 1_000_000_000))
                let body = try await Self.within(max(deadline - ContinuousClock.now, .milliseconds(100))) {
                    try await response.body.collect(upTo: Self.answerLimit)
                }
                return (response, body)
            }
        } catch {
            throw Self.classify(error, timeout: timeout)
        }
        let status = Int(response.status.code)
        let text = String(buffer: bytes)
        guard (200..<300).contains(status) else {
            throw Self.failure(status: status, body: text, headers: response.headers, keyVariable: keyVariable)
        }
        guard let json = try? JSONParser(allowsDuplicateKeys: true).parse(text) else {
            throw ItemFailure(
                .provider,
                "the endpoint's answer is not JSON: \(JSONValue.string(String(text.prefix(200))).abbreviated)",
                detail: ["status": .number(JSONNumber(status))])
        }
        return try Self.answer(fromCompletion: json, status: status, headers: response.headers)
    }

    /// A chat completion's content, usage and cost: from a live answer, or from a line of a
    /// batch's output file (its `response.body`; a batch has no headers).
    static func answer(fromCompletion json: JSONValue, status: Int, headers: HTTPHeaders?) throws(ItemFailure)
        -> ProviderAnswer
    {
        guard let message = json["choices"]?.arrayValue?.first?["message"] else {
            let error = json["error"]?["message"]?.stringValue ?? json["error"]?.stringValue
            throw ItemFailure(
                .provider, "the endpoint's answer has no choices" + (error.map { ": \($0)" } ?? ""),
                detail: ["status": .number(JSONNumber(status))])
        }
        let content: String
        switch message["content"] {
        case .string(let string)?: content = string
        case .array(let parts)?: content = parts.compactMap { $0["text"]?.stringValue }.joined()
        default: content = ""
        }
        let usage = json["usage"]
        func count(_ value: JSONValue?) -> Int? { value?.numberValue?.int64Value.map { Int(clamping: $0) } }
        return ProviderAnswer(
            text: content, promptTokens: count(usage?["prompt_tokens"]),
            completionTokens: count(usage?["completion_tokens"]),
            cachedPromptTokens: count(usage?["prompt_tokens_details"]?["cached_tokens"]),
            reportedCost: Self.reportedCost(usage: usage, headers: headers))
    }

    /// The request's cost as the endpoint states it: OpenRouter's `usage.cost` (USD), or a
    /// LiteLLM proxy's `x-litellm-response-cost` header.
    static func reportedCost(usage: JSONValue?, headers: HTTPHeaders?) -> Dollars? {
        if let cost = usage?["cost"]?.numberValue?.doubleValue, cost >= 0 { return Dollars(usd: cost) }
        if let header = headers?.first(name: "x-litellm-response-cost"), let cost = Double(header.trimmingWhitespace()),
            cost >= 0
        {
            return Dollars(usd: cost)
        }
        return nil
    }

    /// HTTP errors: 401/403 stop the run (every item would fail), 408/409/425/429/5xx are
    /// retried (after `Retry-After` if given), the rest fail the item.
    static func failure(status: Int, body: String, headers: HTTPHeaders, keyVariable: String) -> ItemFailure {
        let detail: JSONValue = ["status": .number(JSONNumber(status)), "body": .string(String(body.prefix(2000)))]
        if status == 401 || status == 403 {
            return ItemFailure(
                .http, "the endpoint refused the API key (HTTP \(status)): check the value of \(keyVariable)",
                detail: detail, isRetryable: false,
                stopsRun: true)
        }
        let retryable = [408, 409, 425, 429].contains(status) || (500...599).contains(status)
        return ItemFailure(
            .http, "HTTP \(status) from the endpoint" + Self.reason(body), detail: detail, isRetryable: retryable,
            retryAfterSeconds: headers.first(name: "Retry-After").flatMap(Self.retryAfter))
    }

    /// `Retry-After`: seconds, or an HTTP date.
    static func retryAfter(_ value: String) -> Double? {
        if let seconds = Double(value.trimmingWhitespace()) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { max(0, $0.timeIntervalSinceNow) }
    }

    static func reason(_ body: String) -> String {
        guard let json = try? JSONParser(allowsDuplicateKeys: true).parse(body),
            let message = json["error"]?["message"]?.stringValue ?? json["error"]?.stringValue
        else { return "" }
        return ": " + String(message.prefix(300))
    }

    /// Runs `exchange` and gives up after `bound`, cancelling it. The client's own deadline
    /// does not cover an answer's body, and on a loaded machine it let an answer 8 s late
    /// through a 1 s timeout. When the bound passes, the cancelled exchange's own error is
    /// what is thrown: a request still waiting for a connection fails with the reason it has
    /// none (a refused connection: nothing was sent, nothing billed); one that was under way
    /// is the client's `deadlineExceeded` (it may have been billed).
    static func within<T: Sendable>(_ bound: Duration, _ exchange: @escaping @Sendable () async throws -> T)
        async throws -> T
    {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await exchange() }
            group.addTask {
                try await Task.sleep(for: bound)
                return nil
            }
            defer { group.cancelAll() }
            if let value = try await group.next() ?? nil { return value }
            group.cancelAll()
            do {
                if let value = try await group.next() ?? nil { return value }
            } catch let error as HTTPClientError where error == .cancelled {
                throw HTTPClientError.deadlineExceeded
            } catch is CancellationError {
                throw HTTPClientError.deadlineExceeded
            }
            throw HTTPClientError.deadlineExceeded
        }
    }

    /// The largest response body read, in bytes: a chat completion holds one answer; more is
    /// not an answer, and memory must not grow with it.
    static let answerLimit = 32 << 20

    static func classify(_ error: any Error, timeout: Duration) -> ItemFailure {
        if error is NIOTooManyBytesError {
            return ItemFailure(
                .provider,
                "the endpoint's answer is larger than \(ByteCount.text(answerLimit)), the limit for one answer; it was not read. "
                    + "Is base_url a chat completions endpoint, and does the prompt ask for one record?",
                isRetryable: false)
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .getConnectionFromPoolTimeout:
                return ItemFailure(
                    .timeout, "cannot connect to the endpoint: the connection timed out", mayBeBilled: false)
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return ItemFailure(.timeout, "no answer from the endpoint within \(timeout)")
            default:
                break
            }
        }
        // A connection that was never made carried no request: nothing can be billed.
        let text = String(describing: error)
        let neverConnected = [
            "connectionRefused", "Connection refused", "ECONNREFUSED", "NIOConnectionError", "hostUnreachable",
        ].contains { text.contains($0) }
        return ItemFailure(.transport, "cannot reach the endpoint: \(error)", mayBeBilled: !neverConnected)
    }
}
