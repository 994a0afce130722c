public import Foundation
public import JSONSchema

/// A validated job file (format version 1): what runs, over which inputs, what counts as
/// success and when to stop. Built by `JobLoader` only after the file passed validation.
public struct JobSpec: Sendable {
    public var version: Int
    public var name: String
    public var description: String?
    public var inputs: [InputSpec]
    public var model: ModelSpec
    public var prompt: PromptSpec
    public var success: SuccessSpec
    public var thresholds: ThresholdSpec
    public var execution: ExecutionSpec
    /// Save resume state every N completed items.
    public var checkpointEvery: Int
    /// Folder for run folders, resolved against the job's folder.
    public var outputDirectory: URL
    public var consumers: [ConsumerSpec]
    /// The job file that was loaded.
    public var file: URL
    /// The folder its relative paths start from: the job file's own, except for a job
    /// loaded from a run folder's copy (resume, rerun), whose paths start where the
    /// original job was.
    public var folder: URL
    /// The prompt file the run reads: `prompt.file` in `folder`, or a run folder's copy.
    public var promptFile: URL
    /// The validated document, as the manifest records it.
    public var document: JSONValue
    /// The bytes of the job, prompt and success schema that were checked: what runs.
    public var sources: JobSources

    /// How the job's paths are resolved (against `folder`).
    public var paths: PathResolver { PathResolver(folder: folder) }

    /// A path from the job: absolute as written, `~/...` in the home folder, else in `folder`.
    public func url(_ written: String) -> URL {
        paths.url(written)
    }
}

public struct ModelSpec: Sendable {
    public enum Provider: Sendable, Equatable {
        case openAI(baseURL: String, name: String, apiKeyEnvironment: String)
        case command(arguments: [String], mode: CommandMode, environment: [String: String])
    }

    public enum CommandMode: String, Sendable, Equatable {
        case perItem = "per-item"
        case persistent
    }

    public var provider: Provider
    /// Passed through to an OpenAI-compatible endpoint.
    public var parameters: JSONObject
    public var timeout: JobDuration?
}

public struct PromptSpec: Sendable, Equatable {
    public var file: String
    public var sha256: String
}

public struct SuccessSpec: Sendable, Equatable {
    public var schema: String?
    public var requiredFields: [String]
}

public struct ThresholdSpec: Sendable, Equatable {
    public enum Action: String, Sendable, Equatable {
        case abort
        case warn
    }

    public struct Check: Sendable, Equatable {
        /// `after` (early), `every` (progressive) or `size` (window).
        public var count: Int
        public var minimumSuccessRate: Double
        public var action: Action
    }

    public var early: Check?
    public var progressive: Check?
    public var window: Check?
    public var maximumConsecutiveFailures: Int?
}

public struct ExecutionSpec: Sendable, Equatable {
    public struct RateLimit: Sendable, Equatable {
        public var requests: Int
        public var per: JobDuration
    }

    public struct Retries: Sendable, Equatable {
        public var maximumAttempts: Int
        public var initialDelay: JobDuration
        public var maximumDelay: JobDuration
    }

    public struct Breaker: Sendable, Equatable {
        public var openAfter: Int
        public var coolDown: JobDuration
        public var giveUpAfter: JobDuration
    }

    public var concurrency: Int
    public var rateLimit: RateLimit?
    public var retries: Retries
    public var breaker: Breaker
    /// After a stop request, how long in-flight items may take before they are cancelled.
    public var gracePeriod: JobDuration
}

public struct ConsumerSpec: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case progress, metrics, log, webhook, command
    }

    public var kind: Kind
    /// Event types it receives; nil means all.
    public var events: [String]?
    public var logLevel: String?
    public var urlEnvironment: String?
    public var webhookFormat: String?
    public var command: [String]?

    public init(kind: Kind, events: [String]? = nil, logLevel: String? = nil, urlEnvironment: String? = nil, webhookFormat: String? = nil, command: [String]? = nil) {
        self.kind = kind
        self.events = events
        self.logLevel = logLevel
        self.urlEnvironment = urlEnvironment
        self.webhookFormat = webhookFormat
        self.command = command
    }
}
