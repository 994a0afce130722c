import Foundation
public import JSONSchema

extension ModelSpec {
    /// The model as the manifest records it: provider, name, URL or program, parameters;
    /// the key only by its variable's name.
    public var manifestDescription: JSONValue {
        var object = JSONObject()
        switch provider {
        case .openAI(let baseURL, let name, let keyVariable):
            object["provider"] = "openai"
            object["name"] = .string(name)
            object["base_url"] = .string(baseURL)
            object["api_key_env"] = .string(keyVariable)
        case .command(let arguments, let mode, _):
            object["provider"] = "command"
            object["command"] = .array(arguments.map { .string($0) })
            object["mode"] = .string(mode.rawValue)
        }
        object["parameters"] = .object(parameters)
        object["timeout"] = timeout.map { .string($0.text) } ?? .null
        // A change of how images are sent is a change of what the model sees (rerun drift).
        if let images { object["images"] = images.json }
        return .object(object)
    }
}

extension JobSpec {
    /// Defaults for what a job file may leave out (documented in docs/job-file.md).
    public enum Defaults {
        /// `execution.concurrency`: 1.
        public static let concurrency = 1
        /// `checkpoint.every`: 25.
        public static let checkpointEvery = 25
        /// `output.dir`: `runs`.
        public static let outputDirectory = "runs"
        /// `execution.retries`: 3 attempts, 2s..60s.
        public static let retries = ExecutionSpec.Retries(
            maximumAttempts: 3, initialDelay: JobDuration("2s")!, maximumDelay: JobDuration("60s")!)
        /// `execution.grace_period`: 60s.
        public static let gracePeriod = JobDuration("60s")!
        /// `execution.breaker`: open after 5, cool down 30s, give up after 2h.
        public static let breaker = ExecutionSpec.Breaker(
            openAfter: 5, coolDown: JobDuration("30s")!, giveUpAfter: JobDuration("2h")!)
    }

