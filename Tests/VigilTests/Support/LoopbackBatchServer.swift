import Foundation
import JSONSchema
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Vigil

/// A real OpenAI-compatible server on 127.0.0.1 with the Files and Batches endpoints (and
/// live chat completions), in memory, with faults a test can inject. A batch advances one
/// step per poll: validating, in progress, then its end (`finishAfterPolls` polls). Every
/// custom_id submitted is counted, so a test can check each item was paid for once.
final class LoopbackBatchServer: Sendable {
    /// How a batch ends.
    enum Fault: Sendable, Equatable {
        /// Every request answered.
        case none
        /// The batch fails validation as a whole (no output).
        case failed
        /// Half the requests answered, the rest in the error file as `batch_expired`.
        case expiresHalfDone
        /// Stays in progress forever.
        case neverFinishes
        /// The first download of an output file is cut off mid-way.
        case brokenDownload
        /// The first batch completes; every later one stays in progress.
        case onlyFirstFinishes
    }

    struct Batch {
        var id: String
        var inputFileID: String
        var lines: [JSONValue]
        var state = "validating"
        var polls = 0
        var outputFileID: String?
        var errorFileID: String?
        var completed = 0
        var failed = 0
    }

    struct State {
        var files: [String: [UInt8]] = [:]
        var batches: [String: Batch] = [:]
        var submitted: [String: Int] = [:]
        var nextID = 0
        var liveRequests = 0
        /// Requests answered in finished batches.
        var batchAnswers = 0
        var brokenDownloads = 0
        var cancelled: [String] = []
        /// Batches stay in progress while set (a test's moment to act, however slowly it runs).
        var holding = false
    }

    final class Shared: Sendable {
        let state = Mutex(State())
    }

    let port: Int
    let shared = Shared()
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// How many times each custom_id was submitted in a batch.
    var submitted: [String: Int] { shared.state.withLock { $0.submitted } }
    /// Live chat completions served.
    var liveRequests: Int { shared.state.withLock { $0.liveRequests } }

    /// What the server bills at `pricing`: every answer it gave uses 100 input and 20 output
    /// tokens (`completion`), a live one at full price, one in a batch at the batch price.
    func bill(_ pricing: PricingSpec) -> Dollars {
        let (live, batched) = shared.state.withLock { ($0.liveRequests, $0.batchAnswers) }
        let usage = TokenUsage(promptTokens: 100, completionTokens: 20)
        return pricing.cost(of: usage) * live + pricing.cost(of: usage, batch: true) * batched
    }
    /// Batches created, by id.
    var batchIDs: [String] { shared.state.withLock { Array($0.batches.keys).sorted() } }
    /// Batches a client cancelled.
    var cancelled: [String] { shared.state.withLock { $0.cancelled } }
    /// Keeps every batch in progress (true) until released (false).
    func hold(_ holding: Bool) { shared.state.withLock { $0.holding = holding } }
    /// Every request line of every batch created, in order.
    var batchRequests: [JSONValue] {
        shared.state.withLock { state in
            state.batches.values.sorted { Int($0.id.dropFirst(6)) ?? 0 < Int($1.id.dropFirst(6)) ?? 0 }.flatMap(\.lines)
        }
    }

