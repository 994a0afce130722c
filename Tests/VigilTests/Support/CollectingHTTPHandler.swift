import NIOCore
import NIOHTTP1

/// The loopback servers' common part: collects one HTTP request (head and body) and hands
/// it to `handle`; `send` writes a whole response.
class CollectingHTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            if let head { handle(head, body, context: context) }
        }
    }

    /// Answers one request (subclasses).
    func handle(_ head: HTTPRequestHead, _ body: ByteBuffer, context: ChannelHandlerContext) {}

    /// A whole response: status, headers, body.
    func send(
        _ code: Int, _ headers: [(String, String)], _ body: [UInt8], contentType: String = "application/json",
        context: ChannelHandlerContext
    ) {
        var responseHeaders = HTTPHeaders(headers)
        responseHeaders.add(name: "Content-Type", value: contentType)
        responseHeaders.add(name: "Content-Length", value: String(body.count))
        let head = HTTPResponseHead(
            version: .http1_1, status: HTTPResponseStatus(statusCode: code), headers: responseHeaders)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