    /// Decodes the job once from its located tree: the typed fields the checks and the run
    /// read, and where each was written. Lenient: a value in the wrong shape (which the job
    /// schema reports) or absent takes its default, so the checks can run on a job with
    /// errors and report everything at once.
    init(decoding tree: LocatedValue, file: URL, folder: URL, promptFile: URL?, sources: JobSources) {
        let document = tree.json
        self.sources = sources
        locations = JobLocations(tree)
        version = 1
        name = document["name"]?.stringValue ?? ""
        description = document["description"]?.stringValue
        inputs = (document["inputs"]?.arrayValue ?? []).compactMap(InputSpec.init(json:))
        model = Self.model(document["model"] ?? .null)
        budget = BudgetSpec(json: document["budget"])
        cache = Self.cache(document["cache"], folder: folder)
        coordinator = document["coordinator"]?["url_env"]?.stringValue.map(CoordinatorSpec.init(urlEnvironment:))
        prompt = PromptSpec(
            file: document["prompt"]?["file"]?.stringValue ?? "",
            sha256: document["prompt"]?["sha256"]?.stringValue ?? "")
        success = SuccessSpec(
            schema: document["success"]?["schema"]?.stringValue,
            requiredFields: document["success"]?["required_fields"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        thresholds = Self.thresholds(document["thresholds"] ?? .null)
        reference = Self.reference(document["reference"])
        execution = Self.execution(document["execution"] ?? .null)
        checkpointEvery = Self.int(document["checkpoint"]?["every"]) ?? Defaults.checkpointEvery
        let paths = PathResolver(folder: folder)
        outputDirectory = paths.url(document["output"]?["dir"]?.stringValue ?? Defaults.outputDirectory)
        consumers = (document["consumers"]?.arrayValue ?? []).map(Self.consumer)
        self.file = file
        self.folder = folder
        self.promptFile = promptFile ?? paths.url(prompt.file)
        self.document = document
    }

    static func int(_ value: JSONValue?) -> Int? {
        value?.numberValue?.int64Value.map { Int(clamping: $0) }
    }

    static func duration(_ value: JSONValue?) -> JobDuration? {
        value?.stringValue.flatMap(JobDuration.init)
    }

    private static func model(_ value: JSONValue) -> ModelSpec {
        let provider: ModelSpec.Provider
        if value["provider"] == "command" {
            var environment: [String: String] = [:]
            for (key, entry) in value["env"]?.objectValue ?? JSONObject() { environment[key] = entry.stringValue }
            provider = .command(
                arguments: value["command"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                mode: ModelSpec.CommandMode(rawValue: value["mode"]?.stringValue ?? "") ?? .perItem,
                environment: environment)
        } else {
            provider = .openAI(
                baseURL: value["base_url"]?.stringValue ?? "", name: value["name"]?.stringValue ?? "",
                apiKeyEnvironment: value["api_key_env"]?.stringValue ?? "")
        }
        return ModelSpec(
            provider: provider, parameters: value["parameters"]?.objectValue ?? JSONObject(),
            timeout: duration(value["timeout"]),
            pricing: pricing(value["pricing"]),
            structuredOutput: ModelSpec.StructuredOutput(rawValue: value["structured_output"]?.stringValue ?? "")
                ?? .none,
            batch: batch(value["batch"]),
            images: value["provider"] == "command" ? nil : images(value["images"], defaults: .openAI))
    }

    /// `model.images`: `original`, or the provider's defaults with what the job sets.
    private static func images(_ value: JSONValue?, defaults: ImageFit) -> ImageSpec {
        if value == "original" { return .original }
        var fit = defaults
        if let edge = int(value?["max_edge"]) { fit.maximumEdge = edge }
        if let format = value?["format"]?.stringValue.flatMap(ImageFormat.init(rawValue:)) { fit.format = format }
        if let quality = int(value?["quality"]) { fit.quality = quality }
        if let bytes = int(value?["max_bytes"]) { fit.maximumBytes = bytes }
        return .fitted(fit)
    }

    private static func cache(_ value: JSONValue?, folder: URL) -> CacheSpec? {
        guard let value, value != false else { return nil }
        var spec = CacheSpec()
        if let path = value["path"]?.stringValue { spec.path = PathResolver(folder: folder).url(path) }
        if let mode = value["mode"]?.stringValue.flatMap(CacheSpec.Mode.init(rawValue:)) { spec.mode = mode }
        return value == true || value.objectValue != nil ? spec : nil
    }

    private static func batch(_ value: JSONValue?) -> BatchSpec? {
        guard let value, value != false else { return nil }
        var spec = BatchSpec()
        guard value.objectValue != nil else { return value == true ? spec : nil }
        if let requests = int(value["max_requests_per_file"]) { spec.maximumRequestsPerFile = requests }
        if let bytes = int(value["max_bytes_per_file"]) { spec.maximumBytesPerFile = bytes }
        if let onExpired = value["on_expired"]?.stringValue.flatMap(BatchSpec.OnExpired.init(rawValue:)) {
            spec.onExpired = onExpired
        }
        if let interval = duration(value["poll_interval"]) { spec.pollInterval = interval }
        return spec
    }

    private static func usdPerMillion(_ value: JSONValue?) -> Dollars? {
        value?.numberValue.flatMap { PricingSpec.perToken(usdPerMillion: $0.doubleValue) }
    }

    private static func pricing(_ value: JSONValue?) -> PricingSpec? {
        guard let value, let input = usdPerMillion(value["input_per_million"]),
            let output = usdPerMillion(value["output_per_million"])
        else { return nil }
        return PricingSpec(
            input: input, output: output, cachedInput: usdPerMillion(value["cached_input_per_million"]),
            batchDiscount: value["batch_discount"]?.numberValue?.doubleValue)
    }

    private static func check(_ value: JSONValue?, countKey: String, defaultAction: ThresholdSpec.Action)
        -> ThresholdSpec.Check?
    {
        guard let value, let count = int(value[countKey]),
            let rate = value["min_success_rate"]?.numberValue?.doubleValue
        else { return nil }
        return ThresholdSpec.Check(
            count: count, minimumSuccessRate: rate,
            action: ThresholdSpec.Action(rawValue: value["action"]?.stringValue ?? "") ?? defaultAction)
    }

    private static func thresholds(_ value: JSONValue) -> ThresholdSpec {
        ThresholdSpec(
            early: check(value["early"], countKey: "after", defaultAction: .abort),
            progressive: check(value["progressive"], countKey: "every", defaultAction: .warn),
            window: check(value["window"], countKey: "size", defaultAction: .abort),
            maximumConsecutiveFailures: int(value["max_consecutive_failures"]),
            stall: duration(value["stall"]?["no_success_for"]).map {
                ThresholdSpec.Stall(
                    noSuccessFor: $0,
                    action: ThresholdSpec.Action(rawValue: value["stall"]?["action"]?.stringValue ?? "") ?? .warn)
            },
            fields: fieldFill(value["fields"]))
    }

    private static func fieldFill(_ value: JSONValue?) -> FieldFillSpec? {
        guard let value, let after = int(value["after"]), let rates = value["min_filled"]?.objectValue else {
            return nil
        }
        return FieldFillSpec(
            after: after,
            fields: rates.compactMap { name, rate in
                rate.numberValue.map { FieldFillSpec.Field(name: name, minimumFilled: $0.doubleValue) }
            },
            action: ThresholdSpec.Action(rawValue: value["action"]?.stringValue ?? "") ?? .warn)
    }

    private static func reference(_ value: JSONValue?) -> ReferenceSpec? {
        guard let value, let file = value["file"]?.stringValue, let fields = value["fields"]?.objectValue else {
            return nil
        }
        return ReferenceSpec(
            file: file,
            fields: fields.compactMap { name, written in
                FieldComparison(json: written).map { ComparedField(name: name, comparison: $0) }
            },
            minimumAgreement: value["min_agreement"]?.numberValue?.doubleValue ?? 1,
            action: ThresholdSpec.Action(rawValue: value["action"]?.stringValue ?? "") ?? .abort)
    }

    private static func execution(_ value: JSONValue) -> ExecutionSpec {
        let rateLimit = int(value["rate_limit"]?["requests"]).flatMap { requests in
            duration(value["rate_limit"]?["per"]).map { ExecutionSpec.RateLimit(requests: requests, per: $0) }
        }
        let retries = value["retries"]
        let breaker = value["breaker"]
        return ExecutionSpec(
            concurrency: int(value["concurrency"]) ?? Defaults.concurrency,
            rateLimit: rateLimit,
            retries: ExecutionSpec.Retries(
                maximumAttempts: int(retries?["max_attempts"]) ?? Defaults.retries.maximumAttempts,
                initialDelay: duration(retries?["initial_delay"]) ?? Defaults.retries.initialDelay,
                maximumDelay: duration(retries?["max_delay"]) ?? Defaults.retries.maximumDelay),
            breaker: ExecutionSpec.Breaker(
                openAfter: int(breaker?["open_after"]) ?? Defaults.breaker.openAfter,
                coolDown: duration(breaker?["cool_down"]) ?? Defaults.breaker.coolDown,
                giveUpAfter: duration(breaker?["give_up_after"]) ?? Defaults.breaker.giveUpAfter),
            gracePeriod: duration(value["grace_period"]) ?? Defaults.gracePeriod)
    }

    private static func consumer(_ value: JSONValue) -> ConsumerSpec {
        if let name = value.stringValue {
            return ConsumerSpec(kind: ConsumerSpec.Kind(rawValue: name) ?? .progress)
        }
        return ConsumerSpec(
            kind: ConsumerSpec.Kind(rawValue: value["type"]?.stringValue ?? "") ?? .progress,
            events: value["events"]?.arrayValue?.compactMap(\.stringValue),
            logLevel: value["level"]?.stringValue,
            urlEnvironment: value["url_env"]?.stringValue,
            webhookFormat: value["format"]?.stringValue,
            command: value["command"]?.arrayValue?.compactMap(\.stringValue),
            textfile: value["textfile"]?.stringValue,
            listen: value["listen"].flatMap { $0.stringValue ?? $0.numberValue?.int64Value.map { String($0) } },
            interval: duration(value["interval"]))
    }
}
