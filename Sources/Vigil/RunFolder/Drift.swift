/// One way the world no longer matches what a run pinned in its manifest.
public struct Drift: Sendable, Equatable, CustomStringConvertible {
    /// Which pin drifted: the job, the prompt, the schema, an input, the model, or Vigil itself.
    public enum Kind: String, Sendable {
        /// The job file (the original, or the run folder's copy) changed.
        case job
        /// The prompt file changed.
        case prompt
        /// The success schema changed.
        case schema
        /// The known answers (`reference.file`) changed.
        case reference
        /// An input was added, removed or changed.
        case input
        /// The model or its parameters changed.
        case model
        /// A different Vigil version.
        case tool
    }

    /// Which pin drifted.
    public var kind: Kind
    /// What changed, from what to what.
    public var message: String
    /// The message.
    public var description: String { message }

    /// A drift of `kind`, said as `message` (what was pinned, and what is there now).
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// Lines for a terminal: every non-input drift, and at most `limit` input lines with a
    /// count of the rest (a regenerated data folder would otherwise print thousands).
    public static func lines(_ drift: [Drift], limit: Int = 20) -> [String] {
        var lines = drift.filter { $0.kind != .input }.map(\.message)
        let inputs = drift.filter { $0.kind == .input }
        lines += inputs.prefix(limit).map(\.message)
        if inputs.count > limit { lines.append("... and \(inputs.count - limit) more input changes") }
        return lines
    }
}

/// `3f2a1c9e0b7d..`: enough of a sha256 to tell two files apart in a message.
func shortDigest(_ sha256: String?) -> String {
    guard let sha256, !sha256.isEmpty else { return "(none)" }
    return String(sha256.prefix(12)) + ".."
}
