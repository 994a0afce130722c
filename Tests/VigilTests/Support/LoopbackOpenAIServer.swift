import Foundation
import JSONSchema
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real OpenAI-compatible HTTP server on 127.0.0.1 (a port the OS gives), for the
/// provider tests. Each request is answered as `behavior` says for its number; every
/// request is recorded with its arrival time and headers.
final class LoopbackOpenAIServer: Sendable {
    enum Reply: Sendable {
        /// 200 with a chat completion whose content is `content`.
        case answer(String)
        /// Any status, with optional headers and body.
        case status(Int, headers: [(String, String)] = [], body: String = "{}")
        /// 200 after a delay.
        case slow(TimeInterval, String)
        /// 200 and its headers at once, the body after a delay (a model that stalls mid-answer).
        case slowBody(TimeInterval, String)
        /// The connection is closed without an answer (a reset).
        case reset
        /// 200 with a body that is not JSON.
        case malformed
        /// 200 after `delay` with a chat completion whose content is `content` and whose
        /// `usage` is `usage`, with extra headers (a proxy's cost header).
        case completion(String, usage: JSONValue, delay: TimeInterval = 0, headers: [(String, String)] = [])
    }

    struct Recorded: Sendable {
        var time: Double
        var authorization: String?
        var body: JSONValue?
    }

    let port: Int
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    /// Requests as they arrived, shared with the connection handlers.
    final class RequestLog: Sendable {
        let entries = Mutex<[Recorded]>([])
    }

    private let log = RequestLog()

    var requests: [Recorded] { log.entries.withLock { $0 } }
    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    init(behavior: @escaping @Sendable (Int, JSONValue?) -> Reply) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.group = group
        let log = self.log
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(behavior: behavior, log: log))
                }
            }
        channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        port = channel.localAddress?.port ?? 0
    }

    func shutdown() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    /// A chat completion answer with `content`.
    static func completion(
        _ content: String, usage: JSONValue = ["prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150]
    ) -> String {
        var writer = JSONWriter()
        writer.value([
            "id": "chatcmpl-test", "object": "chat.completion",
            "choices": [
                ["index": 0, "message": ["role": "assistant", "content": .string(content)], "finish_reason": "stop"]
            ],
            "usage": usage,
        ])
        return writer.text
    }

    private final class Handler: CollectingHTTPHandler, @unchecked Sendable {
        let behavior: @Sendable (Int, JSONValue?) -> Reply
        let log: RequestLog

        init(behavior: @escaping @Sendable (Int, JSONValue?) -> Reply, log: RequestLog) {
            self.behavior = behavior
            self.log = log
        }

        override func handle(_ head: HTTPRequestHead, _ body: ByteBuffer, context: ChannelHandlerContext) {
            let json = try? JSONParser().parse(String(buffer: body))
            let number = log.entries.withLock { log -> Int in
                log.append(
                    Recorded(
                        time: Date().timeIntervalSince1970, authorization: head.headers.first(name: "Authorization"),
                        body: json))
                return log.count
            }
            respond(behavior(number, json), context: context)
        }

        func respond(_ reply: Reply, context: ChannelHandlerContext) {
            switch reply {
            case .answer(let content):
                send(200, [], LoopbackOpenAIServer.completion(content), context: context)
            case .status(let code, let headers, let body):
                send(code, headers, body, context: context)
            case .slow(let delay, let content):
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(delay * 1000))) {
                    let (handler, context) = loopBound.value
                    handler.send(200, [], LoopbackOpenAIServer.completion(content), context: context)
                }
            case .slowBody(let delay, let content):
                let body = Array(LoopbackOpenAIServer.completion(content).utf8)
                var headers = HTTPHeaders([
                    ("Content-Type", "application/json"), ("Content-Length", String(body.count)),
                ])
                headers.add(name: "X-Slow", value: "body")
                context.writeAndFlush(
                    wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
                    promise: nil)
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(delay * 1000))) {
                    let (handler, context) = loopBound.value
                    context.write(handler.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
                    context.writeAndFlush(handler.wrapOutboundOut(.end(nil)), promise: nil)
                }
            case .reset:
                context.close(promise: nil)
            case .malformed:
                send(200, [], "{\"choices\": [", context: context)
            case .completion(let content, let usage, let delay, let headers):
                let body = LoopbackOpenAIServer.completion(content, usage: usage)
                guard delay > 0 else { return send(200, headers, body, context: context) }
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(delay * 1000))) {
                    let (handler, context) = loopBound.value
                    handler.send(200, headers, body, context: context)
                }
            }
        }

        func send(_ code: Int, _ headers: [(String, String)], _ body: String, context: ChannelHandlerContext) {
            send(code, headers, Array(body.utf8), context: context)
        }
    }
}
