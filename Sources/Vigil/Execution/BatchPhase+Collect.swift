import Foundation
import JSONSchema
import Logging

extension BatchPhase {
    /// What a look at one open batch led to.
    private enum Look {
        /// It goes on (or could not be seen or downloaded now): look at the next one.
        case next
        /// It ended and was collected: it left `open`.
        case collected
        /// The run stops now (an abort, a failed write, an error that is not passing).
        case stop
    }

    /// Looks at every open batch with backoff (sooner at first, then every `poll_interval`)
    /// and collects each one that ended, until none is open or the run is told to stop.
    mutating func poll(_ progress: inout RunProgress) async {
        var delay = min(1, spec.pollInterval.seconds)
        while !open.isEmpty {
            if let reason = engine.stopReason {
                interrupt(&progress, reason + "; " + stillRunning())
                return
            }
            var index = 0
            while index < open.count {
                switch await look(at: index, &progress) {
                case .next: index += 1
                case .collected: continue
                case .stop: return
                }
            }
            if gaveUpOnTheEndpoint(&progress) { return }
            if open.isEmpty { break }
            await engine.sleepUnlessStopped(seconds: delay)
            delay = min(delay * 2, spec.pollInterval.seconds)
        }
    }

    /// Asks for the batch's status, publishes a change, collects it when it ended; a
    /// threshold that fails on its answers cancels the batches still running.
    private mutating func look(at index: Int, _ progress: inout RunProgress) async -> Look {
        let batch = open[index]
        let status: BatchStatus
        do {
            status = try await client.status(of: batch.report.batch)
            unreachableSince = nil
        } catch {
            guard error.isRetryable else {
                interrupt(&progress, "\(error); " + stillRunning())
                return .stop
            }
            noteUnreachable(error)
            return .next
        }
        let report = BatchReport(status, file: batch.report.file)
        if report != batch.report {
            open[index].report = report
            engine.bus.publish(.batchProgress(report))
        }
        guard status.state.isFinal, await collect(status, at: index, &progress) else { return .next }
        guard progress.verdict?.stopsAtOnce == true || progress.stopNow else { return .collected }
        let reason = progress.verdict?.message ?? "the run stopped"
        await cancelAll(because: reason)
        if !open.isEmpty { engine.options.logger.notice("cancelled \(open.count) batches still running: \(reason)") }
        return .stop
    }

    /// The endpoint has not answered for longer than `breaker.give_up_after`: the run stops
    /// as interrupted, the batches left running.
    private mutating func gaveUpOnTheEndpoint(_ progress: inout RunProgress) -> Bool {
        let giveUpAfter = engine.job.execution.breaker.giveUpAfter
        guard let since = unreachableSince, Timestamp.now() - since > giveUpAfter.seconds else { return false }
        interrupt(
            &progress,
            "the endpoint has been unreachable for \(Int(Timestamp.now() - since)) s, longer than breaker.give_up_after (\(giveUpAfter)); "
                + stillRunning())
        return true
    }

    /// Downloads an ended batch's output and error files and records each of its items:
    /// an answer is judged as a live one is; a request the batch did not run is sent again
    /// in a new batch or failed (`on_expired`), or left to do when cancelling. False when a
    /// download failed (the batch stays open and is collected at the next look).
    private mutating func collect(_ status: BatchStatus, at index: Int, _ progress: inout RunProgress) async -> Bool {
        guard let lines = await download(status) else { return false }
        let batch = open.remove(at: index)
        var notRun: [BatchJournal.Entry] = []
        for entry in batch.entries {
            let reservation = batch.reservations[entry.customID]
            guard engine.belongs(entry.id), !recorded.contains(entry.id) else {
                if let reservation { engine.ledger.release(reservation) }
                continue
            }
            var ended = ended(
                InputItem(id: entry.id, path: entry.path, record: nil), sha256: entry.sha256, sent: entry.sent,
                attempts: journal.submissions(of: entry.id))
            ended.latency = max(0, Timestamp.now() - batch.uploadedAt) * 1000
            if !record(lines[entry.customID]?.outcome, of: entry, ended, reservation, batch: status, &progress) {
                notRun.append(entry)
            }
        }
        let message = await handleNotRun(notRun, state: status.state, &progress)
        do {
            try journal.recordEnded(status.id, state: status.state.rawValue)
        } catch {
            interrupt(&progress, "\(error)")
        }
        let report = BatchReport(status, file: batch.report.file, message: message)
        engine.bus.publish(
            status.state == .completed && notRun.isEmpty ? .batchCompleted(report) : .batchFailed(report))
        publishInFlight(progress)
        return true
    }

