import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real OTLP/HTTP receiver on 127.0.0.1: takes `POST /v1/traces` (protobuf) and decodes
/// each ExportTraceServiceRequest's spans with a protobuf reader of its own, so the test
/// checks what went over the wire, not what the exporter meant to send.
final class LoopbackOTLPReceiver: Sendable {
    /// One span as decoded.
    struct Span: Sendable {
        var traceID: [UInt8]
        var spanID: [UInt8]
        var parentSpanID: [UInt8]
        var name: String
        var start: UInt64
        var end: UInt64
        var attributes: [String: String]
        var statusCode: Int
        /// The status's description (an error's message).
        var statusMessage: String
    }

    let port: Int
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    /// Spans as they arrived, shared with the connection handlers.
    final class Received: Sendable {
        let spans = Mutex<[Span]>([])
        /// Every export's bytes as sent, for what no decoded field shows.
        let bodies = Mutex<[[UInt8]]>([])
    }

    private let received = Received()

    var spans: [Span] { received.spans.withLock { $0 } }
    var bodies: [[UInt8]] { received.bodies.withLock { $0 } }
    var endpoint: String { "http://127.0.0.1:\(port)" }

    init() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.group = group
        let received = self.received
        channel = try ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(received: received))
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        port = channel.localAddress?.port ?? 0
    }

    func shutdown() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    private final class Handler: CollectingHTTPHandler, @unchecked Sendable {
        let received: Received
        init(received: Received) { self.received = received }

        override func handle(_ head: HTTPRequestHead, _ body: ByteBuffer, context: ChannelHandlerContext) {
            let bytes = body.getBytes(at: body.readerIndex, length: body.readableBytes) ?? []
            let spans = head.uri.hasSuffix("/v1/traces") ? LoopbackOTLPReceiver.spans(inExportRequest: bytes) : []
            received.spans.withLock { $0 += spans }
            received.bodies.withLock { $0.append(bytes) }
            send(200, [], [], contentType: "application/x-protobuf", context: context)
        }
    }

    // MARK: Protobuf, as much as a trace export needs

    /// Fields of one message: number -> values (varints as UInt64, bytes as [UInt8]).
    struct Fields {
        var varints: [Int: [UInt64]] = [:]
        var bytes: [Int: [[UInt8]]] = [:]
        var fixed64: [Int: [UInt64]] = [:]
    }

    static func fields(_ data: [UInt8]) -> Fields {
        var fields = Fields()
        var index = 0
        func varint() -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while index < data.count {
                let byte = data[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { break }
                shift += 7
            }
            return value
        }
        while index < data.count {
            let key = varint()
            let number = Int(key >> 3)
            switch key & 7 {
            case 0: fields.varints[number, default: []].append(varint())
            case 1:
                guard index + 8 <= data.count else { return fields }
                fields.fixed64[number, default: []].append(
                    data[index..<(index + 8)].reversed().reduce(0) { $0 << 8 | UInt64($1) })
                index += 8
            case 2:
                let length = Int(varint())
                guard index + length <= data.count else { return fields }
                fields.bytes[number, default: []].append(Array(data[index..<(index + length)]))
                index += length
            case 5: index += 4
            default: return fields
            }
        }
        return fields
    }

    /// ExportTraceServiceRequest { resource_spans = 1 } -> ResourceSpans { scope_spans = 2 }
    /// -> ScopeSpans { spans = 2 } -> Span.
    static func spans(inExportRequest data: [UInt8]) -> [Span] {
        fields(data).bytes[1, default: []].flatMap { resource in
            fields(resource).bytes[2, default: []].flatMap { scope in
                fields(scope).bytes[2, default: []].map(span)
            }
        }
    }

    /// Span { trace_id 1, span_id 2, parent_span_id 4, name 5, start 7, end 8 (fixed64),
    /// attributes 9 (KeyValue { key 1, value 2: AnyValue { string 1, bool 2, int 3, double 4 } }),
    /// status 15 (Status { message 2, code 3 }) }.
    static func span(_ data: [UInt8]) -> Span {
        let span = fields(data)
        var attributes: [String: String] = [:]
        for pair in span.bytes[9, default: []] {
            let keyValue = fields(pair)
            let key = String(decoding: keyValue.bytes[1]?.first ?? [], as: UTF8.self)
            let value = fields(keyValue.bytes[2]?.first ?? [])
            if let string = value.bytes[1]?.first {
                attributes[key] = String(decoding: string, as: UTF8.self)
            } else if let bool = value.varints[2]?.first {
                attributes[key] = bool == 0 ? "false" : "true"
            } else if let int = value.varints[3]?.first {
                attributes[key] = String(Int64(bitPattern: int))
            } else if let double = value.fixed64[4]?.first {
                attributes[key] = String(Double(bitPattern: double))
            }
        }
        let status = fields(span.bytes[15]?.first ?? [])
        return Span(
            traceID: span.bytes[1]?.first ?? [], spanID: span.bytes[2]?.first ?? [],
            parentSpanID: span.bytes[4]?.first ?? [],
            name: String(decoding: span.bytes[5]?.first ?? [], as: UTF8.self), start: span.fixed64[7]?.first ?? 0,
            end: span.fixed64[8]?.first ?? 0,
            attributes: attributes, statusCode: Int(status.varints[3]?.first ?? 0),
            statusMessage: String(decoding: status.bytes[2]?.first ?? [], as: UTF8.self))
    }
}
