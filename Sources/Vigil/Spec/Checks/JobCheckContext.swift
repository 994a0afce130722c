import Foundation

/// What every semantic check of a job sees: the job as decoded (its typed fields and where
/// each was written), the environment, and whether the job is about to run (some warnings
/// become errors then). The checks add what they find, and what they read and verified for
/// the run (the prompt's bytes, the compiled success schema, the item count).
struct JobCheckContext {
    var job: JobSpec
    var environment: [String: String]
    var purpose: JobLoader.Purpose
    var diagnostics: [Diagnostic] = []
    /// How many items the inputs resolve to (nil when an input failed).
    var itemCount: Int? = nil
    /// The first items, for `vigil plan`.
    var firstItems: [InputItem] = []
    /// What the input files are, by their first bytes (nil: the model reads no file's bytes,
    /// or an input failed).
    var inputKinds: InputKinds? = nil
    /// The prompt's bytes, once they matched the pin.
    var promptBytes: [UInt8]? = nil
    /// The success schema, compiled from the bytes that were checked.
    var successSchema: CheckedSchema? = nil
    /// `reference.file`, parsed from the bytes that were checked.
    var reference: ReferenceSet? = nil
    /// Ids of `reference` that the inputs hold (`InputsCheck` marks them as it lists).
    var referenceFound = Set<String>()

    mutating func report(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    /// A path the job names, resolved (`PathResolver`).
    func url(_ written: String) -> URL {
        job.url(written)
    }
}

extension LocatedValue {
    var stringValue: String? {
        if case .string(let text) = content { return text }
        return nil
    }

    var elements: [LocatedValue] {
        if case .sequence(let elements) = content { return elements }
        return []
    }
}
