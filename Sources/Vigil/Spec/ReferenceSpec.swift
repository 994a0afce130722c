/// `reference`: known answers for some of the job's items. They are sent before any other
/// item, each answer is compared with the known one field by field, and a prompt whose
/// answers are well-formed but wrong (a few-shot example's value copied into every record,
/// swapped fields, another model behind the same name) is stopped on them, before the run
/// writes thousands of confident, wrong records.
public struct ReferenceSpec: Sendable, Equatable {
    /// `reference.file`, as written: JSON Lines of `{"id": ..., "expected": {field: value}}`.
    public var file: String
    /// `reference.fields`, in the order written.
    public var fields: [ComparedField]
    /// `reference.min_agreement`: the share of compared field values that must agree (0 < x <= 1).
    public var minimumAgreement: Double
    /// What a failing verdict does (abort by default).
    public var action: ThresholdSpec.Action
}

/// `thresholds.fields`: fill rates without a gold set. Every `after` successful items, each
/// named field must have been filled (non-empty) in at least its share of those items: a
/// prompt that quietly stops extracting a field is caught while the run goes.
public struct FieldFillSpec: Sendable, Equatable {
    /// One field and its lowest fill rate.
    public struct Field: Sendable, Equatable {
        public var name: String
        public var minimumFilled: Double
    }

    /// How many successful items each check covers (the last `after`, checked every `after`).
    public var after: Int
    /// `min_filled`, in the order written.
    public var fields: [Field]
    /// Warn (the default) or abort.
    public var action: ThresholdSpec.Action
}
