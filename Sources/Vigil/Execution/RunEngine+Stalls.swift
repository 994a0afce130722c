import Foundation
import Logging
import Synchronization

extension RunEngine {
    /// `thresholds.stall`: when no item has succeeded for `no_success_for` (an endpoint
    /// answering 429 for hours, a program that hangs), says so as a threshold does
    /// (`validation.warning`, to every consumer: a webhook too), or aborts the run. Once per
    /// stall: a success re-arms it. Not while every item left waits in a provider batch.
    func watchForStalls(_ stall: ThresholdSpec.Stall) async {
        let limit = stall.noSuccessFor.seconds
        var warnedAbout: Double?
        while !Task.isCancelled {
            let (lastSuccess, waiting, judged) = snapshot.withLock {
                ($0.lastSuccess, $0.waitingOnBatches, $0.counts.completed)
            }
            let quiet = Timestamp.now() - lastSuccess
            if quiet >= limit, !waiting, warnedAbout != lastSuccess {
                warnedAbout = lastSuccess
                let check = ThresholdCheck(
                    check: "stall", completed: judged, value: quiet, limit: limit, passed: false,
                    action: stall.action.rawValue)
                if stall.action == .abort {
                    bus.publish(.validationFailed(check))
                    abortRequest.withLock { $0 = $0 ?? Verdict(check: check, message: check.sentence) }
                    stopSignal.yield()
                } else {
                    bus.publish(.validationWarning(check))
                    options.logger.warning("\(check.sentence); continuing (action: warn)")
                }
            }
            // Checked often enough to speak within a tenth of the limit (at least every 5 s).
            let wait = max(0.05, min(5, limit / 10, max(0.05, limit - quiet)))
            try? await Task.sleep(for: .milliseconds(Int64(wait * 1000)))
        }
    }
}
