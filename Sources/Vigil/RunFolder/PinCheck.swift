import Foundation
import JSONSchema

/// Compares what a run pinned in its manifest with the world now: the job (the run
/// folder's copy, and for a rerun the original file), the prompt, the success schema, every
/// input by sha256, the model and its parameters, and the Vigil version.
public enum PinCheck {
    /// What the pins are checked for.
    public enum Purpose: Sendable {
        /// Continuing the same run: the copies it runs from, the inputs, the schema, the tool.
        case resume
        /// Reproducing it: all of that, and the original job and prompt files too (a change
        /// there means the job in git is no longer the one that ran).
        case rerun
    }

    /// Every drift found (empty: the run can be continued or reproduced as pinned).
    /// `job` is the run's job as `RecordedRun.loadJob` loaded it.
    public static func drift(of run: RecordedRun, job: JobSpec, for purpose: Purpose) -> [Drift] {
        check(run, job: job, for: purpose).drift
    }

    /// A run whose images libvips converted, against this machine's libvips: another major
    /// version may render them differently, and without one they cannot be converted at all.
    /// (`converter`: this machine's, as `RunSetup.imageConverter` finds it.)
    public static func libvipsDrift(of manifest: RunManifest, converter: ImageConverter?) -> [Drift] {
        guard let recorded = manifest.images?["libvips"]?.stringValue else { return [] }
        guard let now = converter?.version else {
            return [
                Drift(
                    .model,
                    "libvips \(recorded) converted the run's images; this machine has no libvips: \(ImageConverter.installHint)"
                )
            ]
        }
        func major(_ version: String) -> Substring { version.split(separator: ".").first ?? "" }
        guard major(recorded) != major(now) else { return [] }
        return [
            Drift(
                .model,
                "libvips \(recorded) converted the run's images; this machine has libvips \(now), another major version"
            )
        ]
    }

    /// The drift, and the listed files whose stamps changed with their stamps now (what a
    /// resume allowed past the drift sends as it is now), from one pass over the inputs.
    static func check(_ run: RecordedRun, job: JobSpec, for purpose: Purpose) -> (
        drift: [Drift], restamped: [String: FileStamp]
    ) {
        let manifest = run.manifest
        var drift: [Drift] = []
        // The copies the run reads: changed only by hand, but then not the run any more.
        // (The job's copy was read once, to load `job`: its bytes are hashed here.)
        let jobCopySHA = FileDigest.sha256(of: job.sources.job)
        if jobCopySHA != manifest.jobSHA256 {
            drift.append(
                Drift(
                    .job,
                    "the run folder's job.yaml was changed since the run: sha256 \(shortDigest(manifest.jobSHA256)) -> \(shortDigest(jobCopySHA))"
                ))
            drift += specChanges(from: manifest.spec, to: job.document, excludingModel: true)
        }
        let promptCopySHA = FileDigest.sha256(of: run.promptCopy)
        if promptCopySHA != manifest.promptSHA256 {
            drift.append(
                Drift(
                    .prompt,
                    "the run folder's prompt copy \(run.promptCopy.lastPathComponent) was changed since the run: sha256 \(shortDigest(manifest.promptSHA256)) -> \(shortDigest(promptCopySHA))"
                ))
        }
        if purpose == .rerun {
            drift += originalJobDrift(manifest)
            drift += fileDrift(.prompt, "prompt file", path: manifest.promptPath, pinned: manifest.promptSHA256)
        }
        if let schema = manifest.successSchema {
            drift += fileDrift(.schema, "success schema", path: schema.path, pinned: schema.sha256)
        }
        if let path = manifest.reference?["file"]?.stringValue, let pinned = manifest.reference?["sha256"]?.stringValue
        {
            drift += fileDrift(.reference, "reference file", path: path, pinned: pinned)
        }
        drift += JSONDiff.changes(from: manifest.model, to: job.model.manifestDescription, at: "model").map {
            Drift(.model, $0)
        }
        if manifest.toolVersion != VigilVersion.current {
            drift.append(
                Drift(.tool, "Vigil \(manifest.toolVersion) made the run; this is Vigil \(VigilVersion.current)"))
        }
        let inputs = inputDrift(run, job: job, for: purpose)
        return (drift + inputs.drift, inputs.restamped)
    }

