import Foundation
import JSONSchema
import Logging
import Synchronization

extension RunEngine {
    /// The run's items: all live, or (`model.batch`) the canary live and the rest through
    /// the endpoint's batch API once it passed.
    func processAll(_ start: RunProgress) async -> RunProgress {
        var pending = ItemQueue(
            list: folder.inputs, job: job, restamped: restamped, reference: start.reference?.waitingIDs ?? [])
        guard let spec = job.model.batch, let client = batchClient, let bodies = provider as? OpenAIProvider else {
            return await processItems(start, pending: &pending)
        }
        var progress = start
        guard let journal = openJournal(&progress) else { return progress }
        let cancelling = options.cancelsBatches
        if !cancelling {
            progress = await runCanary(progress, pending: &pending, journal: journal)
            // The canary failed (the run is aborted: no batch is created), the list ended
            // within it, or it failed with action warn and every item ran live.
            guard progress.ending == nil, !progress.stopNow, progress.monitor.earlyPassed == true,
                progress.referenceJudged
            else {
                return progress
            }
        }
        var phase = BatchPhase(
            engine: self, client: client, journal: journal, spec: spec, bodies: bodies, cancelling: cancelling)
        await phase.run(&progress, pending: &pending)
        if cancelling && progress.ending == nil && progress.counts.completed < progress.counts.total {
            progress.end(
                .interrupted(
                    "vigil cancel: the run's batches were cancelled and what they finished was recorded; \(progress.counts.total - progress.counts.completed) items stay to do (vigil resume sends them)"
                ))
        }
        return progress
    }

    /// `batches.jsonl`; nil (the run interrupted) when it cannot be read or written.
    private func openJournal(_ progress: inout RunProgress) -> BatchJournal? {
        do {
            return try BatchJournal(url: folder.batches)
        } catch {
            options.logger.critical("\(error)")
            progress.end(
                .interrupted("batches.jsonl cannot be read or written: \(error); fix that, then resume the run"))
            return nil
        }
    }

    /// The live canary: items run live until the early check passes (the rest then goes to
    /// the batch API). One that fails with action warn runs every item live, and says so once.
    private func runCanary(_ progress: RunProgress, pending: inout ItemQueue, journal: BatchJournal) async
        -> RunProgress
    {
        var toldLive = false
        return await processItems(
            progress, pending: &pending,
            handsOff: { progress in
                if progress.monitor.earlyPassed == false && !toldLive {
                    toldLive = true
                    self.options.logger.warning(
                        "the canary did not pass the early check (action: warn): the rest of the items run live, at the live price, not in a batch"
                    )
                }
                // The reference items, too, are judged live before the rest goes to a batch.
                return progress.monitor.earlyPassed == true && progress.referenceJudged
            },
            skipping: BatchPhase.itemsInOpenBatches(journal))
    }

    /// Why the run is stopping, if it is: a stop request, or the task's cancellation.
    var stopReason: String? {
        if let reason = stopRequest.current { return reason }
        return Task.isCancelled ? "stopped at once" : nil
    }

    /// Waits `seconds`, or less when a stop is requested.
    func sleepUnlessStopped(seconds: Double) async {
        try? await stopRequest.sleep(for: .milliseconds(Int64(seconds * 1000)))
    }

    /// The endpoint's batch API, when the job asks for it.
    static func batchClient(for job: JobSpec, provider: any ModelProvider, environment: [String: String]) throws
        -> BatchClient?
    {
        guard job.model.batch != nil else { return nil }
        guard case .openAI(let baseURL, _, let keyVariable) = job.model.provider, provider is OpenAIProvider,
            let key = Secret(environmentVariable: keyVariable, in: environment)
        else {
            throw ProviderUnavailable(
                message: "model.batch needs provider: openai with its key set (model.api_key_env)")
        }
        return BatchClient(
            baseURL: baseURL, keyVariable: keyVariable, key: key, timeout: job.model.timeout?.duration ?? .seconds(300))
    }
}
