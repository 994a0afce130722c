import Foundation
import JSONSchema

/// The first step of a run, before any engine exists: the run folder staged under a hidden
/// name, locked, the copies of the job and prompt (the bytes validation checked), the
/// frozen item list (`inputs.jsonl`, by listing and `stat`: no input is read), and the
/// first manifest; then the folder is published under its run id. `RunEngine(job:setup:)`
/// runs what it prepared. (A resumed run is prepared by `RunSetup.resuming`.)
public struct RunSetup: Sendable {
    /// The run folder, published.
    public let folder: RunFolder
    /// Held until the run ends: no second process can run this folder.
    let lock: RunLock
    /// The manifest as written at the start (`running`).
    public let manifest: RunManifest
    /// What a resumed run had done before (nil for a new run).
    let history: RunHistory?
    /// When set, the only items of the list that belong to the run.
    let only: Set<String>?
    /// Files whose stamps changed after listing, with their stamps now, that a resume was
    /// allowed past (`--allow-drift`): they are sent as they are now.
    let restamped: [String: FileStamp]
    /// libvips's program, when the job converts images and this machine has it.
    let imageConverter: ImageConverter?

    init(
        folder: RunFolder, lock: RunLock, manifest: RunManifest, history: RunHistory?, only: Set<String>?,
        restamped: [String: FileStamp] = [:], imageConverter: ImageConverter?
    ) {
        self.imageConverter = imageConverter
        self.folder = folder
        self.lock = lock
        self.manifest = manifest
        self.history = history
        self.only = only
        self.restamped = restamped
    }

    /// Sets up a new run of `job`.
    /// - Parameters:
    ///   - canary: run only the first N items (`vigil run --canary N`).
    ///   - wholeSet: with a canary, how many items the whole input set holds (its projection
    ///     is for them); counted here when not given.
    ///   - lineage: the run this one reproduces or retries (`vigil rerun`,
    ///     `vigil run --retry-failed`).
    ///   - shard: one shard of a sharded run (`vigil run --shard`), with the run id its
    ///     shards share: its folder is `<name>/<run-id>/shard-I-of-N`, and it runs the items
    ///     whose id hashes to it.
    public static func newRun(
        of job: JobSpec, canary: Int? = nil, wholeSet: Int? = nil, lineage: RunLineage? = nil,
        shard: (shard: Shard, runID: String)? = nil
    ) async throws -> RunSetup {
        // Asked while the folder is made and the inputs listed: starting libvips to ask its
        // version takes about 50 ms, which would otherwise come before the first request.
        async let foundConverter = imageConverter(for: job)
        // The bytes validation checked, not the files read again (they may have changed).
        let promptData = Data(job.sources.prompt)
        let jobData = Data(job.sources.job)
        let staging =
            try shard.map {
                try RunFolder.create(under: job.outputDirectory, jobName: job.name, runID: $0.runID, shard: $0.shard)
            }
            ?? RunFolder.create(under: job.outputDirectory, jobName: job.name)
        // The lock is on the file itself, so it holds across the rename below.
        let lock = try RunLock(folder: staging.url)
        try AtomicFile.write(jobData, to: staging.jobCopy)
        try AtomicFile.write(promptData, to: staging.promptCopy(named: job.promptFile.lastPathComponent))
        let source = InputSource(folder: job.folder, specs: job.inputs, limit: canary)
        let (total, inputsDigest, wholeDigest) = try InputsList.write(
            source, only: lineage?.only, shard: shard?.shard, to: staging.inputs)
        var manifest = await firstManifest(
            of: job, runID: staging.runID, lineage: lineage, inputs: (total, inputsDigest), canary: canary)
        let converter = await foundConverter
        manifest.images = imagesRecord(of: job, converter: converter)
        if canary != nil {
            manifest.canaryOf =
                try wholeSet ?? InputSource(folder: job.folder, specs: job.inputs, checksDuplicateIDs: false).count()
        }
        if let shard {
            manifest.shard = shard.shard
            manifest.wholeInputsSHA256 = wholeDigest
            // No coordinator shares the caps: this shard keeps its part of them.
            manifest.shardShare = ShardShare.kept(by: job, among: shard.shard.count)
        }
        try manifest.write(to: staging.manifest)
        let folder = try staging.publish()
        return RunSetup(
            folder: folder, lock: lock, manifest: manifest, history: nil, only: lineage?.only,
            imageConverter: converter)
    }

    /// libvips's `vipsthumbnail`, looked for only when the job may convert images (a model
    /// that is sent the files' bytes, `model.images` not `original`).
    /// (Records alone are never images: no libvips is started to ask its version, about 50 ms.)
    public static func imageConverter(for job: JobSpec) async -> ImageConverter? {
        let readsFiles = job.inputs.contains { if case .glob = $0 { true } else { false } }
        guard job.model.images?.fit != nil, readsFiles else { return nil }
        return await ImageConverter.find(
            path: ProcessInfo.processInfo.environment["PATH"], workingFolder: job.folder)
    }

    /// The manifest's `images`: the settings, and the libvips that converts (null: none here).
    static func imagesRecord(of job: JobSpec, converter: ImageConverter?) -> JSONValue? {
        guard let images = job.model.images, case .object(var record) = images.json else { return nil }
        record["libvips"] = converter.map { .string($0.version) } ?? .null
        return .object(record)
    }

    /// The manifest a new run starts with (status `running`): what it runs, pinned by the
    /// bytes validation checked, and where it came from.
    private static func firstManifest(
        of job: JobSpec, runID: String, lineage: RunLineage?, inputs: (count: Int, sha256: String), canary: Int?
    ) async -> RunManifest {
        let promptData = Data(job.sources.prompt)
        let jobData = Data(job.sources.job)
        let jobPath = lineage?.jobPath ?? job.file.path
        var manifest = RunManifest(
            runID: runID, status: .running, jobPath: jobPath,
            jobSHA256: FileDigest.sha256(of: jobData),
            git: await GitInfo.state(of: URL(fileURLWithPath: jobPath)), spec: job.document,
            promptPath: lineage?.promptPath ?? job.promptFile.path,
            promptSHA256: FileDigest.sha256(of: promptData),
            successSchema: job.sources.successSchema.map {
                RunManifest.PinnedFile(path: $0.url.path, sha256: $0.sha256)
            },
            model: job.model.manifestDescription, inputCount: inputs.count, inputsSHA256: inputs.sha256,
            canary: canary, startedAt: Timestamp.now(), endedAt: nil,
            counts: RunCounts(total: inputs.count, succeeded: 0, failed: 0), verdict: nil)
        manifest.reference = job.sources.reference.map {
            ["file": .string($0.url.path), "sha256": .string($0.sha256)]
        }
        manifest.origin = lineage?.origin
        manifest.drift = lineage?.drift ?? []
        return manifest
    }
}
