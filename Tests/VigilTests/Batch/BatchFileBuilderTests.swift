import Foundation
import JSONSchema
import Testing
import Vigil

/// A batch's input files: the live request's body under a custom_id, split by count and size.
@Suite struct BatchFileBuilderTests {
    @Test func eachLineCarriesTheLiveRequestBody() throws {
        var parameters = JSONObject()
        parameters["max_tokens"] = 300
        let provider = OpenAIProvider(
            baseURL: "http://127.0.0.1:9/v1", model: "m", keyVariable: "K", key: Secret("sk-0123456789"),
            parameters: parameters,
            timeout: .seconds(5), responseFormat: ["type": "json_object"])
        // A JPEG by its first bytes (what is sent is known by its bytes, not its name).
        let image = [0xFF, 0xD8, 0xFF] + [UInt8](repeating: 0xAB, count: 3_000)
        let request = ItemRequest(
            item: InputItem(id: "sheets/a \"1\".jpg", path: "sheets/a \"1\".jpg", record: nil),
            fileURL: URL(fileURLWithPath: "/x/a.jpg"),
            prompt: "Extract.", attempt: 1, content: image)
        let body = try provider.bodyBytes(for: request)
        var builder = BatchFileBuilder()
        try builder.add(customID: "vigil-1", body: body)
        let files = builder.files()
        #expect(files.count == 1 && files[0].customIDs == ["vigil-1"])
        let line = try JSONParser().parse(String(decoding: files[0].bytes.dropLast(), as: UTF8.self))
        #expect(line["custom_id"] == "vigil-1")
        #expect(line["method"] == "POST" && line["url"] == "/v1/chat/completions")
        #expect(line["body"] == (try JSONParser().parse(String(decoding: body, as: UTF8.self))))
        #expect(line["body"]?["response_format"] == ["type": "json_object"])
        let url = line["body"]?["messages"]?.arrayValue?.last?["content"]?.arrayValue?.first?["image_url"]?["url"]?
            .stringValue
        #expect(url == "data:image/jpeg;base64," + Data(image).base64EncodedString())
        #expect(files[0].bytes.last == 0x0A)
    }

    @Test func filesAreSplitBeforeALimitWouldBePassed() throws {
        let body = Array(#"{"model":"m"}"#.utf8)
        var byCount = BatchFileBuilder(maximumRequests: 3)
        for n in 1...7 { try byCount.add(customID: "vigil-\(n)", body: body) }
        #expect(byCount.files().map(\.customIDs.count) == [3, 3, 1])
        // Each line is 85 bytes: two fit in 200, a third would not.
        var bySize = BatchFileBuilder(maximumBytes: 200)
        for n in 1...5 { try bySize.add(customID: "vigil-\(n)", body: body) }
        let files = bySize.files()
        #expect(files.map(\.customIDs.count) == [2, 2, 1])
        #expect(files.allSatisfy { $0.bytes.count <= 200 })
        #expect(files.flatMap(\.customIDs) == (1...5).map { "vigil-\($0)" })
        var tooSmall = BatchFileBuilder(maximumBytes: 50)
        #expect(throws: BatchError.self) { try tooSmall.add(customID: "vigil-1", body: body) }
    }
}
