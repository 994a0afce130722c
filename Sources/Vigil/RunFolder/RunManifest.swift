import Foundation
public import JSONSchema

/// `manifest.json`: what ran, how it ended, and digests of everything it produced, so a
/// run can be checked and reproduced months later. Written atomically at the start
/// (status `running`), after a resume, and at the end. Never holds a secret: the model's
/// key is named by its variable only.
public struct RunManifest: Sendable {
    /// The run's id (`20261123-180000-4f2a`, or a sharded run's shared id): its folder's name.
    public var runID: String
    /// `running`, `completed`, `aborted`, `failed` or `interrupted`.
    public var status: RunStatus
    /// The job file that was run (for a rerun, the original).
    public var jobPath: String
    /// The sha256 of the job bytes that were checked and run.
    public var jobSHA256: String
    /// The job's git commit and whether its tree was dirty (nil: not in git).
    public var git: GitState?
    /// The validated job document.
    public var spec: JSONValue
    /// The prompt file the job named, as a path: a rerun checks it still has `promptSHA256`.
    public var promptPath: String
    /// The sha256 of the prompt bytes that were run.
    public var promptSHA256: String
    /// The success schema file and its sha256 (nil: the job has none).
    public var successSchema: PinnedFile?
    /// The model as run (provider, name or program, parameters; a key only by its variable).
    public var model: JSONValue
    /// Items the run covers.
    public var inputCount: Int
    /// The digest of the items' identities (ids, paths, sizes, records' sha256).
    public var inputsSHA256: String
    /// `vigil run --canary N`: only the first N items belong to the run.
    public var canary: Int?
    /// A canary's whole input set: how many items its projection is for.
    public var canaryOf: Int?
    /// The shard of a sharded run this folder runs (nil: the whole run).
    public var shard: Shard?
    /// What this shard keeps of the run's caps (`shard.share`; nil: not a shard, or the caps
    /// are shared through a coordinator).
    public var shardShare: ShardShare?
    /// A shard's: the digest of the whole input set (every shard records the same; `vigil
    /// merge` checks it).
    public var wholeInputsSHA256: String?
    /// A merged run's shards (`vigil merge`): each one's shard, folder, status, counts, verdict.
    public var shards: [JSONValue] = []
    /// When the run started (seconds since 1970).
    public var startedAt: Double
    /// When it ended (nil while running).
    public var endedAt: Double?
    /// Items done, succeeded, failed.
    public var counts: RunCounts
    /// Why it ended as it did (nil: completed).
    public var verdict: String?
    /// Tokens the model reported, summed over the run.
    public var usage = TokenUsage()
    /// What the run cost, its budget, a canary's projection (nil: before the run's end, or
    /// a run Vigil made before costs were recorded).
    public var cost: RunCostRecord?
    /// The response cache, when the run used one: its path and mode, hits, misses, answers
    /// stored, and what the hits would have cost (`saved_usd`).
    public var cache: JSONValue?
    /// A coordinated shard's view of the whole run when it ended (`RunCoordination.fleet`):
    /// the server (password masked), the run's spend and what reservations held, its verdict.
    public var coordinator: JSONValue?
    /// How image inputs were sent, when the run converts them: `model.images`'s settings and
    /// the libvips that converted (`{"max_edge", ..., "libvips": "8.14.1"}`; `"libvips": null`
    /// on a machine without it).
    public var images: JSONValue?
    /// The known answers the run was judged on (`reference`): the file and its sha256 (pinned
    /// like the prompt), and once judged the reference items, the agreement over all compared
    /// values and per field, and whether it passed.
    public var reference: JSONValue?
    /// The sha256 of each file the run wrote, by name.
    public var outputs: [String: String] = [:]
    /// Events dropped for slow consumers, by consumer.
    public var droppedEvents: [String: Int] = [:]
    /// The Vigil that made the run.
    public var toolVersion = VigilVersion.current
    /// The machine that ran it (which node of a cluster, when a run misbehaves on one).
    public var host = ProcessInfo.processInfo.hostName
    /// The operating system's version.
    public var operatingSystem = ProcessInfo.processInfo.operatingSystemVersionString
    /// The run this one reproduces or retries (`rerun_of`, `retry_of`).
    public var origin: Origin?
    /// Drift from the origin's pins that the user allowed (`--allow-drift`).
    public var drift: [String] = []
    /// Each time the run was resumed.
    public var resumes: [Resumption] = []

    /// Where the job stood in git.
    public struct GitState: Sendable, Equatable {
        /// The commit the job file's repository had checked out when the run started.
        public var commit: String
        /// Uncommitted changes in the tree.
        public var dirty: Bool
    }

    /// A file and the sha256 it was run with.
    public struct PinnedFile: Sendable, Equatable {
        /// The file's path as the run resolved it.
        public var path: String
        /// Its sha256 when run.
        public var sha256: String
    }

    /// The run a new one was made from.
    public struct Origin: Sendable, Equatable {
        /// A rerun, or a retry of failures (the manifest key).
        public enum Kind: String, Sendable {
            /// `vigil rerun`: the whole run again.
            case rerun = "rerun_of"
            /// `vigil run --retry-failed`: only its failed items.
            case retryFailed = "retry_of"
        }
        /// Whether this run reproduces the original whole, or retries its failed items.
        public var kind: Kind
        /// The original run's id.
        public var runID: String
        /// The original run's manifest file.
        public var manifest: String

        /// A link to the run `runID`, whose manifest is `manifest`.
        public init(kind: Kind, runID: String, manifest: String) {
            self.kind = kind
            self.runID = runID
            self.manifest = manifest
        }
    }

    /// One `vigil resume` of the run.
    public struct Resumption: Sendable, Equatable {
        /// When the resume started, in seconds since 1970.
        public var at: Double
        /// What the repair cut off the appended files (file name -> bytes).
        public var repairedBytes: [String: Int]
        /// Items whose event was logged but whose result line was not yet written.
        public var recoveredItems: Int
        /// Drift allowed by `--allow-drift`, one line each.
        public var drift: [String]
        /// New caps given on resuming (`--max-cost`, `--max-tokens`); nil: unchanged.
        public var budget: BudgetSpec?

        /// A resumption at `at`.
        public init(
            at: Double, repairedBytes: [String: Int], recoveredItems: Int, drift: [String], budget: BudgetSpec? = nil
        ) {
            self.at = at
            self.repairedBytes = repairedBytes
            self.recoveredItems = recoveredItems
            self.drift = drift
            self.budget = budget
        }
    }

}