    /// - Parameters:
    ///   - answer: the assistant's content for a request body (live or in a batch).
    ///   - fault: how batches end.
    init(fault: Fault = .none, finishAfterPolls: Int = 2, answer: @escaping @Sendable (JSONValue) -> String) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.group = group
        let shared = self.shared
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(
                        Handler(shared: shared, fault: fault, finishAfterPolls: finishAfterPolls, answer: answer))
                }
            }
        channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        port = channel.localAddress?.port ?? 0
    }

    func shutdown() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    static func completion(_ content: String) -> JSONValue {
        [
            "id": "chatcmpl-batch", "object": "chat.completion",
            "choices": [
                ["index": 0, "message": ["role": "assistant", "content": .string(content)], "finish_reason": "stop"]
            ],
            "usage": ["prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120],
        ]
    }

    private final class Handler: CollectingHTTPHandler, @unchecked Sendable {
        let shared: Shared
        let fault: Fault
        let finishAfterPolls: Int
        let answer: @Sendable (JSONValue) -> String

        init(shared: Shared, fault: Fault, finishAfterPolls: Int, answer: @escaping @Sendable (JSONValue) -> String) {
            self.shared = shared
            self.fault = fault
            self.finishAfterPolls = finishAfterPolls
            self.answer = answer
        }

        override func handle(_ head: HTTPRequestHead, _ body: ByteBuffer, context: ChannelHandlerContext) {
            route(head, Array(buffer: body), context: context)
        }

        func route(_ head: HTTPRequestHead, _ bytes: [UInt8], context: ChannelHandlerContext) {
            let path = head.uri.split(separator: "?").first.map(String.init) ?? head.uri
            let parts = Array(path.split(separator: "/").map(String.init).dropFirst())  // after "v1"
            let method = head.method
            if method == .POST && parts == ["chat", "completions"] {
                shared.state.withLock { $0.liveRequests += 1 }
                let json = (try? JSONParser().parse(String(decoding: bytes, as: UTF8.self))) ?? .null
                send(200, LoopbackBatchServer.completion(answer(json)), context: context)
            } else if method == .POST && parts == ["files"] {
                guard let file = Self.filePart(bytes, contentType: head.headers.first(name: "Content-Type") ?? "")
                else {
                    return send(400, ["error": ["message": "no file part"]], context: context)
                }
                let id = shared.state.withLock { state -> String in
                    state.nextID += 1
                    state.files["file-\(state.nextID)"] = file
                    return "file-\(state.nextID)"
                }
                send(
                    200,
                    [
                        "id": .string(id), "object": "file", "bytes": .number(JSONNumber(file.count)),
                        "purpose": "batch",
                    ], context: context)
            } else if method == .POST && parts == ["batches"] {
                let json = (try? JSONParser().parse(String(decoding: bytes, as: UTF8.self))) ?? .null
                let input = json["input_file_id"]?.stringValue ?? ""
                let batch = shared.state.withLock { state -> Batch? in
                    guard let file = state.files[input] else { return nil }
                    let lines = String(decoding: file, as: UTF8.self).split(separator: "\n").compactMap {
                        try? JSONParser().parse(String($0))
                    }
                    state.nextID += 1
                    let batch = Batch(id: "batch_\(state.nextID)", inputFileID: input, lines: lines)
                    for line in lines { state.submitted[line["custom_id"]?.stringValue ?? "", default: 0] += 1 }
                    state.batches[batch.id] = batch
                    return batch
                }
                guard let batch else {
                    return send(404, ["error": ["message": .string("no such file \(input)")]], context: context)
                }
                send(200, Self.object(batch), context: context)
            } else if method == .GET && parts == ["batches"] {
                // Newest first, in one page (what a client looking up a batch by its file reads).
                let batches = shared.state.withLock { state in
                    state.batches.values.sorted { Int($0.id.dropFirst(6)) ?? 0 > Int($1.id.dropFirst(6)) ?? 0 }.map(
                        Self.object)
                }
                send(200, ["object": "list", "data": .array(batches), "has_more": false], context: context)
            } else if method == .GET && parts.count == 2 && parts[0] == "batches" {
                let id = parts[1]
                let batch = shared.state.withLock { state -> Batch? in
                    guard var batch = state.batches[id] else { return nil }
                    advance(&batch, &state)
                    state.batches[id] = batch
                    return batch
                }
                guard let batch else { return send(404, ["error": ["message": "no such batch"]], context: context) }
                send(200, Self.object(batch), context: context)
            } else if method == .POST && parts.count == 3 && parts[0] == "batches" && parts[2] == "cancel" {
                let id = parts[1]
                let batch = shared.state.withLock { state -> Batch? in
                    guard var batch = state.batches[id] else { return nil }
                    state.cancelled.append(id)
                    if !["completed", "failed", "expired", "cancelled"].contains(batch.state) {
                        batch.state = "cancelling"
                    }
                    state.batches[id] = batch
                    return batch
                }
                guard let batch else { return send(404, ["error": ["message": "no such batch"]], context: context) }
                send(200, Self.object(batch), context: context)
            } else if method == .GET && parts.count == 3 && parts[0] == "files" && parts[2] == "content" {
                let id = parts[1]
                let (file, breaks) = shared.state.withLock { state -> ([UInt8]?, Bool) in
                    let breaks = fault == .brokenDownload && state.brokenDownloads == 0 && id.hasPrefix("file-out")
                    if breaks { state.brokenDownloads += 1 }
                    return (state.files[id], breaks)
                }
                guard let file else { return send(404, ["error": ["message": "no such file"]], context: context) }
                if breaks {
                    // Promise the whole file, send half, close.
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Length", value: String(file.count))
                    context.write(
                        wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
                        promise: nil)
                    context.writeAndFlush(
                        wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: file.prefix(file.count / 2))))),
                        promise: nil)
                    context.close(promise: nil)
                    return
                }
                send(200, [], file, contentType: "application/jsonl", context: context)
            } else {
                send(404, ["error": ["message": .string("no route \(head.method) \(path)")]], context: context)
            }
        }

        /// One step per poll; at the end the output and error files are written.
        func advance(_ batch: inout Batch, _ state: inout State) {
            batch.polls += 1
            switch batch.state {
            case "validating":
                batch.state = fault == .failed ? "failed" : "in_progress"
            case "in_progress" where state.holding:
                break
            case "in_progress"
            where fault == .onlyFirstFinishes
                && batch.id != state.batches.keys.min(by: { Int($0.dropFirst(6)) ?? 0 < Int($1.dropFirst(6)) ?? 0 }):
                break
            case "in_progress" where fault != .neverFinishes && batch.polls >= finishAfterPolls:
                finish(
                    &batch, &state, answered: fault == .expiresHalfDone ? batch.lines.count / 2 : batch.lines.count,
                    end: fault == .expiresHalfDone ? "expired" : "completed")
            case "cancelling":
                finish(&batch, &state, answered: batch.lines.count / 2, end: "cancelled")
            default:
                break
            }
        }

        func finish(_ batch: inout Batch, _ state: inout State, answered: Int, end: String) {
            var output: [UInt8] = []
            var errors: [UInt8] = []
            for (index, line) in batch.lines.enumerated() {
                let customID = line["custom_id"] ?? .null
                var writer = JSONWriter()
                if index < answered {
                    writer.value([
                        "id": .string("batch_req_\(index)"), "custom_id": customID,
                        "response": [
                            "status_code": 200, "request_id": "r",
                            "body": LoopbackBatchServer.completion(answer(line["body"] ?? .null)),
                        ], "error": .null,
                    ])
                    output += writer.bytes + [0x0A]
                } else {
                    let code = end == "cancelled" ? "batch_cancelled" : "batch_expired"
                    writer.value([
                        "id": .string("batch_req_\(index)"), "custom_id": customID, "response": .null,
                        "error": ["code": .string(code), "message": "not run"],
                    ])
                    errors += writer.bytes + [0x0A]
                }
            }
            state.nextID += 1
            if !output.isEmpty {
                batch.outputFileID = "file-out-\(state.nextID)"
                state.files[batch.outputFileID!] = output
            }
            if !errors.isEmpty {
                batch.errorFileID = "file-err-\(state.nextID)"
                state.files[batch.errorFileID!] = errors
            }
            batch.completed = answered
            state.batchAnswers += answered
            batch.failed = batch.lines.count - answered
            batch.state = end
        }

        static func object(_ batch: Batch) -> JSONValue {
            var errors: JSONValue = .null
            if batch.state == "failed" {
                errors = ["data": [["code": "invalid_request", "message": "the input file is not valid", "line": 1]]]
            }
            return [
                "id": .string(batch.id), "object": "batch", "endpoint": "/v1/chat/completions",
                "input_file_id": .string(batch.inputFileID),
                "status": .string(batch.state), "output_file_id": batch.outputFileID.map { .string($0) } ?? .null,
                "error_file_id": batch.errorFileID.map { .string($0) } ?? .null, "errors": errors,
                "request_counts": [
                    "total": .number(JSONNumber(batch.lines.count)), "completed": .number(JSONNumber(batch.completed)),
                    "failed": .number(JSONNumber(batch.failed)),
                ],
            ]
        }

        /// The bytes of the multipart part named "file".
        static func filePart(_ bytes: [UInt8], contentType: String) -> [UInt8]? {
            guard let range = contentType.range(of: "boundary=") else { return nil }
            let boundary = Array(("--" + contentType[range.upperBound...]).utf8)
            let text = bytes
            var index = 0
            while let start = find(boundary, in: text, from: index) {
                let headerStart = start + boundary.count + 2
                guard let headerEnd = find(Array("\r\n\r\n".utf8), in: text, from: headerStart) else { return nil }
                let header = String(decoding: text[headerStart..<headerEnd], as: UTF8.self)
                let contentStart = headerEnd + 4
                guard let next = find(Array("\r\n".utf8) + boundary, in: text, from: contentStart) else { return nil }
                if header.contains("name=\"file\"") { return Array(text[contentStart..<next]) }
                index = next + 2
            }
            return nil
        }

        static func find(_ pattern: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
            guard pattern.count <= bytes.count else { return nil }
            var i = from
            while i + pattern.count <= bytes.count {
                if bytes[i] == pattern[0] && bytes[i..<(i + pattern.count)].elementsEqual(pattern) { return i }
                i += 1
            }
            return nil
        }

        func send(_ code: Int, _ json: JSONValue, context: ChannelHandlerContext) {
            var writer = JSONWriter()
            writer.value(json)
            send(code, [], writer.bytes, context: context)
        }
    }
}