    private static func originalJobDrift(_ manifest: RunManifest) -> [Drift] {
        let path = manifest.jobPath
        guard let sha = FileDigest.sha256(of: URL(fileURLWithPath: path)) else {
            return [Drift(.job, "job file \(path) no longer exists (the run's copy is in the run folder)")]
        }
        guard sha != manifest.jobSHA256 else { return [] }
        var drift = [
            Drift(
                .job,
                "job file \(path) changed since the run: sha256 \(shortDigest(manifest.jobSHA256)) -> \(shortDigest(sha))"
            )
        ]
        if let now = try? YAMLLoader().load(contentsOf: path).json {
            drift += specChanges(from: manifest.spec, to: now, excludingModel: false)
        }
        return drift
    }

    /// `model.parameters.temperature 0 -> 0.7` lines, model ones as model drift.
    private static func specChanges(from old: JSONValue, to new: JSONValue, excludingModel: Bool) -> [Drift] {
        JSONDiff.changes(from: old, to: new).compactMap { line in
            let isModel = line.hasPrefix("model.") || line.hasPrefix("model ")
            if isModel && excludingModel { return nil }
            return Drift(isModel ? .model : .job, line)
        }
    }

    private static func fileDrift(_ kind: Drift.Kind, _ what: String, path: String, pinned: String) -> [Drift] {
        guard let sha = FileDigest.sha256(of: URL(fileURLWithPath: path)) else {
            return [Drift(kind, "\(what) \(path) no longer exists")]
        }
        return sha == pinned
            ? []
            : [
                Drift(
                    kind, "\(what) \(path) changed since the run: sha256 \(shortDigest(pinned)) -> \(shortDigest(sha))")
            ]
    }

    /// Enumerates the job's inputs now and compares each with `inputs.jsonl`. The two are
    /// walked in step while their ids agree (the usual case: memory stays flat); from the
    /// first disagreement, the rest of both are compared by id. Files are compared by
    /// `stat` (size and modification time) first: no file is read when nothing changed.
    /// One whose stamp changed is read and compared with the sha256 the run recorded when it
    /// sent it: touched, or copied in place, with the same bytes is no drift. A file the run
    /// never sent has no content pin: for a rerun it is none of the run's business; for a
    /// resume, which will send it, its size is (the input set's digest covers sizes), and its
    /// stamp now is what the resume reads it against.
    static func inputDrift(_ run: RecordedRun, job: JobSpec, for purpose: Purpose) -> (
        drift: [Drift], restamped: [String: FileStamp]
    ) {
        let source = InputSource(folder: job.folder, specs: job.inputs, limit: run.manifest.canary)
        let paths = source.paths
        var current = source.makeIterator()
        var recorded = InputsList.Reader(run.folder.inputs)
        let only: Set<String>?
        do {
            only = try run.itemFilter()
        } catch {
            return ([Drift(.input, "the run's list of inputs cannot be read: \(error)")], [:])
        }
        var drift: [Drift] = []
        // Files whose stamp changed, to compare by content.
        var byContent: [(old: InputsList.Entry, now: InputsList.Entry)] = []
        func compare(_ old: InputsList.Entry, _ now: InputsList.Entry) {
            switch change(old, now, paths: paths) {
            case .same: break
            case .drift(let found): drift.append(found)
            case .byContent: byContent.append((old, now))
            }
        }
        // Entries not matched in step, by id (and the order the current ones came in).
        var recordedRest: [String: InputsList.Entry] = [:]
        var currentRest: [String: InputsList.Entry] = [:]
        var currentOrder: [String] = []
        do {
            while let item = try current.next() {
                if let only, !only.contains(item.id) { continue }
                // A shard listed only its own items.
                if let shard = run.manifest.shard, !shard.contains(item.id) { continue }
                let now = InputsList.Entry(item, paths: paths)
                if currentRest.isEmpty, let old = try recorded.next() {
                    if old.id == now.id {
                        compare(old, now)
                        continue
                    }
                    recordedRest[old.id] = old
                }
                currentRest[now.id] = now
                currentOrder.append(now.id)
            }
            while let old = try recorded.next() { recordedRest[old.id] = old }
        } catch let problem as ManifestProblem {
            return (drift + [Drift(.input, "the run's list of inputs cannot be read: \(problem)")], [:])
        } catch {
            return (drift + [Drift(.input, "inputs[\(current.currentInput)]: \(error)")], [:])
        }
        for id in currentOrder {
            let now = currentRest[id]!
            if let old = recordedRest.removeValue(forKey: id) {
                compare(old, now)
            } else {
                drift.append(Drift(.input, "input \(now.name) was added since the run"))
            }
        }
        for old in recordedRest.values.sorted(by: { $0.id < $1.id }) {
            drift.append(Drift(.input, "input \(old.name) was removed since the run"))
        }
        let restamped = Dictionary(
            uniqueKeysWithValues: byContent.compactMap { old, now in now.stamp.map { (old.id, $0) } })
        return (drift + contentDrift(byContent, run: run, paths: paths, for: purpose), restamped)
    }

