import Foundation
import JSONSchema

extension BatchPhase {
    /// The batch files being filled: the builder, and each request's journal entry and
    /// reservation until its file is sent.
    struct Filling {
        var builder: BatchFileBuilder
        var waiting: [String: (entry: BatchJournal.Entry, reservation: SpendLedger.Reservation?)] = [:]
    }

    /// What an item leads to before it goes into a file.
    enum Prepared {
        /// A request to put in a batch, with the sha256 of the input it sends and what the
        /// model is shown of an image.
        case request(ItemRequest, sha256: String?, sent: SentImage?)
        /// The item ended without a batch (its input failed, or its answer was cached).
        case recorded
    }

    /// Writes the items `wanted` of `items` into batch files, uploading and submitting each
    /// as it fills. An item that cannot be sent (its input unreadable or changed, a request
    /// too large for a file) fails as it would live; one the budget cannot cover ends the
    /// submission (the run ends as aborted once the batches sent are collected).
    mutating func submit(from items: inout ItemQueue, progress: inout RunProgress, wanted: (String) -> Bool) async {
        var filling = Filling(
            builder: BatchFileBuilder(
                maximumRequests: spec.maximumRequestsPerFile, maximumBytes: spec.maximumBytesPerFile))
        while progress.ending == nil {
            if let reason = engine.stopReason {
                interrupt(&progress, reason)
                break
            }
            guard let next = nextItem(from: &items, &progress) else { break }
            let item = next.item
            guard engine.belongs(item.id), wanted(item.id), !recorded.contains(item.id) else { continue }
            guard case .request(let request, let sha256, let sent) = await prepare(next, &progress) else { continue }
            guard enqueue(request, sha256: sha256, sent: sent, customID: "vigil-\(next.index)", &filling, &progress)
            else { break }
            for file in filling.builder.takeFull() {
                guard await send(file, &filling.waiting, &progress) else { break }
            }
        }
        // What the budget let through is sent; after a stop or a failure it stays to do.
        if progress.ending == nil || progress.budgetExhausted {
            for file in filling.builder.files() where await send(file, &filling.waiting, &progress) == false { break }
        }
        for (_, held) in filling.waiting {
            if let reservation = held.reservation { engine.ledger.release(reservation) }
        }
    }

    /// The list's next item; nil at its end, or when it cannot be read on (the run fails).
    private func nextItem(from items: inout ItemQueue, _ progress: inout RunProgress) -> FrozenItems.Item? {
        do {
            return try items.next()
        } catch {
            progress.end(.failed("the run's items cannot be read on: \(error)"))
            return nil
        }
    }

    /// Reads the item as a live attempt would (the bytes sent, their sha256); an item whose
    /// input fails, or whose answer is cached (judged at once: it goes into no batch), is
    /// recorded here.
    private mutating func prepare(_ next: FrozenItems.Item, _ progress: inout RunProgress) async -> Prepared {
        let item = next.item
        if let problem = next.problem ?? next.changedRecord {
            record(.failure(ended(item, sha256: next.entry.sha256), problem), &progress)
            return .recorded
        }
        let fileURL = item.path.map { engine.job.paths.url($0) }
        var request = ItemRequest(item: item, fileURL: fileURL, prompt: engine.job.sources.promptText, attempt: 1)
        var sha256 = next.entry.sha256
        var sent: SentImage?
        if let fileURL, let path = item.path {
            do {
                // Images fitted to model.images as a live attempt fits them.
                let prepared = try await engine.inputPreparation.prepare(
                    fileURL, path: path, listed: next.entry.stamp)
                request.content = prepared.bytes
                sha256 = prepared.sha256
                sent = prepared.sent
            } catch {
                record(.failure(ended(item, sha256: error.sha256 ?? sha256), error.failure), &progress)
                return .recorded
            }
        }
        if let cache = engine.cache, let sha256,
            let answer = cache.answer(forKey: cache.keys.key(item: sha256), item: item.id)
        {
            var cached = ended(item, sha256: sha256, sent: sent)
            cached.cached = true
            cached.usage = answer.usage
            record(.judged(cached, engine.attempts.criteria.judge(answer)), &progress)
            return .recorded
        }
        return .request(request, sha256: sha256, sent: sent)
    }

    /// Reserves the request's worst case at the batch price and adds its body to a file.
    /// False when the budget cannot cover it: the submission ends there.
    private mutating func enqueue(
        _ request: ItemRequest, sha256: String?, sent: SentImage?, customID: String, _ filling: inout Filling,
        _ progress: inout RunProgress
    ) -> Bool {
        let item = request.item
        var reservation: SpendLedger.Reservation?
        if engine.ledger.isCapped {
            guard let granted = engine.ledger.reserveForBatch(bodies.inputSize(of: request)) else {
                record(.notSent(item), &progress)
                return false
            }
            reservation = granted
        }
        do {
            try filling.builder.add(customID: customID, body: try bodies.bodyBytes(for: request))
        } catch {
            if let reservation { engine.ledger.release(reservation) }
            let failure = (error as? ItemFailure) ?? ItemFailure(.input, "\(error)", isRetryable: false)
            record(.failure(ended(item, sha256: sha256, sent: sent), failure), &progress)
            return true
        }
        let entry = BatchJournal.Entry(
            customID: customID, id: item.id, path: item.path, sha256: sha256, sent: sent,
            reserved: reservation?.amount)
        filling.waiting[customID] = (entry, reservation)
        return true
    }

    /// Uploads one file, records it, creates its batch, records that: true when it runs.
    mutating func send(
        _ file: BatchFileBuilder.File,
        _ waiting: inout [String: (entry: BatchJournal.Entry, reservation: SpendLedger.Reservation?)],
        _ progress: inout RunProgress
    ) async -> Bool {
        guard progress.ending == nil || progress.budgetExhausted else { return false }
        uploads += 1
        let name = "\(engine.folder.runID)-\(journal.files.count + 1).jsonl"
        let entries = file.customIDs.compactMap { waiting[$0]?.entry }
        do {
            let fileID = try await retrying("uploading \(name) (\(entries.count) requests)") {
                [client] () async throws(BatchError) in try await client.upload(file.bytes, name: name)
            }
            try journal.recordUpload(file: fileID, entries: entries)
            let status = try await retrying("creating the batch over \(fileID)") {
                [client, engine] () async throws(BatchError) in
                try await client.create(inputFileID: fileID, metadata: ["vigil_run": engine.folder.runID])
            }
            try journal.recordBatch(status.id, file: fileID)
            var batch = OpenBatch(
                report: BatchReport(status, file: fileID), entries: entries, uploadedAt: Timestamp.now())
            for customID in file.customIDs {
                if let reservation = waiting.removeValue(forKey: customID)?.reservation {
                    batch.reservations[customID] = reservation
                }
            }
            engine.bus.publish(.batchSubmitted(batch.report))
            open.append(batch)
            publishInFlight(progress)
            return true
        } catch {
            // The file's items were not submitted (or the folder cannot say so): they stay
            // to do, and a resume looks the file up before sending anything again.
            interrupt(&progress, "\(error); its \(entries.count) items were not sent and stay to do")
            return false
        }
    }
}