    /// The batch's output and error files, line by line, by custom_id; nil when a download
    /// failed.
    private mutating func download(_ status: BatchStatus) async -> [String: BatchOutputLine]? {
        var lines: [String: BatchOutputLine] = [:]
        for fileID in [status.errorFileID, status.outputFileID].compactMap({ $0 }) {
            do {
                let bytes = try await client.content(ofFile: fileID)
                unreachableSince = nil
                for line in bytes.split(separator: 0x0A) where !line.isEmpty {
                    let text = String(decoding: line, as: UTF8.self)
                    guard let json = try? JSONParser(allowsDuplicateKeys: true).parse(text),
                        let answer = BatchOutputLine(json: json)
                    else { continue }
                    lines[answer.customID] = answer
                }
            } catch {
                noteUnreachable(error)
                return nil
            }
        }
        return lines
    }

    /// Records what the batch did with one request: an answer (settled at the batch price,
    /// cached, judged), a final failure, or the whole batch's failure. False when the batch
    /// did not run it (`handleNotRun` decides).
    private mutating func record(
        _ outcome: Result<ProviderAnswer, ItemFailure>?, of entry: BatchJournal.Entry, _ ended: EndedItem,
        _ reservation: SpendLedger.Reservation?, batch status: BatchStatus, _ progress: inout RunProgress
    ) -> Bool {
        var ended = ended
        switch outcome {
        case .success(let answer)?:
            if let cache = engine.cache, let sha256 = entry.sha256 {
                cache.keep(answer, forKey: cache.keys.key(item: sha256))
            }
            let spend = Spend(answer, pricing: engine.job.model.pricing, batch: true)
            if let reservation {
                engine.ledger.settle(reservation, answer: answer, spend: spend)
            } else {
                engine.ledger.record(answer: answer, spend: spend)
            }
            ended.usage = answer.usage
            ended.spend = spend
            record(.judged(ended, engine.attempts.criteria.judge(answer)), &progress)
        case .failure(let failure)? where !failure.isRetryable:
            if let reservation { engine.ledger.release(reservation) }
            record(.failure(ended, failure), &progress)
        case .failure?, nil:
            if let reservation { engine.ledger.release(reservation) }
            guard status.state == .failed else { return false }
            let why = status.errors.isEmpty ? "no reason given" : status.errors.prefix(3).joined(separator: "; ")
            record(
                .failure(ended, ItemFailure(.http, "batch \(status.id) failed as a whole: \(why)", isRetryable: false)),
                &progress)
        }
        return true
    }

    /// What becomes of the requests a batch did not run; returns what the event says of them.
    private mutating func handleNotRun(
        _ entries: [BatchJournal.Entry], state: BatchStatus.State, _ progress: inout RunProgress
    ) async -> String? {
        guard !entries.isEmpty else { return state == .failed ? "every request failed with the batch" : nil }
        let count = entries.count
        if cancelling || progress.ending != nil {
            return "\(count) requests were not run; they stay to do"
        }
        let maximum = engine.job.execution.retries.maximumAttempts
        var again = Set<String>()
        for entry in entries {
            let submissions = journal.submissions(of: entry.id)
            if spec.onExpired == .retry && submissions < maximum {
                again.insert(entry.id)
            } else {
                let why =
                    spec.onExpired == .fail
                    ? "the batch ended \(state.rawValue) before running it (model.batch.on_expired: fail)"
                    : "no batch ran it: \(submissions) batches ended without it (execution.retries.max_attempts: \(maximum))"
                let item = InputItem(id: entry.id, path: entry.path, record: nil)
                record(
                    .failure(
                        ended(item, sha256: entry.sha256, sent: entry.sent, attempts: submissions),
                        ItemFailure(.http, why, isRetryable: false)), &progress)
            }
        }
        guard !again.isEmpty else { return "\(count) requests were not run; they failed" }
        var items = ItemQueue(list: engine.folder.inputs, job: engine.job, restamped: engine.restamped)
        await submit(from: &items, progress: &progress) { again.contains($0) }
        return "\(count) requests were not run; \(again.count) were sent again in a new batch"
    }
}