    private enum Change {
        case same
        case drift(Drift)
        /// The stamp changed; the content decides (`contentDrift`).
        case byContent
    }

    private static func change(_ old: InputsList.Entry, _ now: InputsList.Entry, paths: PathResolver) -> Change {
        if old.path == nil {
            guard old.sha256 != now.sha256 else { return .same }
            return .drift(
                Drift(
                    .input, "input \(old.name) changed: sha256 \(shortDigest(old.sha256)) -> \(shortDigest(now.sha256))"
                ))
        }
        if let listed = old.stamp, let stamp = now.stamp {
            return listed == stamp ? .same : .byContent
        }
        // A list from before stamps holds each file's sha256.
        let digest = now.path.flatMap { FileDigest.sha256(of: paths.url($0)) }
        guard old.sha256 != digest else { return .same }
        return .drift(
            Drift(.input, "input \(old.name) changed: sha256 \(shortDigest(old.sha256)) -> \(shortDigest(digest))"))
    }

    /// Reads each restamped file and compares it with the sha256 the run recorded on the
    /// item's line when it sent it. A file the run never sent has no content pin; a resume,
    /// which is about to send it, refuses one whose size changed (the input set's digest
    /// covers sizes).
    private static func contentDrift(
        _ restamped: [(old: InputsList.Entry, now: InputsList.Entry)], run: RecordedRun, paths: PathResolver,
        for purpose: Purpose
    ) -> [Drift] {
        guard !restamped.isEmpty else { return [] }
        let wanted = Set(restamped.map(\.old.id))
        var sent: [String: String] = [:]
        for url in [run.folder.results, run.folder.failed] {
            _ = try? AppendedLines.read(url, repair: false) { line, _ in
                if let id = line["id"]?.stringValue, wanted.contains(id), let sha = line["sha256"]?.stringValue {
                    sent[id] = sha
                }
            }
        }
        return restamped.compactMap { old, now in
            guard let pinned = sent[old.id] else {
                guard purpose == .resume, let listed = old.stamp, let stamp = now.stamp, listed.size != stamp.size
                else { return nil }
                return Drift(.input, "input \(old.name) changed since the run listed it (\(listed.change(to: stamp)))")
            }
            let digest = now.path.flatMap { FileDigest.sha256(of: paths.url($0)) }
            guard digest != pinned else { return nil }
            return Drift(
                .input,
                "input \(old.name) changed since the run sent it: sha256 \(shortDigest(pinned)) -> \(shortDigest(digest))"
            )
        }
    }
}
