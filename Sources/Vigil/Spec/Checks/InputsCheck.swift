import JSONSchema

/// Every input resolves to at least one item, and item ids are unique across inputs.
enum InputsCheck {
    static func run(_ context: inout JobCheckContext) {
        guard let inputs = context.value("inputs"), case .sequence(let entries) = inputs.content, !entries.isEmpty else { return }
        let resolver = InputResolver(folder: context.folder)
        var items: [InputItem] = []
        var failed = false
        var origin: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            guard let spec = spec(entry.json) else { failed = true; continue }
            let where_ = entry.member("glob") ?? entry.member("jsonl")
            let location = where_?.value.location ?? entry.location
            do {
                for item in try resolver.items(for: spec) {
                    if let first = origin[item.id], first != index {
                        context.report(
                            Diagnostic(.inputInvalid, "item \"\(item.id)\" comes from inputs[\(first)] and inputs[\(index)]; an item must come from one input", at: location))
                        failed = true
                        break
                    }
                    origin[item.id] = index
                    items.append(item)
                }
            } catch {
                failed = true
                var diagnostic = Diagnostic(error.isEmpty ? .inputEmpty : .inputInvalid, "inputs[\(index)]: \(error.message)", at: location)
                if error.isEmpty, case .glob = spec {
                    diagnostic.hint = "check the pattern against the folder; paths are relative to the job file's folder, ** spans folders"
                }
                context.report(diagnostic)
            }
        }
        context.items = failed ? nil : items
    }

    /// The spec of an input entry whose shape is right (else the schema has reported it).
    static func spec(_ value: JSONValue) -> InputSpec? {
        // A limit below 1 is the schema's to report; here it is ignored.
        let limit = value["limit"]?.numberValue?.int64Value.map { Int(clamping: $0) }.flatMap { $0 >= 1 ? $0 : nil }
        if case .string(let pattern)? = value["glob"], value["jsonl"] == nil {
            return .glob(pattern: pattern, exclude: value["exclude"]?.arrayValue?.compactMap(\.stringValue) ?? [], limit: limit)
        }
        if case .string(let path)? = value["jsonl"], value["glob"] == nil {
            return .jsonl(path: path, idField: value["id_field"]?.stringValue, limit: limit)
        }
        return nil
    }
}
