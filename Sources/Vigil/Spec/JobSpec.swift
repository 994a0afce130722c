public import Foundation
public import JSONSchema

/// A validated job file (format version 1): what runs, over which inputs, what counts as
/// success and when to stop. Built by `JobLoader` only after the file passed validation.
public struct JobSpec: Sendable {
    /// The job format version (1).
    public var version: Int
    /// Names the run folders (`<output.dir>/<name>/<run-id>/`).
    public var name: String
    /// What the job is for, as written.
    public var description: String?
    /// Where the items come from, in order.
    public var inputs: [InputSpec]
    /// What answers each item.
    public var model: ModelSpec
    /// Run-wide caps on spend (nil: none).
    public var budget: BudgetSpec?
    /// `cache` (nil: no response cache).
    public var cache: CacheSpec?
    /// `coordinator` (nil: none; a sharded run then splits its caps among its shards).
    public var coordinator: CoordinatorSpec?
    /// The prompt file and its pin.
    public var prompt: PromptSpec
    /// What makes an answer a success.
    public var success: SuccessSpec
    /// When to stop a run that is failing.
    public var thresholds: ThresholdSpec
    /// Known answers, sent first and compared field by field (nil: none).
    public var reference: ReferenceSpec? = nil
    /// Concurrency, rate limit, retries, breaker, grace period.
    public var execution: ExecutionSpec
    /// Save resume state every N completed items.
    public var checkpointEvery: Int
    /// Folder for run folders, resolved against the job's folder.
    public var outputDirectory: URL
    /// Who else receives the events.
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
    /// Where each field was written, for diagnostics.
    public var locations: JobLocations

    /// How the job's paths are resolved (against `folder`).
    public var paths: PathResolver { PathResolver(folder: folder) }

    /// `response_format` as `model.structured_output` asks (nil: none).
    public var responseFormat: JSONValue? {
        switch model.structuredOutput {
        case .none: nil
        case .jsonObject: ["type": "json_object"]
        case .jsonSchema: sources.successSchema?.responseFormat
        }
    }

    /// A path from the job: absolute as written, `~/...` in the home folder, else in `folder`.
    public func url(_ written: String) -> URL {
        paths.url(written)
    }
}

/// `model`: the provider and what it is sent.
public struct ModelSpec: Sendable {
    /// An OpenAI-compatible endpoint, or a local program.
    public enum Provider: Sendable, Equatable {
        case openAI(baseURL: String, name: String, apiKeyEnvironment: String)
        case command(arguments: [String], mode: CommandMode, environment: [String: String])
    }

    /// A program started per item, or one worker for the run.
    public enum CommandMode: String, Sendable, Equatable {
        case perItem = "per-item"
        case persistent
    }

    /// Which provider, with its settings.
    public var provider: Provider
    /// Passed through to an OpenAI-compatible endpoint.
    public var parameters: JSONObject
    /// How long one answer may take (default 300s).
    public var timeout: JobDuration?
    /// What the model's tokens cost (nil: not priced).
    public var pricing: PricingSpec?
    /// What the endpoint is asked to hold its answers to.
    public var structuredOutput: StructuredOutput = .none
    /// Through the endpoint's batch API after the live canary (nil: every item live).
    public var batch: BatchSpec?
    /// How image inputs are sent (nil: the provider reads files itself, or the job has no
    /// model that takes images).
    public var images: ImageSpec?

    /// `model.structured_output`: what the request asks the endpoint to constrain its answer to
    /// (nothing, any JSON object, or the success schema); every answer is judged in full either way.
    public enum StructuredOutput: String, Sendable, Equatable {
        /// Nothing is asked (the default).
        case none
        /// Any JSON object (`response_format: {type: json_object}`).
        case jsonObject = "json_object"
        /// The success schema (`response_format: {type: json_schema, ...}`).
        case jsonSchema = "json_schema"
    }

    /// The most output tokens one request can produce: the `max_completion_tokens` or
    /// `max_tokens` parameter (nil: unbounded, so no budget can be kept).
    public var outputTokenBound: Int? {
        for name in ["max_completion_tokens", "max_tokens"] {
            if let bound = parameters[name]?.numberValue?.int64Value, bound > 0 { return Int(clamping: bound) }
        }
        return nil
    }
}

/// `model.batch`: after the live canary, the rest through the endpoint's Files and Batches
/// API, in files of at most so many requests and bytes.
public struct BatchSpec: Sendable, Equatable {
    /// What happens to requests an expired or cancelled batch did not run.
    public enum OnExpired: String, Sendable, Equatable {
        /// Sent again in a new batch (up to `execution.retries.max_attempts` batches).
        case retry
        /// Each goes to failed.jsonl.
        case fail
    }

    /// Requests per uploaded file at most.
    public var maximumRequestsPerFile = 50_000
    /// Bytes per uploaded file at most.
    public var maximumBytesPerFile = 200_000_000
    /// Requests a batch did not run.
    public var onExpired = OnExpired.retry
    /// The longest wait between two looks at a running batch.
    public var pollInterval = JobDuration("60s")!

