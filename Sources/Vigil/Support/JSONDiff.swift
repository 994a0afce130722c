public import JSONSchema

/// Where two JSON documents differ, as lines a person reads:
/// `model.parameters.temperature 0 -> 0.7`, `inputs[1] (absent) -> {"glob": "b/*.txt"}`.
public enum JSONDiff {
    /// `a.b 1 -> 2` lines for every value that differs, key by key.
    public static func changes(from old: JSONValue?, to new: JSONValue?, at path: String = "") -> [String] {
        switch (old, new) {
        case (.object(let a)?, .object(let b)?):
            var keys = a.keys
            for key in b.keys where a[key] == nil { keys.append(key) }
            return keys.flatMap { changes(from: a[$0], to: b[$0], at: path.isEmpty ? $0 : "\(path).\($0)") }
        case (.array(let a)?, .array(let b)?) where a.count == b.count:
            return a.indices.flatMap { changes(from: a[$0], to: b[$0], at: "\(path)[\($0)]") }
        default:
            guard old != new else { return [] }
            return ["\(path.isEmpty ? "(document)" : path) \(text(old)) -> \(text(new))"]
        }
    }

    private static func text(_ value: JSONValue?) -> String {
        guard let value else { return "(absent)" }
        let text = value.jsonText()
        return text.count > 120 ? String(text.prefix(117)) + "..." : text
    }
}
