/// `reference`: known answers for some of the job's items. They are sent before any other
/// item, each answer is compared with the known one field by field, and a prompt whose
/// answers are well-formed but wrong (a few-shot example's value copied into every record,
/// swapped fields, another model behind the same name) is stopped on them, before the run
/// writes thousands of confident, wrong records.
public struct ReferenceSpec: Sendable, Equatable {
    /// One compared field and how it is compared.
    public struct Field: Sendable, Equatable {
        /// The answer's field: a top-level key, or a dotted path into nested objects (`location.country`).
        public var name: String
        public var comparison: FieldComparison

        public init(name: String, comparison: FieldComparison) {
            self.name = name
            self.comparison = comparison
        }
    }

    /// `reference.file`, as written: JSON Lines of `{"id": ..., "expected": {field: value}}`.
    public var file: String
    /// `reference.fields`, in the order written.
    public var fields: [Field]
    /// `reference.min_agreement`: the share of compared field values that must agree (0 < x <= 1).
    public var minimumAgreement: Double
    /// What a failing verdict does (abort by default).
    public var action: ThresholdSpec.Action
}

/// How an answer's field value is held against the known one. A field the answer lacks
/// disagrees, whatever the comparison.
public enum FieldComparison: Sendable, Equatable, CustomStringConvertible {
    /// Equal JSON (numbers by value: `1` equals `1.0`).
    case exact
    /// Text equal after NFC, case folding, runs of whitespace collapsed, and leading and
    /// trailing whitespace and punctuation dropped ("Carex aquatilis Wahlenb." equals
    /// "carex  aquatilis wahlenb"); values that are not text compare as `exact`.
    case normalized
    /// Numbers (or numeric text) within `tolerance` of each other.
    case number(tolerance: Double)
    /// Any non-empty value (not null, "", [] or {}); the known value is not looked at.
    case present

    /// `exact`, `normalized`, `number`, `present`, or `number:0.01` (a tolerance, as
    /// `vigil score --fields` writes it).
    public init?(written: String) {
        switch written {
        case "exact": self = .exact
        case "normalized": self = .normalized
        case "number": self = .number(tolerance: 0)
        case "present": self = .present
        default:
            guard written.hasPrefix("number:"), let tolerance = Double(written.dropFirst("number:".count)),
                tolerance >= 0
            else { return nil }
            self = .number(tolerance: tolerance)
        }
    }

    /// As written in the job: `exact`, `normalized`, `number`, `{number: 0.01}`, `present`.
    public var description: String {
        switch self {
        case .exact: "exact"
        case .normalized: "normalized"
        case .number(let tolerance): tolerance == 0 ? "number" : "number within \(tolerance)"
        case .present: "present"
        }
    }
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