    /// The defaults (`model.batch: true`).
    public init() {}
}

/// `cache`: where the response cache is and how a run uses it.
public struct CacheSpec: Sendable, Equatable {
    /// How a run uses the cache.
    public enum Mode: String, Sendable, Equatable {
        /// Answers are taken from it and added to it.
        case readWrite = "read-write"
        /// Answers are taken from it; nothing is added.
        case readOnly = "read-only"
        /// Nothing is taken from it: every item is asked, and its answer replaces the cached one.
        case refresh
    }

    /// The SQLite file, resolved like every path of the job; runs on one machine may share it.
    public var path: URL
    /// How the run uses it.
    public var mode: Mode

    /// A cache at `path`.
    public init(path: URL = CacheSpec.defaultPath(), mode: Mode = .readWrite) {
        self.path = path
        self.mode = mode
    }

    /// `$VIGIL_CACHE_DIR/responses.sqlite`, else `$XDG_CACHE_HOME/vigil/responses.sqlite`,
    /// else `~/.cache/vigil/responses.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let folder = environment["VIGIL_CACHE_DIR"], !folder.isEmpty {
            return URL(fileURLWithPath: folder).appendingPathComponent("responses.sqlite")
        }
        let base =
            environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return base.appendingPathComponent("vigil").appendingPathComponent("responses.sqlite")
    }
}

/// `model.pricing`: USD per million tokens, held per token (`Dollars` per token is exact
/// for prices written with up to six decimals).
public struct PricingSpec: Sendable, Equatable {
    /// One input (prompt) token.
    public var input: Dollars
    /// One output (completion) token.
    public var output: Dollars
    /// One input token the endpoint served from its prompt cache (nil: the input price).
    public var cachedInput: Dollars?
    /// The fraction taken off through a provider's batch API (0.5: half price; nil: none).
    public var batchDiscount: Double?

    /// Prices per token (`perToken(usdPerMillion:)` converts a job's per-million figures).
    public init(input: Dollars, output: Dollars, cachedInput: Dollars? = nil, batchDiscount: Double? = nil) {
        self.input = input
        self.output = output
        self.cachedInput = cachedInput
        self.batchDiscount = batchDiscount
    }

    /// A price written in USD per million tokens, per token.
    public static func perToken(usdPerMillion: Double) -> Dollars? {
        Dollars(usd: usdPerMillion / 1_000_000)
    }
}

/// `coordinator`: the PostgreSQL the shards of a run share their budget, rate limit and
/// verdict through.
public struct CoordinatorSpec: Sendable, Equatable {
    /// The environment variable holding its `postgres://` URL (a secret: never in the job).
    public var urlEnvironment: String

    public init(urlEnvironment: String) {
        self.urlEnvironment = urlEnvironment
    }
}

/// `budget`: caps on the whole run (across resumes), checked before each request.
public struct BudgetSpec: Sendable, Equatable, CustomStringConvertible {
    /// What the run may spend in all (nil: no cost cap).
    public var maxCost: Dollars?
    /// Tokens (input and output) the run may use in all (nil: no token cap).
    public var maxTokens: Int?

    /// A budget of at most `maxCost` and `maxTokens` for the whole run (nil: no cap on that).
    public init(maxCost: Dollars? = nil, maxTokens: Int? = nil) {
        self.maxCost = maxCost
        self.maxTokens = maxTokens
    }

    /// "max_cost $25.00 and max_tokens 1000000": the caps it has.
    public var description: String {
        [maxCost.map { "max_cost \($0)" }, maxTokens.map { "max_tokens \($0)" }].compactMap { $0 }.joined(
            separator: " and ")
    }

    /// Reads `{"max_cost"?, "max_tokens"?}` (a job's `budget`, or the manifest's); nil when
    /// it is not an object or states no cap.
    public init?(json value: JSONValue?) {
        guard let value, value.objectValue != nil else { return nil }
        self.init(
            maxCost: Dollars(json: value["max_cost"]),
            maxTokens: value["max_tokens"]?.numberValue?.int64Value.map { Int(clamping: $0) })
        if maxCost == nil && maxTokens == nil { return nil }
    }

    /// `{"max_cost", "max_tokens"}` (null for no cap): what `init(json:)` reads back.
    public var json: JSONValue {
        var object = JSONObject()
        object["max_cost"] = maxCost?.json ?? .null
        object["max_tokens"] = maxTokens.map { .number(JSONNumber($0)) } ?? .null
        return .object(object)
    }
}

/// `prompt`: the file and the sha256 it is pinned by.
public struct PromptSpec: Sendable, Equatable {
    /// The prompt file, as written.
    public var file: String
    /// The pin (`vigil pin` writes it).
    public var sha256: String
}

