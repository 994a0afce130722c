import JSONSchema

/// Every input resolves to at least one item, ids are unique across inputs, and the
/// count is known (for the thresholds check and `vigil plan`). Streams: the items are
/// counted, not kept, except the first few `plan` shows.
enum InputsCheck {
    static let keptItems = 20

    static func run(_ context: inout JobCheckContext) {
        guard let inputs = context.value("inputs"), case .sequence(let entries) = inputs.content, !entries.isEmpty else { return }
        var count = 0
        var first: [InputItem] = []
        var failed = false
        var origin: [Int: Int] = [:]
        for (index, entry) in entries.enumerated() {
            guard let spec = spec(entry.json) else { failed = true; continue }
            let location = (entry.member("glob") ?? entry.member("jsonl"))?.value.location ?? entry.location
            var items = InputSource(folder: context.folder, specs: [spec]).makeIterator()
            var inThisInput = 0
            do {
                while let item = try items.next() {
                    inThisInput += 1
                    // Across inputs only (each input checks its own ids); one input needs no map.
                    if entries.count > 1, let earlier = origin.updateValue(index, forKey: item.id.hashValue), earlier != index {
                        context.report(
                            Diagnostic(.inputInvalid, "item \"\(item.id)\" comes from inputs[\(earlier)] and inputs[\(index)]; an item must come from one input", at: location))
                        failed = true
                        break
                    }
                    if first.count < keptItems { first.append(item) }
                }
            } catch {
                failed = true
                context.report(Diagnostic(.inputInvalid, "inputs[\(index)]: \(error.message)", at: location))
                continue
            }
            if inThisInput == 0 {
                failed = true
                var diagnostic = Diagnostic(.inputEmpty, "inputs[\(index)]: \(emptyMessage(spec))", at: location)
                if case .glob = spec { diagnostic.hint = "check the pattern against the folder; paths are relative to the job file's folder, ** spans folders" }
                context.report(diagnostic)
            }
            count += inThisInput
        }
        if !failed {
            context.itemCount = count
            context.firstItems = first
        }
    }

    private static func emptyMessage(_ spec: InputSpec) -> String {
        switch spec {
        case .glob(let pattern, _, _): "the glob \"\(pattern)\" matches no files"
        case .jsonl(let path, _, _): "\(path) holds no records"
        }
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
