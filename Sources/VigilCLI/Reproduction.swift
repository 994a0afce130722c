import ArgumentParser
import Foundation
import Vigil

/// `vigil rerun` and `vigil run --retry-failed`: a new run from a recorded one's job and
/// prompt copies, after checking every pin it recorded.
enum Reproduction {
    static func run(
        _ kind: RunManifest.Origin.Kind, of path: String, allowDrift: Bool, quiet: Bool, cache: CacheFlags,
        stops: StopRequests
    ) async throws {
        let (recorded, spec) = try RunSession.openRecorded(path)
        let drift =
            PinCheck.drift(of: recorded, job: spec, for: .rerun)
            + PinCheck.libvipsDrift(of: recorded.manifest, converter: await RunSetup.imageConverter(for: spec))
        if !drift.isEmpty {
            RunSession.report(drift, allowed: allowDrift)
            if !allowDrift {
                // The drift was just listed under "error: ..."; this line finishes it.
                Console.error(
                    "nothing was run. Restore what changed, or pass --allow-drift to run anyway (the drift is recorded in the new manifest)."
                )
                throw CommandFailure.exit(.drift)
            }
        }
        let lineage = try await CommandFailure.context("cannot read run \(recorded.manifest.runID)") {
            try RunLineage(kind, of: recorded, drift: drift)
        }
        if kind == .retryFailed && lineage.only?.isEmpty == true {
            Console.error("run \(recorded.manifest.runID) has no failed items; nothing to retry")
            return
        }
        let logger = RunSession.logger(for: spec)
        let engine = try await CommandFailure.context("cannot start the run") {
            try RunEngine(
                job: spec,
                setup: try await RunSetup.newRun(of: spec, canary: recorded.manifest.canary, lineage: lineage),
                options: cache.options(for: spec, logger: logger))
        }
        let what = kind == .rerun ? "rerun of" : "retry of the failed items of"
        Console.error("run \(engine.folder.runID): \(what) \(recorded.manifest.runID) -> \(engine.folder.url.path)")
        try await RunSession.execute(engine, spec: spec, quiet: quiet, stops: stops)
    }
}
