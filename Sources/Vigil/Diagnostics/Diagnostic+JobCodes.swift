extension Diagnostic.Code {
    // Shape (from the job schema)
    /// A key the job format does not have (with "did you mean" the nearest allowed key).
    public static let unknownKey = Diagnostic.Code("V001")
    /// A required key is missing.
    public static let missingKey = Diagnostic.Code("V002")
    /// A value of the wrong type.
    public static let wrongType = Diagnostic.Code("V003")
    /// A value outside a closed set (enum or const).
    public static let notAllowedValue = Diagnostic.Code("V004")
    /// A value in the wrong form (pattern: name, duration, sha256, environment variable).
    public static let malformedValue = Diagnostic.Code("V005")
    /// A number out of range, or a list or text too short or long.
    public static let outOfRange = Diagnostic.Code("V006")
    /// A key that does not go with the others (e.g. `command` with `provider: openai`).
    public static let conflictingKey = Diagnostic.Code("V007")
    /// Any other violation of the job schema.
    public static let schemaMismatch = Diagnostic.Code("V008")

    // Meaning (semantic checks)
    /// The prompt file does not exist.
    public static let promptMissing = Diagnostic.Code("V010")
    /// The prompt file's sha256 is not the pinned one: the wrong or an edited prompt.
    public static let promptMismatch = Diagnostic.Code("V011")
    /// The prompt is not pinned (no `prompt.sha256`).
    public static let promptNotPinned = Diagnostic.Code("V012")
    /// An input resolves to no items.
    public static let inputEmpty = Diagnostic.Code("V013")
    /// An input file or folder does not exist, or a JSON Lines input has a bad record.
    public static let inputInvalid = Diagnostic.Code("V014")
    /// `success.schema` does not exist.
    public static let successSchemaMissing = Diagnostic.Code("V015")
    /// `success.schema` is not a valid JSON Schema.
    public static let successSchemaInvalid = Diagnostic.Code("V016")
    /// An environment variable the job names (`api_key_env`, `url_env`) is not set.
    public static let environmentUnset = Diagnostic.Code("V017")
    /// A secret (API key, token, webhook URL) written into the job.
    public static let secretInJob = Diagnostic.Code("V018")
    /// Settings that contradict each other (e.g. `initial_delay` above `max_delay`).
    public static let incoherentSettings = Diagnostic.Code("V019")
    /// A threshold that can never fire with this many items, or no early threshold at all.
    public static let thresholdIneffective = Diagnostic.Code("V020")
    /// The command provider's program cannot be found.
    public static let programNotFound = Diagnostic.Code("V021")
    /// A budget that cannot be kept before a request is sent: no prices for `max_cost`, no
    /// bound on a request's output tokens, or a provider that reports no tokens.
    public static let budgetUnenforceable = Diagnostic.Code("V022")
    /// `structured_output` cannot be sent as asked: no success schema (error), a schema
    /// outside the strict subset (warning: sent non-strict), or `response_format` also in
    /// `parameters` (error).
    public static let structuredOutput = Diagnostic.Code("V023")
    /// `model.batch` without `thresholds.early`: nothing would be judged live before the
    /// whole batch is paid for.
    public static let batchWithoutCanary = Diagnostic.Code("V024")
    /// Inputs that must be converted to be sent (TIFF, BMP, HEIF, JPEG 2000) and no libvips
    /// to convert them (error), or `images: original` that will send them as they are (warning).
    public static let imagesUnconvertible = Diagnostic.Code("V025")
    /// Inputs that are neither UTF-8 text nor an image, by their first bytes: never sent.
    public static let inputUnsendable = Diagnostic.Code("V026")
    /// `reference.file` does not exist, cannot be read, or has a line that is not a known
    /// answer (`{"id", "expected": {...}}`), or an id on two lines.
    public static let referenceInvalid = Diagnostic.Code("V027")
    /// A known answer's id is not one of the job's items (with the nearest ids).
    public static let referenceUnknownItem = Diagnostic.Code("V028")
    /// A compared or filled field the success schema does not have (error), or a compared
    /// field no known answer holds (warning: it is never compared).
    public static let fieldUnknown = Diagnostic.Code("V029")
}
