public import JSONSchema

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

    /// As a job writes it: `exact`, `normalized`, `number`, `{number: 0.01}`, `present`.
    public init?(json: JSONValue) {
        if let tolerance = json["number"]?.numberValue {
            guard tolerance.doubleValue >= 0 else { return nil }
            self = .number(tolerance: tolerance.doubleValue)
        } else if let written = json.stringValue {
            self.init(written: written)
        } else {
            return nil
        }
    }

    /// As `init(written:)` reads it back: `exact`, `normalized`, `number`, `number:0.01`, `present`.
    public var description: String {
        switch self {
        case .exact: "exact"
        case .normalized: "normalized"
        case .number(let tolerance): tolerance == 0 ? "number" : "number:\(tolerance)"
        case .present: "present"
        }
    }
}

/// One compared field and how it is compared.
public struct ComparedField: Sendable, Equatable {
    /// The answer's field: a top-level key, or a dotted path into nested objects (`location.country`).
    public var name: String
    public var comparison: FieldComparison

    public init(name: String, comparison: FieldComparison) {
        self.name = name
        self.comparison = comparison
    }
}
