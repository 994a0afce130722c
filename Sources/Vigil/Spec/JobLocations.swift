/// Where the fields of a job were written: filled when the job is decoded from its located
/// tree, so the checks, which read the typed fields, point at the line to fix. A field the
/// job leaves out (or writes in the wrong shape) has no location, and no check looks at it.
public struct JobLocations: Sendable {
    /// The fields diagnostics point at.
    public enum Field: Hashable, Sendable {
        case promptFile, promptSHA256, successSchema, modelProvider, apiKeyVariable, program
        case thresholds, early, earlyCount, progressiveCount, windowCount
        case retriesInitialDelay, retriesMaximumDelay, breakerCoolDown, breakerGiveUpAfter, rateLimitPer
        case model, modelParameters, budget, budgetMaxCost, budgetMaxTokens, structuredOutput, batch, images
        case coordinatorURLVariable
        case reference, referenceFile, fieldFill
    }

    /// The document itself (its first line).
    public var document: SourceLocation
    /// The document is a mapping (else the job schema has said what it should be).
    public var documentIsMapping: Bool
    var fields: [Field: SourceLocation] = [:]
    /// Each entry of `inputs` that has the right shape (as `JobSpec.inputs` holds them):
    /// its index among all the entries, and where its `glob` or `jsonl` was written.
    public var inputs: [(index: Int, location: SourceLocation)] = []
    /// Entries of `inputs` in the wrong shape (the job schema reports them).
    public var malformedInputs = 0
    /// Each key of `reference.fields`, and of `thresholds.fields.min_filled`: where a field
    /// the answers cannot have is pointed at.
    public var referenceFieldKeys: [String: SourceLocation] = [:]
    public var filledFieldKeys: [String: SourceLocation] = [:]
    /// Each consumer's `url_env` value, by the consumer's index.
    public var consumerURLVariables: [Int: SourceLocation] = [:]

    /// Where `field` was written, if it was.
    public subscript(field: Field) -> SourceLocation? { fields[field] }

    /// Reads the locations off the tree the job was decoded from.
    init(_ tree: LocatedValue) {
        document = tree.location
        if case .mapping = tree.content { documentIsMapping = true } else { documentIsMapping = false }
        func value(_ path: [String]) -> LocatedValue? {
            var current: LocatedValue? = tree
            for key in path { current = current?[key] }
            return current
        }
        func at(_ path: String...) -> SourceLocation? { value(path)?.location }
        /// A duration's location, only when it is one (else the schema reports it and the
        /// typed field holds the default, which no check should judge).
        func duration(_ path: String...) -> SourceLocation? {
            guard let found = value(path), found.stringValue.flatMap(JobDuration.init) != nil else { return nil }
            return found.location
        }
        let program = tree["model"]?["command"]?.elements.first
        let located: [Field: SourceLocation?] = [
            .promptFile: at("prompt", "file"), .promptSHA256: at("prompt", "sha256"),
            .successSchema: at("success", "schema"),
            .modelProvider: at("model", "provider"),
            // The key's variable matters only to the provider that sends it.
            .apiKeyVariable: tree["model"]?["provider"]?.stringValue == "openai" ? at("model", "api_key_env") : nil,
            .program: program?.stringValue == nil ? nil : program?.location,
            .thresholds: tree.member("thresholds")?.value.location,
            .early: tree["thresholds"]?.member("early")?.value.location,
            .earlyCount: at("thresholds", "early", "after"),
            .progressiveCount: at("thresholds", "progressive", "every"),
            .windowCount: at("thresholds", "window", "size"),
            .retriesInitialDelay: duration("execution", "retries", "initial_delay"),
            .retriesMaximumDelay: duration("execution", "retries", "max_delay"),
            .breakerCoolDown: duration("execution", "breaker", "cool_down"),
            .breakerGiveUpAfter: duration("execution", "breaker", "give_up_after"),
            .rateLimitPer: duration("execution", "rate_limit", "per"),
            .model: tree.member("model")?.value.location,
            .modelParameters: tree["model"]?.member("parameters")?.value.location,
            .structuredOutput: at("model", "structured_output"), .batch: tree["model"]?.member("batch")?.value.location,
            .images: tree["model"]?.member("images")?.value.location,
            .budget: tree.member("budget")?.value.location, .budgetMaxCost: at("budget", "max_cost"),
            .budgetMaxTokens: at("budget", "max_tokens"),
            .coordinatorURLVariable: at("coordinator", "url_env"),
            .reference: tree.member("reference")?.value.location, .referenceFile: at("reference", "file"),
            .fieldFill: tree["thresholds"]?.member("fields")?.value.location,
        ]
        for (field, location) in located { if let location { fields[field] = location } }
        for (index, entry) in (tree["inputs"]?.elements ?? []).enumerated() {
            guard InputSpec(json: entry.json) != nil else {
                malformedInputs += 1
                continue
            }
            inputs.append((index, (entry.member("glob") ?? entry.member("jsonl"))?.value.location ?? entry.location))
        }
        referenceFieldKeys = Self.keyLocations(tree["reference"]?["fields"])
        filledFieldKeys = Self.keyLocations(tree["thresholds"]?["fields"]?["min_filled"])
        for (index, consumer) in (tree["consumers"]?.elements ?? []).enumerated() {
            if let variable = consumer.member("url_env"), variable.value.stringValue != nil {
                consumerURLVariables[index] = variable.value.location
            }
        }
    }

    /// Where each key of a mapping was written.
    private static func keyLocations(_ mapping: LocatedValue?) -> [String: SourceLocation] {
        guard case .mapping(let members)? = mapping?.content else { return [:] }
        var found: [String: SourceLocation] = [:]
        for member in members { found[member.key] = member.keyLocation }
        return found
    }
}
