import JSONSchema

/// `thresholds.fields`: counts, over each block of `after` successful items, how many filled
/// each named field, and at the block's end holds each field's share against its minimum.
/// Blocks rather than the run so far: a prompt that stops filling a field at item 5,000
/// shows at once, not diluted by the 5,000 before.
struct FieldFillMonitor: Sendable {
    let spec: FieldFillSpec
    /// Per field (in `spec.fields` order), the items of this block that filled it.
    private var filled: [Int]
    private var inBlock = 0

    init(spec: FieldFillSpec) {
        self.spec = spec
        filled = Array(repeating: 0, count: spec.fields.count)
    }

    /// Counts one successful answer; at a block's end, what each field's check found.
    mutating func record(_ result: JSONValue) -> [ThresholdMonitor.Finding] {
        for (index, field) in spec.fields.enumerated() where result.field(field.name)?.isFilled == true {
            filled[index] += 1
        }
        inBlock += 1
        guard inBlock == spec.after else { return [] }
        defer {
            inBlock = 0
            filled = Array(repeating: 0, count: spec.fields.count)
        }
        return zip(spec.fields, filled).map { field, count in
            let rate = Double(count) / Double(spec.after)
            return ThresholdMonitor.Finding(
                ThresholdCheck(
                    check: "fields.\(field.name)", completed: spec.after, value: rate, limit: field.minimumFilled,
                    passed: rate >= field.minimumFilled, action: spec.action.rawValue))
        }
    }
}
