import Foundation
import JSONSchema
import Synchronization
import Testing
import Vigil

@Suite(.timeLimit(.minutes(3))) struct ConsumerTests {
    final class Output: Sendable {
        let text = Mutex("")
        func write(_ piece: String) { text.withLock { $0 += piece } }
    }

    func feed(_ consumer: ProgressConsumer) async {
        await consumer.consume(
            RunEvent(
                sequence: 1, time: 0, run: "r",
                kind: .runStarted(RunStarted(job: "j", total: 4, concurrency: 1, provider: "p"))))
        await consumer.consume(
            RunEvent(
                sequence: 2, time: 0, run: "r",
                kind: .itemCompleted(ItemReport(item: "a", attempt: 1, latencyMilliseconds: 5), result: [:])))
        await consumer.consume(
            RunEvent(
                sequence: 3, time: 0, run: "r",
                kind: .itemFailed(
                    ItemReport(item: "b", attempt: 1, latencyMilliseconds: 5), failure: ItemFailure(.parse, "x"))))
        await consumer.consume(
            RunEvent(sequence: 4, time: 0, run: "r", kind: .runCompleted(RunCounts(total: 4, succeeded: 1, failed: 1))))
    }

    @Test func progressRedrawsOneLineOnATerminal() async {
        let output = Output()
        let consumer = ProgressConsumer(isTerminal: true, environment: ["TERM": "xterm"], write: { output.write($0) })
        await feed(consumer)
        let text = output.text.withLock { $0 }
        #expect(text.contains("\u{1B}[?7l\r[2/4] 50%"))
        #expect(text.contains("\u{1B}[33m50%\u{1B}[0m"))  // the success rate, coloured (yellow: 50-80%)
        #expect(text.hasSuffix("\n\u{1B}[?7h"))  // the last line stays; autowrap is on again
    }

    @Test func progressHonoursNoColorAndPrintsPlainLinesElsewhere() async {
        let output = Output()
        let consumer = ProgressConsumer(
            isTerminal: false, environment: ["NO_COLOR": "1"], plainInterval: 0, write: { output.write($0) })
        await feed(consumer)
        let text = output.text.withLock { $0 }
        #expect(!text.contains("\u{1B}"))
        #expect(!text.contains("\r"))
        #expect(text.contains("[2/4] 50% · 0.0 items/s · success 50%"))
    }

    @Test func theProgressLineSaysWhatTheRunWaitsFor() async {
        let output = Output()
        let consumer = ProgressConsumer(
            isTerminal: false, environment: [:], plainInterval: 0, write: { output.write($0) })
        let now = Timestamp.now()
        let opened = BreakerReport(
            reason: "HTTP 429: Rate limit reached for requests", since: now - 190, nextProbe: now + 25, failures: 5)
        await consumer.consume(
            RunEvent(
                sequence: 1, time: now - 200, run: "r",
                kind: .runStarted(RunStarted(job: "j", total: 4, concurrency: 1, provider: "p"))))
        await consumer.consume(RunEvent(sequence: 2, time: now - 190, run: "r", kind: .breakerOpened(opened)))
        await consumer.consume(
            RunEvent(
                sequence: 3, time: now, run: "r",
                kind: .progress(
                    Progress(
                        counts: RunCounts(total: 4, succeeded: 0, failed: 0), inFlight: 4, itemsPerSecond: 0,
                        etaSeconds: nil, latencyP50: nil, latencyP95: nil, latencyP99: nil))))
        var text = output.text.withLock { $0 }
        #expect(
            text.contains(
                "waiting for the endpoint: HTTP 429: Rate limit reached for requests (5 failures in a row); new items wait"
            ))
        #expect(
            text.contains(
                "· waiting for the endpoint: HTTP 429: Rate limit reached for requests for 3m 10s, next try in 2"))
        await consumer.consume(RunEvent(sequence: 4, time: now, run: "r", kind: .breakerClosed(opened)))
        await consumer.consume(
            RunEvent(
                sequence: 5, time: now, run: "r",
                kind: .itemCompleted(ItemReport(item: "a", attempt: 1, latencyMilliseconds: 5), result: [:])))
        text = output.text.withLock { $0 }
        #expect(text.contains("the endpoint answers again after 3m 10s; items go out again"))
        #expect(text.hasSuffix("in flight 4\n"))
    }

    @Test func aDumbTerminalGetsPlainLinesAndNoColorKeepsTheRedraw() async {
        let dumb = Output()
        await feed(
            ProgressConsumer(
                isTerminal: true, environment: ["TERM": "dumb"], plainInterval: 0, write: { dumb.write($0) }))
        let plain = dumb.text.withLock { $0 }
        #expect(!plain.contains("\u{1B}") && !plain.contains("\r"))
        #expect(plain.contains("[2/4] 50% · 0.0 items/s · success 50% · in flight 0\n"))
        // NO_COLOR is about colour: the line is still redrawn in place.
        let uncoloured = Output()
        await feed(
            ProgressConsumer(
                isTerminal: true, environment: ["TERM": "xterm", "NO_COLOR": "1"], write: { uncoloured.write($0) }))
        let redrawn = uncoloured.text.withLock { $0 }
        #expect(redrawn.contains("\u{1B}[?7l\r[2/4] 50%"))
        #expect(!redrawn.contains("\u{1B}[3"))
    }

    /// A real SIGWINCH (sent to this process; the default for it is to ignore it): the line
    /// is drawn again at the new width at once, with no event to prompt it.
    @Test func aResizeRedrawsTheLineAtTheNewWidth() async throws {
        let output = Output()
        let columns = Mutex(120)
        let consumer = ProgressConsumer(
            isTerminal: true, environment: ["TERM": "xterm", "NO_COLOR": "1"],
            size: { TerminalSize(columns: columns.withLock { $0 }, rows: 24) }, write: { output.write($0) })
        await consumer.consume(
            RunEvent(
                sequence: 1, time: 0, run: "r",
                kind: .runStarted(RunStarted(job: "j", total: 300, concurrency: 2, provider: "p"))))
        await consumer.consume(
            RunEvent(
                sequence: 2, time: 0, run: "r",
                kind: .progress(
                    Progress(
                        counts: RunCounts(total: 300, succeeded: 90, failed: 10), inFlight: 2, itemsPerSecond: 3.5,
                        etaSeconds: 57, latencyP50: nil, latencyP95: nil, latencyP99: nil))))
        // (The progress event came within the tenth of a second a redraw waits for: a resize
        // draws it now.)
        for (width, line) in [
            (120, "[100/300] 33% · 3.5 items/s · ETA 0:57 · success 90% · in flight 2"),
            (30, "[100/300] 33% · success 90%"),
        ] {
            columns.withLock { $0 = width }
            try await Waiting.until("a redraw at \(width) columns", within: 30) {
                kill(getpid(), SIGWINCH)
                return output.text.withLock { $0 }.hasSuffix("\u{1B}[?7l\r" + line + "\u{1B}[K\u{1B}[J\r\u{1B}[?7h")
            }
        }
        await consumer.finish()
    }

    @Test func aCommandConsumerGetsItsEventsAsJSON() async throws {
        let job = try TemporaryJob(
            items: 3, extractor: TemporaryJob.extractor("answer = {\"n\": n}"),
            extra:
                "consumers:\n  - { type: command, command: [sh, -c, \"cat >> seen.jsonl\"], events: [run.completed] }\n",
            thresholds: "")
        let outcome = try TestEnvironment.run(TestEnvironment.vigil, ["run", job.path, "--quiet"])
        #expect(outcome.status == 0)
        let lines = try job.lines(job.folder.appendingPathComponent("seen.jsonl"))
        #expect(lines.count == 1)
        #expect(try JSONParser().parse(lines[0])["type"] == "run.completed")
    }

    @Test func aDeadPersistentWorkerIsRestartedAndItsItemsRetried() async throws {
        // The worker answers two requests, then exits; every item must still succeed.
        let worker = """
            import json, sys
            answered = 0
            for line in sys.stdin:
                request = json.loads(line)
                n = int(open(request["path"]).read().split()[-1])
                print(json.dumps({"id": request["id"], "result": {"n": n}}), flush=True)
                answered += 1
                if answered == 2:
                    sys.exit(1)
            """
        // An item in flight when a worker dies is retried; on a loaded machine one item can
        // be in flight at two deaths, so it gets enough attempts that the test is about the
        // restart, not about timing (CI once saw 6 of 7 with two attempts, after 46 s).
        let job = try TemporaryJob(
            items: 7, extractor: worker, mode: "persistent", thresholds: "",
            retries: "{ max_attempts: 5, initial_delay: 10ms, max_delay: 20ms }")
        let summary = await (try await job.engine()).run()
        #expect(summary.counts == RunCounts(total: 7, succeeded: 7, failed: 0))
    }
}
