public import AsyncHTTPClient
import Foundation
import JSONSchema
import NIOCore
import NIOHTTP1

/// The OpenAI Files and Batches endpoints under an OpenAI-compatible `base_url`: upload a
/// JSON Lines file of requests (`purpose: batch`), create a batch over it, poll it, download
/// its output and error files, cancel it.
public struct BatchClient: Sendable {
    /// The endpoint, without a trailing slash.
    public let baseURL: String
    /// The variable the key came from (named in messages).
    public let keyVariable: String
    let key: Secret
    /// How long one HTTP call may take (an upload of a large file included).
    public let timeout: Duration
    let client: HTTPClient

    /// A client for `baseURL`.
    public init(
        baseURL: String, keyVariable: String, key: Secret, timeout: Duration = .seconds(300),
        client: HTTPClient = .shared
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.keyVariable = keyVariable
        self.key = key
        self.timeout = timeout
        self.client = client
    }

    /// Uploads `lines` (JSON Lines of `{custom_id, method, url, body}`) as `name`; returns the file id.
    public func upload(_ lines: [UInt8], name: String) async throws(BatchError) -> String {
        let boundary = "vigil-" + UUID().uuidString
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n")
        body.writeString(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/jsonl\r\n\r\n"
        )
        body.writeBytes(lines)
        body.writeString("\r\n--\(boundary)--\r\n")
        let json = try await call(
            .POST, "/files", body: body, contentType: "multipart/form-data; boundary=\(boundary)",
            what: "uploading \(name)")
        guard let id = json["id"]?.stringValue else {
            throw BatchError("the endpoint's answer to the upload of \(name) has no file id")
        }
        return id
    }

    /// Creates a batch over the uploaded file `inputFileID` (chat completions, 24 hours).
    public func create(inputFileID: String, metadata: [String: String] = [:]) async throws(BatchError) -> BatchStatus {
        var request = JSONObject()
        request["input_file_id"] = .string(inputFileID)
        request["endpoint"] = "/v1/chat/completions"
        request["completion_window"] = "24h"
        if !metadata.isEmpty {
            var object = JSONObject()
            for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { object[key] = .string(value) }
            request["metadata"] = .object(object)
        }
        return try BatchStatus(
            json: try await call(
                .POST, "/batches", json: .object(request), what: "creating a batch over \(inputFileID)"))
    }

    /// The batch `id` now.
    public func status(of id: String) async throws(BatchError) -> BatchStatus {
        try BatchStatus(json: try await call(.GET, "/batches/\(id)", what: "asking for batch \(id)"))
    }

    /// The batch created over the uploaded file `fileID`, if there is one: looked up in the
    /// endpoint's list of batches, newest first (for a process that stopped between
    /// creating a batch and recording its id). Nil also when the endpoint cannot list them.
    public func batch(overFile fileID: String) async throws(BatchError) -> BatchStatus? {
        var after: String?
        for _ in 0..<100 {
            let page: JSONValue
            do {
                page = try await call(
                    .GET, "/batches?limit=100" + (after.map { "&after=" + $0 } ?? ""), what: "listing the batches")
            } catch  where error.status == 404 || error.status == 405 {
                return nil
            }
            let batches = page["data"]?.arrayValue ?? []
            for batch in batches where batch["input_file_id"]?.stringValue == fileID {
                return try BatchStatus(json: batch)
            }
            guard page["has_more"] == true, let last = batches.last?["id"]?.stringValue else { return nil }
            after = last
        }
        return nil
    }

    /// Asks the endpoint to cancel batch `id` (what it finished stays in its output file).
    public func cancel(_ id: String) async throws(BatchError) -> BatchStatus {
        try BatchStatus(json: try await call(.POST, "/batches/\(id)/cancel", json: [:], what: "cancelling batch \(id)"))
    }

    /// The content of file `id` (a batch's output or error file: JSON Lines).
    public func content(ofFile id: String) async throws(BatchError) -> [UInt8] {
        let (status, bytes) = try await send(
            .GET, "/files/\(id)/content", body: nil, contentType: nil, what: "downloading file \(id)")
        guard (200..<300).contains(status) else {
            throw Self.failure(status, bytes, "downloading file \(id)", keyVariable)
        }
        return bytes
    }

    private func call(_ method: HTTPMethod, _ path: String, json: JSONValue, what: String) async throws(BatchError)
        -> JSONValue
    {
        var writer = JSONWriter()
        writer.value(json)
        return try await call(
            method, path, body: ByteBuffer(bytes: writer.bytes), contentType: "application/json", what: what)
    }

    private func call(
        _ method: HTTPMethod, _ path: String, body: ByteBuffer? = nil, contentType: String? = nil, what: String
    ) async throws(BatchError) -> JSONValue {
        let (status, bytes) = try await send(method, path, body: body, contentType: contentType, what: what)
        guard (200..<300).contains(status) else { throw Self.failure(status, bytes, what, keyVariable) }
        guard let json = try? JSONParser(allowsDuplicateKeys: true).parse(String(decoding: bytes, as: UTF8.self)) else {
            throw BatchError("\(what): the endpoint's answer is not JSON", status: status)
        }
        return json
    }

    private func send(_ method: HTTPMethod, _ path: String, body: ByteBuffer?, contentType: String?, what: String)
        async throws(BatchError) -> (Int, [UInt8])
    {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer " + key.reveal())
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(body) }
        do {
            let response = try await client.execute(request, timeout: .seconds(Int64(timeout.components.seconds)))
            let bytes = try await response.body.collect(upTo: 1 << 30)
            return (Int(response.status.code), Array(buffer: bytes))
        } catch {
            throw BatchError("\(what): cannot reach the endpoint: \(error)", isRetryable: true)
        }
    }

    static func failure(_ status: Int, _ bytes: [UInt8], _ what: String, _ keyVariable: String) -> BatchError {
        if status == 401 || status == 403 {
            return BatchError(
                "\(what): the endpoint refused the API key (HTTP \(status)): check the value of \(keyVariable)",
                status: status)
        }
        if status == 404 {
            return BatchError(
                "\(what): HTTP 404: the endpoint has no Files/Batches API here (model.batch needs one)", status: status)
        }
        let reason = OpenAIProvider.reason(String(decoding: bytes, as: UTF8.self))
        return BatchError(
            "\(what): HTTP \(status)\(reason)", status: status,
            isRetryable: [408, 409, 425, 429].contains(status) || (500...599).contains(status))
    }
}
