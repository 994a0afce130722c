import Foundation
import JSONSchema
import Testing
import Vigil

/// The OpenAI-compatible provider against a real HTTP server on 127.0.0.1.
@Suite(.timeLimit(.minutes(3))) struct OpenAIProviderTests {
    static let key = "sk-canary-0123456789abcdefCANARY"

    static func model(_ server: LoopbackOpenAIServer, timeout: String = "5s") -> String {
        "model:\n  provider: openai\n  base_url: \(server.baseURL)\n  name: test-model\n  api_key_env: VIGIL_TEST_KEY\n  parameters: { temperature: 0 }\n  timeout: \(timeout)"
    }

    /// The item number the request is about ("item 7" in the user message).
    static func itemNumber(_ body: JSONValue?) -> Int {
        let user = body?["messages"]?.arrayValue?.last?["content"]?.stringValue ?? ""
        return Int(user.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
    }

    static func good(_ body: JSONValue?) -> LoopbackOpenAIServer.Reply {
        .answer("Here is the record:\n```json\n{\"n\": \(itemNumber(body))}\n```")
    }

    @Test func aGoodEndpointCompletesWithTheRequestItExpects() async throws {
        let server = try LoopbackOpenAIServer { _, body in Self.good(body) }
        defer { server.shutdown() }
        let job = try TemporaryJob(items: 4, extractor: "", model: Self.model(server), thresholds: "")
        let engine = try await job.engine(environment: ["VIGIL_TEST_KEY": Self.key])
        let summary = await engine.run()
        #expect(summary.counts == RunCounts(total: 4, succeeded: 4, failed: 0))
        // Token usage per item, and summed in the manifest.
        let line = try JSONParser().parse(try job.lines(engine.folder.results)[0])
        #expect(line["usage"] == ["prompt_tokens": 120, "completion_tokens": 30])
        let manifest = try JSONParser().parse(Data(contentsOf: engine.folder.manifest))
        #expect(manifest["usage"] == ["prompt_tokens": 480, "completion_tokens": 120])
        #expect(manifest["model"]?["api_key_env"] == "VIGIL_TEST_KEY")
        let first = try #require(server.requests.first)
        #expect(first.authorization == "Bearer \(Self.key)")
        #expect(first.body?["model"] == "test-model")
        #expect(first.body?["temperature"] == 0)
        #expect(first.body?["messages"]?.arrayValue?.first?["content"] == "Answer with Darwin Core JSON.\n")
    }

    @Test func aSlowEndpointTimesOutAndIsRetried() async throws {
        // The answer takes far longer than the timeout, and the timeout is long enough for a
        // loaded machine to have sent the request before it fires.
        let server = try LoopbackOpenAIServer { _, _ in .slow(8, "{\"n\": 1}") }
        defer { server.shutdown() }
        let job = try TemporaryJob(items: 1, extractor: "", model: Self.model(server, timeout: "1s"), thresholds: "")
        let engine = try await job.engine(environment: ["VIGIL_TEST_KEY": Self.key])
        let summary = await engine.run()
        #expect(
            summary.counts.failed == 1,
            "\(summary.status) \(summary.interruption ?? "") \(summary.counts) \(String(decoding: (try? Data(contentsOf: engine.folder.events)) ?? Data(), as: UTF8.self))"
        )
        let line = try JSONParser().parse(try #require(try job.lines(engine.folder.failed).first))
        #expect(line["error"] == "timeout")
        #expect(line["attempts"] == 2)
        #expect(server.requests.count == 2)
    }

    @Test func anAnswerWhoseBodyStallsTimesOutToo() async throws {
        // The headers come at once, the body 60 s later: the timeout covers the whole answer.
        let server = try LoopbackOpenAIServer { _, _ in .slowBody(60, "{\"n\": 1}") }
        defer { server.shutdown() }
        let job = try TemporaryJob(
            items: 1, extractor: "", model: Self.model(server, timeout: "1s"), thresholds: "",
            retries: "{ max_attempts: 1, initial_delay: 10ms, max_delay: 20ms }")
        let engine = try await job.engine(environment: ["VIGIL_TEST_KEY": Self.key])
        let summary = await engine.run()
        #expect(summary.counts.failed == 1)
        let line = try JSONParser().parse(try #require(try job.lines(engine.folder.failed).first))
        #expect(line["error"] == "timeout")
        // The item's own latency, as its event recorded it: far from the body's 60 s (a
        // loaded machine may add seconds to a 1 s timeout: 12 s once in CI, not fifty).
        let failed = try job.lines(engine.folder.events).map { try JSONParser().parse($0) }.first {
            $0["type"] == "item.failed"
        }
        let latency = try #require(failed?["latency_ms"]?.numberValue?.doubleValue)
        #expect(latency < 30_000, "the item waited \(latency) ms for the body")
    }

    @Test func imagesGoAsBase64DataURLs() async throws {
        let server = try LoopbackOpenAIServer { _, _ in .answer("{\"n\": 1}") }
        defer { server.shutdown() }
        // As it is (`images: original`): six bytes that only start a JPEG.
        let job = try TemporaryJob(
            items: 1, extractor: "", model: Self.model(server) + "\n  images: original", thresholds: "")
        let image = Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10])
        try image.write(to: job.folder.appendingPathComponent("items/sheet.jpg"))
        try String(contentsOfFile: job.path, encoding: .utf8).replacing("glob: items/*.txt", with: "glob: items/*.jpg")
            .write(toFile: job.path, atomically: true, encoding: .utf8)
        let summary = await (try await job.engine(environment: ["VIGIL_TEST_KEY": Self.key])).run()
        #expect(summary.counts.succeeded == 1)
        let content = server.requests.first?.body?["messages"]?.arrayValue?.last?["content"]?.arrayValue?.first
        #expect(content?["type"] == "image_url")
        #expect(content?["image_url"]?["url"]?.stringValue == "data:image/jpeg;base64," + image.base64EncodedString())
    }

    /// A file is known by its bytes, not its name: a PNG named `.jpg` goes as `image/png`; a
    /// TIFF (which endpoints do not take as it is) and bytes that are neither text nor an image
    /// are never sent, and their items fail saying what the file is; text goes as text.
    @Test func whatIsSentIsKnownByItsBytes() async throws {
        let server = try LoopbackOpenAIServer { _, _ in .answer("{\"n\": 1}") }
        defer { server.shutdown() }
        // Sent as they are (`images: original`): known by their bytes, never converted.
        let job = try TemporaryJob(
            items: 1, extractor: "", model: Self.model(server) + "\n  images: original", thresholds: "")
        let items = job.folder.appendingPathComponent("items")
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D]
        try Data(png).write(to: items.appendingPathComponent("sheet-a.jpg"))
        try Data([0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00] + [UInt8](repeating: 7, count: 64)).write(
            to: items.appendingPathComponent("sheet-b.tif"))
        try Data([0x00, 0x9F, 0x13, 0xC4, 0x41, 0x42, 0x00, 0xFE]).write(
            to: items.appendingPathComponent("sheet-c.jpg"))
        try Data("Herbarium label: Carex, 1911".utf8).write(to: items.appendingPathComponent("sheet-d.txt"))
        try String(contentsOfFile: job.path, encoding: .utf8).replacing(
            "glob: items/*.txt", with: "glob: items/sheet-*"
        )
        .write(toFile: job.path, atomically: true, encoding: .utf8)
        let summary = await (try await job.engine(environment: ["VIGIL_TEST_KEY": Self.key])).run()
        #expect(summary.counts.succeeded == 2 && summary.counts.failed == 2)
        // Two requests: the PNG, labelled as one, and the text.
        #expect(server.requests.count == 2)
        let contents = server.requests.compactMap { $0.body?["messages"]?.arrayValue?.last?["content"] }
        let image = contents.compactMap { $0.arrayValue?.first?["image_url"]?["url"]?.stringValue }
        #expect(image == ["data:image/png;base64," + Data(png).base64EncodedString()])
        #expect(contents.contains { $0.stringValue == "Herbarium label: Carex, 1911" })
        let failed = try String(contentsOf: summary.folder.failed, encoding: .utf8)
        #expect(failed.contains("items/sheet-b.tif is a TIFF image, which endpoints do not take as it is"), "\(failed)")
        #expect(
            failed.contains(
                "items/sheet-c.jpg is neither UTF-8 text nor an image (it starts with 00 9f 13 c4 41 42 00 fe"),
            "\(failed)")
    }

    @Test func garbageAnswersAbortAfterExactlyFiveCompletions() async throws {
        let server = try LoopbackOpenAIServer { _, _ in
            .slow(0.05, "I cannot produce JSON, but this looks like a plant.")
        }
        defer { server.shutdown() }
        let job = try TemporaryJob(
            items: 40, extractor: "", model: Self.model(server),
            thresholds: "thresholds:\n  early: { after: 5, min_success_rate: 0.5 }\n", concurrency: 2)
        let engine = try await job.engine(environment: ["VIGIL_TEST_KEY": Self.key])
        let summary = await engine.run()
        #expect(summary.status == .aborted)
        #expect(summary.counts.completed == 5)
        #expect(server.requests.count <= 7)
    }

    /// 401 (unknown key) and 403 (a key without access to the model): every item would fail
    /// the same way, so the run stops at once.
    @Test(arguments: [401, 403]) func aRefusedKeyAbortsAtOnceNamingTheVariable(status: Int) async throws {
        let server = try LoopbackOpenAIServer { _, _ in
            .status(status, body: #"{"error": {"message": "invalid api key"}}"#)
        }
        defer { server.shutdown() }
        let job = try TemporaryJob(items: 20, extractor: "", model: Self.model(server), thresholds: "", concurrency: 2)
        let engine = try await job.engine(environment: ["VIGIL_TEST_KEY": Self.key])
        let summary = await engine.run()
        #expect(summary.status == .aborted)
        #expect(
            summary.verdict?.message
                == "the endpoint refused the API key (HTTP \(status)): check the value of VIGIL_TEST_KEY")
        #expect(server.requests.count <= 2)
        // Not retried, and no item was recorded as the model's failure.
        #expect(!(try job.lines(engine.folder.events)).contains { $0.contains("item.retrying") })
    }

    /// `Retry-After` as an HTTP date (RFC 9110 allows both forms): the retry waits for it.
    @Test func aRetryAfterDateIsWaitedFor() async throws {
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "GMT")
        format.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let server = try LoopbackOpenAIServer { number, body in
            // Three seconds ahead, to the second: the wait is between 2 and 3 s.
            number == 1
                ? .status(
                    429, headers: [("Retry-After", format.string(from: Date().addingTimeInterval(3)))],
                    body: #"{"error": {"message": "slow down"}}"#)
                : Self.good(body)
        }
        defer { server.shutdown() }
        let job = try TemporaryJob(
            items: 1, extractor: "", model: Self.model(server), thresholds: "",
            retries: "{ max_attempts: 3, initial_delay: 10ms, max_delay: 20ms }")
        let summary = await (try await job.engine(environment: ["VIGIL_TEST_KEY": Self.key])).run()
        #expect(summary.counts == RunCounts(total: 1, succeeded: 1, failed: 0))
        let times = server.requests.map(\.time)
        #expect(times.count == 2)
        #expect(times[1] - times[0] >= 1.9, "retried \(times[1] - times[0]) s after a Retry-After date 2-3 s ahead")
    }

    /// The limiter's arithmetic on a virtual clock: a sustained rate within 5% of
    /// `rate_limit` (here exact), per second and per minute, after a burst of one second's worth.
    @Test(arguments: [(20, 1.0), (1_200, 60.0)])
    func theRateLimiterGrantsTheSustainedRate(requests: Int, per seconds: Double) async throws {
        let time = VirtualTime()
        let limiter = RateLimiter(
            requests: requests, per: seconds, clock: RateLimiter.Clock(now: { time.now }, sleep: { time.advance($0) }))
        var grants: [Double] = []
        for _ in 0..<200 {
            try await limiter.acquire()
            grants.append(time.now)
        }
        #expect(grants[..<20].allSatisfy { $0 == 0 }, "the burst: \(grants[..<21])")
        let rate = Double(grants.count - 21) / (grants[199] - grants[20])
        #expect(abs(rate - 20) <= 1, "sustained \(rate) grants/s against a limit of 20/s")
        #expect(abs(rate - 20) < 1e-6)
    }

    /// On the real clock, with more callers than it lets through: never ahead of the bucket
    /// (by any grant, at most the burst plus what refilled). A loaded machine can only make
    /// grants later, so this holds however busy it is.
    @Test func theRateLimiterIsNeverAheadOfTheBucket() async throws {
        let limiter = RateLimiter(requests: 1_200, per: 60)
        let start = Date().timeIntervalSince1970
        let grants = try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<16 {
                group.addTask {
                    var times: [Double] = []
                    for _ in 0..<5 {
                        try await limiter.acquire()
                        times.append(Date().timeIntervalSince1970)
                    }
                    return times
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }.sorted()
        }
        #expect(grants.count == 80)
        for (index, time) in grants.enumerated() {
            #expect(Double(index + 1) <= 20 + (time - start) * 20 + 1, "grant \(index + 1) at \(time - start) s")
        }
    }

    final class VirtualTime: @unchecked Sendable {  // `seconds` only under `lock`
        private let lock = NSLock()
        private var seconds = 0.0
        var now: Double { lock.withLock { seconds } }
        func advance(_ by: Double) { lock.withLock { seconds += by } }
    }

    /// End to end: the run's requests reach the endpoint no faster than the limit lets them
    /// go (the burst of 20, then 20 a second: 100 requests take at least 4 s). The exact rate
    /// is the limiter test's; arrival times on a loaded machine bunch up and would not say it.
    @Test func theEndpointSeesTheRateLimit() async throws {
        let server = try LoopbackOpenAIServer { _, body in Self.good(body) }
        defer { server.shutdown() }
        let job = try TemporaryJob(
            items: 100, extractor: "", model: Self.model(server), thresholds: "", concurrency: 32)
        try String(contentsOfFile: job.path, encoding: .utf8)
            .replacing("concurrency: 32", with: "concurrency: 32\n  rate_limit: { requests: 1200, per: 1m }")
            .write(toFile: job.path, atomically: true, encoding: .utf8)
        let summary = await (try await job.engine(environment: ["VIGIL_TEST_KEY": Self.key])).run()
        #expect(summary.counts.succeeded == 100)
        let times = server.requests.map(\.time).sorted()
        #expect(times.count == 100)
        // Unlimited, 100 requests to this endpoint take a fraction of a second.
        #expect(times[99] - times[0] >= 3.6, "100 requests in \(times[99] - times[0]) s under a limit of 20/s")
    }

    /// 429s with Retry-After, 500s, resets, slow and malformed answers: every item still ends
    /// exactly once, retries wait as long as the server asked, and the rate limit holds.
    @Test func aFlakyEndpointLosesNothing() async throws {
        let server = try LoopbackOpenAIServer { number, body in
            switch number % 9 {
            case 1: .status(429, headers: [("Retry-After", "1")], body: #"{"error": {"message": "slow down"}}"#)
            case 3: .status(500)
            case 5: .reset
            case 6: .slow(0.3, "{\"n\": \(Self.itemNumber(body))}")
            case 7: .malformed
            default: Self.good(body)
            }
        }
        defer { server.shutdown() }
        let job = try TemporaryJob(
            items: 24, extractor: "", model: Self.model(server), extra: "", thresholds: "", concurrency: 3,
            retries: "{ max_attempts: 6, initial_delay: 10ms, max_delay: 50ms }")
        try String(contentsOfFile: job.path, encoding: .utf8)
            .replacing("concurrency: 3", with: "concurrency: 3\n  rate_limit: { requests: 10, per: 1s }")
            .write(toFile: job.path, atomically: true, encoding: .utf8)
        let engine = try await job.engine(environment: ["VIGIL_TEST_KEY": Self.key])
        let summary = await engine.run()
        #expect(summary.counts.completed == 24)
        let results = try job.lines(engine.folder.results).map { try JSONParser().parse($0)["id"]?.stringValue ?? "" }
        let failures = ((try? job.lines(engine.folder.failed)) ?? []).map {
            (try? JSONParser().parse($0)["id"]?.stringValue) ?? ""
        }
        #expect(Set(results + failures).count == 24 && results.count + failures.count == 24)
        let manifest = try JSONParser().parse(Data(contentsOf: engine.folder.manifest))
        #expect(manifest["counts"]?["succeeded"] == .number(JSONNumber(results.count)))

        let requests = server.requests
        // Retry-After: the next request for an item answered 429 came at least ~1 s later.
        var lastByItem: [Int: (time: Double, number: Int)] = [:]
        for (index, request) in requests.enumerated() {
            let item = Self.itemNumber(request.body)
            if let previous = lastByItem[item], previous.number % 9 == 1 {
                #expect(
                    request.time - previous.time >= 0.95,
                    "item \(item) retried \(request.time - previous.time) s after a 429")
            }
            lastByItem[item] = (request.time, index + 1)
        }
        // Rate limit: a bucket of 10 refilled at 10/s lets at most 20 through in any second
        // (counted by arrival, so a window 50 ms short of it: a request sent at the start of
        // a window can arrive a few milliseconds into the next on a loaded machine).
        let times = requests.map(\.time).sorted()
        for (index, start) in times.enumerated() {
            #expect(times[index...].prefix { $0 < start + 0.95 }.count <= 20)
        }
    }

    @Test func theKeyAppearsNowhere() async throws {
        let server = try LoopbackOpenAIServer { number, body in
            number % 3 == 0 ? .status(500, body: "oops") : Self.good(body)
        }
        defer { server.shutdown() }
        let job = try TemporaryJob(
            items: 6, extractor: "", model: Self.model(server),
            extra: "consumers:\n  - progress\n  - { type: log, level: trace }\n", thresholds: "")
        let outcome = try TestEnvironment.run(
            TestEnvironment.vigil, ["run", job.path], environment: ["VIGIL_TEST_KEY": Self.key])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(!outcome.standardOutput.contains(Self.key) && !outcome.standardError.contains(Self.key))
        let runs = job.folder.appendingPathComponent("runs/test-job")
        let run = runs.appendingPathComponent(
            try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first))
        for name in try FileManager.default.contentsOfDirectory(atPath: run.path) {
            let text = String(decoding: try Data(contentsOf: run.appendingPathComponent(name)), as: UTF8.self)
            #expect(!text.contains(Self.key), "\(name) holds the key")
        }
        #expect("\(Secret(Self.key))" == "<REDACTED>")
    }
}