/// `success`: a schema the answer must meet, fields it must have.
public struct SuccessSpec: Sendable, Equatable {
    /// The success schema file, as written.
    public var schema: String?
    /// Fields that must be present and non-empty.
    public var requiredFields: [String]
}

/// `thresholds`: early, progressive and window checks, consecutive failures.
public struct ThresholdSpec: Sendable, Equatable {
    /// What a failing check does.
    public enum Action: String, Sendable, Equatable {
        case abort
        case warn
    }

    /// One success-rate check: after `count` judged items (`early`), every `count` (`progressive`)
    /// or over the last `count` (`window`), at least `minimumSuccessRate` must have succeeded,
    /// else its `action` (warn or abort).
    public struct Check: Sendable, Equatable {
        /// `after` (early), `every` (progressive) or `size` (window).
        public var count: Int
        /// The lowest success rate that passes (0..1).
        public var minimumSuccessRate: Double
        /// Abort or warn when it fails.
        public var action: Action
    }

    /// `stall`: no success for so long.
    public struct Stall: Sendable, Equatable {
        /// How long without a success.
        public var noSuccessFor: JobDuration
        /// Warn (the default) or abort.
        public var action: Action
    }

    /// `early`: once, after `count` items.
    public var early: Check?
    /// `progressive`: every `count` items.
    public var progressive: Check?
    /// `window`: over the last `count` items.
    public var window: Check?
    /// Abort after this many quality failures in a row.
    public var maximumConsecutiveFailures: Int?
    /// `stall`: how long a run may go without a success before it says so (nil: never said).
    public var stall: Stall? = nil
    /// `fields`: the fill rate of named fields over the recent successes (nil: not checked).
    public var fields: FieldFillSpec? = nil
}

/// `execution`: how items are sent.
public struct ExecutionSpec: Sendable, Equatable {
    /// At most `requests` per `per`.
    public struct RateLimit: Sendable, Equatable {
        /// Requests allowed per period.
        public var requests: Int
        /// The period the `requests` are counted over (`1s`, `1m`); bursts are one second's worth.
        public var per: JobDuration

        /// `requests` per `per`.
        public init(requests: Int, per: JobDuration) {
            self.requests = requests
            self.per = per
        }
    }

    /// How availability failures are retried.
    public struct Retries: Sendable, Equatable {
        /// Attempts per item, the first included.
        public var maximumAttempts: Int
        /// The wait before the second attempt; each later one doubles it, up to `maximumDelay`.
        public var initialDelay: JobDuration
        /// The longest wait between attempts (never shorter than an endpoint's `Retry-After`).
        public var maximumDelay: JobDuration
    }

    /// The circuit breaker for outages.
    public struct Breaker: Sendable, Equatable {
        /// Availability failures in a row that open it.
        public var openAfter: Int
        /// How long it stays open before one probe.
        public var coolDown: JobDuration
        /// An outage this long interrupts the run.
        public var giveUpAfter: JobDuration
    }

    /// Items in flight at most.
    public var concurrency: Int
    /// The shared rate limit (nil: none).
    public var rateLimit: RateLimit?
    /// Retries of availability failures.
    public var retries: Retries
    /// When an outage holds items back instead of failing them, and when the run gives up on it.
    public var breaker: Breaker
    /// After a stop request, how long in-flight items may take before they are cancelled.
    public var gracePeriod: JobDuration
}

/// One entry of `consumers`.
public struct ConsumerSpec: Sendable, Equatable {
    /// The consumers a job can declare, by their `type`.
    public enum Kind: String, Sendable, Equatable {
        case progress, metrics, log, webhook, command, prometheus, opentelemetry
    }

    /// This entry's `type` (or the bare name: `progress`, `metrics`, `log`).
    public var kind: Kind
    /// Event types it receives; nil means all.
    public var events: [String]?
    /// `log`: the lowest level it writes (`info` when the job says nothing).
    public var logLevel: String?
    /// `webhook`: the variable holding the URL.
    public var urlEnvironment: String?
    /// `webhook`: `json` or `slack`.
    public var webhookFormat: String?
    /// `command`: the program and its arguments.
    public var command: [String]?
    /// `prometheus`: the node_exporter textfile to keep up to date, as written.
    public var textfile: String?
    /// `prometheus`: where `/metrics` is served (`127.0.0.1:9464`, or a port).
    public var listen: String?
    /// `prometheus`: how often the textfile is rewritten.
    public var interval: JobDuration?

    /// A consumer entry as the job file writes it; what `kind` does not use is nil.
    public init(
        kind: Kind, events: [String]? = nil, logLevel: String? = nil, urlEnvironment: String? = nil,
        webhookFormat: String? = nil, command: [String]? = nil,
        textfile: String? = nil, listen: String? = nil, interval: JobDuration? = nil
    ) {
        self.kind = kind
        self.events = events
        self.logLevel = logLevel
        self.urlEnvironment = urlEnvironment
        self.webhookFormat = webhookFormat
        self.command = command
        self.textfile = textfile
        self.listen = listen
        self.interval = interval
    }
}
