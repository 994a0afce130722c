import Crypto
public import Foundation

/// One of the N parts of a run that runs as N tasks of a scheduler (a Slurm array, a
/// Kubernetes Indexed Job, a CI matrix): the items whose id hashes to it. The hash is of the
/// id alone, so the split is the same on every machine, in every rerun, whatever order the
/// inputs are listed in, and every item is in exactly one shard.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// Which shard, from 0 to `count - 1` (Slurm's and Kubernetes' index).
    public var index: Int
    /// How many shards the run has.
    public var count: Int

    /// Shard `index` of `count` (0 ≤ index < count).
    public init?(index: Int, count: Int) {
        guard count >= 1, (0..<count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// `2/4`.
    public var description: String { "\(index)/\(count)" }
    /// The shard's folder in the run's folder: `shard-2-of-4`.
    public var folderName: String { "shard-\(index)-of-\(count)" }

    /// The item `id` is this shard's.
    public func contains(_ id: String) -> Bool { Self.index(of: id, among: count) == index }

    /// The shard an id belongs to: the first 8 bytes of its sha256, modulo `count`.
    public static func index(of id: String, among count: Int) -> Int {
        let digest = SHA256.hash(data: Data(id.utf8))
        let prefix = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int(prefix % UInt64(count))
    }

    /// A shard argument that cannot be used, with how to write it.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        /// What is wrong and what to give instead.
        public var description: String
    }

    /// `--shard I/N`, or `--shard auto` read from the scheduler's variables:
    /// `SLURM_ARRAY_TASK_ID` with `SLURM_ARRAY_TASK_COUNT` (or `_MIN`/`_MAX`), a Kubernetes
    /// Indexed Job's `JOB_COMPLETION_INDEX` with `shards` (`--shards N`), or a CI matrix's
    /// `CI_NODE_INDEX`/`CI_NODE_TOTAL` (GitLab's: from 1).
    public static func resolve(
        _ argument: String, shards: Int? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Problem) -> Shard {
        func number(_ name: String) -> Int? {
            environment[name].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        }
        if argument != "auto" {
            let parts = argument.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
                throw Problem(description: "--shard \(argument) is not I/N (e.g. 0/4, the first of four) or auto")
            }
            guard let shard = Shard(index: index, count: count) else {
                throw Problem(
                    description:
                        "--shard \(argument): the index must be from 0 to N-1 (\(max(count - 1, 0)) here) and N at least 1"
                )
            }
            return shard
        }
        if let id = number("SLURM_ARRAY_TASK_ID") {
            if let count = number("SLURM_ARRAY_TASK_COUNT"),
                let shard = Shard(index: id - (number("SLURM_ARRAY_TASK_MIN") ?? 0), count: count)
            {
                return shard
            }
            if let min = number("SLURM_ARRAY_TASK_MIN"), let max = number("SLURM_ARRAY_TASK_MAX"),
                let shard = Shard(index: id - min, count: max - min + 1)
            {
                return shard
            }
            throw Problem(
                description:
                    "--shard auto: SLURM_ARRAY_TASK_ID is \(id) but SLURM_ARRAY_TASK_COUNT (or _MIN and _MAX) does not place it; submit with sbatch --array=0-N"
            )
        }
        if let index = number("JOB_COMPLETION_INDEX") {
            guard let shards, let shard = Shard(index: index, count: shards) else {
                throw Problem(
                    description:
                        "--shard auto in a Kubernetes Indexed Job (JOB_COMPLETION_INDEX=\(index)) also needs --shards N, the Job's completions"
                )
            }
            return shard
        }
        if let node = number("CI_NODE_INDEX"), let total = number("CI_NODE_TOTAL") {
            guard let shard = Shard(index: node - 1, count: total) else {
                throw Problem(
                    description: "--shard auto: CI_NODE_INDEX \(node) is not from 1 to CI_NODE_TOTAL \(total)")
            }
            return shard
        }
        throw Problem(
            description:
                "--shard auto found no scheduler: set by Slurm (SLURM_ARRAY_TASK_ID), a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with --shards N) or a CI matrix (CI_NODE_INDEX, CI_NODE_TOTAL); or give --shard I/N"
        )
    }

    /// The run id the shards share: `--run-id`, or one derived from the scheduler's job
    /// (`slurm-<SLURM_ARRAY_JOB_ID>`, `ci-<CI_PIPELINE_ID>-<CI_JOB_NAME>`); nil when there is
    /// none to derive (then the run id must be given).
    public static func sharedRunID(
        _ explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Problem) -> String {
        if let explicit {
            guard !explicit.isEmpty,
                explicit.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }),
                !explicit.hasPrefix(".")
            else {
                throw Problem(
                    description: "--run-id \(explicit): use letters, digits, '.', '_' and '-' (it names a folder)")
            }
            return explicit
        }
        if let job = environment["SLURM_ARRAY_JOB_ID"], !job.isEmpty { return "slurm-\(job)" }
        if let pipeline = environment["CI_PIPELINE_ID"], !pipeline.isEmpty {
            let name = (environment["CI_JOB_NAME"] ?? "job").map { $0.isLetter || $0.isNumber ? $0 : "-" }
            return "ci-\(pipeline)-\(String(name).split(separator: " ").first.map(String.init) ?? "job")"
        }
        throw Problem(
            description:
                "the shards of a run share its run id: give --run-id ID (the same for every shard; under Slurm it is derived from SLURM_ARRAY_JOB_ID)"
        )
    }
}
