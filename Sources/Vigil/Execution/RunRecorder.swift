import Foundation
import JSONSchema
import Logging

/// Records each ended item in the order the run's promise needs: its event, flushed to the
/// log (the log is the run's record: an item whose event did not reach it is not done);
/// then its line in results.jsonl or failed.jsonl (a resume writes it from the event if
/// this write is lost); then the counts and the thresholds; a checkpoint every
/// `checkpoint.every` items. A write that fails ends the run as interrupted (resumable):
/// going on would spend model calls on results that cannot be kept.
struct RunRecorder: Sendable {
    let bus: EventBus
    let outputs: RunOutputs
    let folder: RunFolder
    let checkpointEvery: Int
    /// For the message of a run that gave up on an unreachable model.
    let giveUpAfter: JobDuration
    let logger: Logger

    /// Records one ended item into `progress` (and decides the run's ending when the item
    /// or a threshold does).
    func record(_ outcome: ItemOutcome, _ progress: inout RunProgress) {
        let decision: ConsumerDecision
        let judged: Bool?
        switch outcome {
        case .cancelled:
            return
        case .gaveUp(_, let outage):
            progress.stopNow = true
            progress.end(
                .interrupted(
                    "the model has been unreachable for \(Int(outage)) s, longer than breaker.give_up_after (\(giveUpAfter)); resume the run when it is back"
                ))
            return
        case .notSent:
            // The budget's verdict is written when the run ends (`RunEngine.finish`), with
            // what was spent by then; those in flight end first (they are paid for).
            progress.end(.aborted(Verdict(check: nil, message: "the budget is exhausted", stopsAtOnce: false)))
            return
        case .success(let ended, let box):
            guard let published = recordSuccess(ended, result: box.value, &progress) else { return }
            (decision, judged) = (published, true)
        case .failure(let ended, let failure):
            guard let published = recordFailure(ended, failure, &progress) else { return }
            // Only a quality failure says something about the job: availability ones are not judged.
            (decision, judged) = (published, failure.kind.isQuality ? false : nil)
        }
        if case .abort(let reason) = decision {
            progress.end(.aborted(Verdict(check: nil, message: reason)))
        }
        if let judged { applyThresholds(success: judged, runTally: outcome.ended?.runTally, &progress) }
        judgeReference(outcome, &progress)
        if case .success(_, let box) = outcome, let findings = progress.fill?.record(box.value) {
            publish(findings, &progress)
        }
        if progress.counts.completed % max(1, checkpointEvery) == 0 {
            saveCheckpoint(progress)
        }
    }

    /// A success: its event, then its line in results.jsonl (`recordEnd`).
    private func recordSuccess(_ ended: EndedItem, result: JSONValue, _ progress: inout RunProgress)
        -> ConsumerDecision?
    {
        recordEnd(ended, .itemCompleted(ended.report, result: result), succeeded: true, &progress) {
            try outputs.recordSuccess(
                ended.item, sha256: ended.sha256, sent: ended.sent, result: result, usage: ended.usage,
                spend: ended.recordedSpend)
        }
    }

    /// A failure: its event, then its line in failed.jsonl; a failure that stops the run (a
    /// refused key) ends it as aborted.
    private func recordFailure(_ ended: EndedItem, _ failure: ItemFailure, _ progress: inout RunProgress)
        -> ConsumerDecision?
    {
        let decision = recordEnd(ended, .itemFailed(ended.report, failure: failure), succeeded: false, &progress) {
            try outputs.recordFailure(
                ended.item, sha256: ended.sha256, sent: ended.sent, attempts: ended.attempts, failure: failure,
                usage: ended.usage, spend: ended.recordedSpend)
        }
        if decision != nil, failure.stopsRun { progress.end(.aborted(Verdict(check: nil, message: failure.message))) }
        return decision
    }

    /// The item's end event, flushed to the log (nil when it cannot be written: the item is
    /// not done, and the run stops), then the counts and its `line`. What the consumers decided.
    private func recordEnd(
        _ ended: EndedItem, _ event: RunEvent.Kind, succeeded: Bool, _ progress: inout RunProgress,
        line: () throws -> Void
    ) -> ConsumerDecision? {
        let decision = bus.publish(event)
        guard persist(&progress, { try bus.flush() }) else { return nil }
        if succeeded { progress.counts.succeeded += 1 } else { progress.counts.failed += 1 }
        progress.add(ended)
        persist(&progress, line)
        return decision
    }

    /// Counts a judged item in the thresholds, and publishes what they found: a checkpoint
    /// passed, a warning (said on screen too), or a failed check (the run is aborted).
    private func applyThresholds(success: Bool, runTally: ThresholdTally?, _ progress: inout RunProgress) {
        publish(runTally.map { progress.monitor.judge($0) } ?? progress.monitor.record(success: success), &progress)
    }

    /// A reference item's end, held against its known answer; the verdict, when this one
    /// decided it: `reference.checked`, then as a threshold check (an abort ends the run).
    private func judgeReference(_ outcome: ItemOutcome, _ progress: inout RunProgress) {
        guard let id = outcome.ended?.item.id, let ended = outcome.answer,
            let report = progress.reference?.record(id, ended)
        else { return }
        bus.publish(.referenceChecked(report))
        publish([ThresholdMonitor.Finding(report.check)], &progress, saying: report.message)
    }

    /// Publishes what threshold checks found: a checkpoint passed, a warning (said on
    /// screen too), or a failed check (the run is aborted). `saying`: the verdict in full,
    /// when the check's own sentence is not all of it.
    private func publish(_ findings: [ThresholdMonitor.Finding], _ progress: inout RunProgress, saying: String? = nil) {
        for finding in findings {
            switch finding {
            case .passed(let check):
                bus.publish(.validationCheckpoint(check))
            case .warning(let check):
                bus.publish(.validationWarning(check))
                logger.warning("\(saying ?? check.sentence); continuing (action: warn)")
            case .failed(let check):
                bus.publish(.validationFailed(check))
                progress.end(.aborted(Verdict(check: check, message: saying ?? check.sentence)))
            }
        }
    }

    /// Runs one write to the run folder. If it fails (a full disk, a folder removed), the
    /// run stops at once as interrupted; what was written stays, and `vigil resume` goes
    /// on once the cause is fixed.
    @discardableResult
    func persist(_ progress: inout RunProgress, _ write: () throws -> Void) -> Bool {
        do {
            try write()
            return true
        } catch {
            let first = !progress.stopNow
            progress.stopNow = true
            progress.end(.interrupted("\(error); the run stopped: fix that (free disk space), then resume it"))
            // Said once: the same failure comes back from every later write.
            if first { logger.critical("\(error)") }
            return false
        }
    }

    /// `checkpoint.json`: counts and the last event number (informative: a resume reads
    /// the appended files, which are the truth).
    func saveCheckpoint(_ progress: RunProgress) {
        do {
            try Checkpoint(run: folder.runID, counts: progress.counts, lastSequence: bus.lastSequence).write(
                to: folder.checkpoint)
            bus.publish(.checkpointSaved(completed: progress.counts.completed))
        } catch {
            logger.error("cannot save the checkpoint: \(error)")
        }
    }
}
