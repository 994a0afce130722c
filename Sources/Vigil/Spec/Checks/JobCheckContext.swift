import Foundation

/// What every semantic check of a job sees: the located document, the job's folder, the
/// environment, and whether the job is about to run (some warnings become errors then).
struct JobCheckContext {
    var tree: LocatedValue
    var folder: URL
    var environment: [String: String]
    var purpose: JobLoader.Purpose
    /// The prompt file to check instead of `prompt.file` (a run folder's copy).
    var promptFile: URL? = nil
    var diagnostics: [Diagnostic] = []
    /// How many items the inputs resolve to (nil when an input failed).
    var itemCount: Int? = nil
    /// The first items, for `vigil plan`.
    var firstItems: [InputItem] = []
    /// The prompt's bytes, once they matched the pin.
    var promptBytes: [UInt8]? = nil
    /// The success schema, compiled from the bytes that were checked.
    var successSchema: CheckedSchema? = nil

    mutating func report(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    /// The located value at a path of keys and indexes, if it is there.
    func value(_ path: String...) -> LocatedValue? {
        var current: LocatedValue? = tree
        for key in path {
            guard let node = current else { return nil }
            if let index = Int(key), case .sequence(let elements) = node.content {
                current = elements.indices.contains(index) ? elements[index] : nil
            } else {
                current = node[key]
            }
        }
        return current
    }

    func string(_ path: String...) -> (text: String, location: SourceLocation)? {
        var current: LocatedValue? = tree
        for key in path { current = current?[key] }
        guard let current, case .string(let text) = current.content else { return nil }
        return (text, current.location)
    }

    func url(_ written: String) -> URL {
        PathResolver(folder: folder).url(written)
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
