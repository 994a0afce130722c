import JSONSchema
import Yams

/// Converts a Yams node tree into a `LocatedValue`, resolving scalars with the YAML 1.2
/// core schema and counting every value produced, so aliases that expand a small file into
/// millions of values are refused after `nodeBudget` values, in milliseconds.
struct YAMLNodeConverter {
    let file: String
    let nodeBudget: Int
    private var produced = 0

    init(file: String, nodeBudget: Int) {
        self.file = file
        self.nodeBudget = nodeBudget
    }

    private func location(_ mark: Mark?) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    mutating func convert(_ node: Node) throws(Diagnostic) -> LocatedValue {
        produced += 1
        if produced > nodeBudget {
            throw Diagnostic(
                .yamlAliasExpansion,
                "the document expands to more than \(nodeBudget) values through aliases; refusing it",
                at: location(node.mark),
                hint:
                    "a YAML alias (*name) repeats its anchor's whole value; nested aliases multiply (a \"billion laughs\" document)"
            )
        }
        let here = location(node.mark)
        switch node {
        case .scalar(let scalar):
            return LocatedValue(content: try content(of: scalar, at: here), location: here)
        case .sequence(let sequence):
            var elements: [LocatedValue] = []
            elements.reserveCapacity(sequence.count)
            for element in sequence { elements.append(try convert(element)) }
            return LocatedValue(content: .sequence(elements), location: here)
        case .mapping(let mapping):
            var members: [LocatedValue.Member] = []
            members.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw Diagnostic(
                        .yamlUnsupportedValue, "a mapping key must be a plain value, not a list or a mapping",
                        at: location(key.mark))
                }
                members.append(
                    LocatedValue.Member(
                        key: keyScalar.string, keyLocation: location(key.mark), value: try convert(value)))
            }
            return LocatedValue(content: .mapping(members), location: here)
        case .alias(let alias):
            throw Diagnostic(.yamlUnsupportedValue, "unresolved alias *\(alias.anchor.rawValue)", at: here)
        }
    }

    private func content(of scalar: Node.Scalar, at here: SourceLocation) throws(Diagnostic) -> LocatedValue.Content {
        let tag = scalar.tag.description
        let text = scalar.string
        switch tag {
        case "", "!":
            guard scalar.style == .plain || scalar.style == .any, tag.isEmpty else { return .string(text) }
        case Tag.Name.str.rawValue:
            return .string(text)
        case Tag.Name.int.rawValue, Tag.Name.float.rawValue, Tag.Name.bool.rawValue, Tag.Name.null.rawValue:
            break
        default:
            throw Diagnostic(
                .yamlUnsupportedValue, "unsupported YAML tag \(tag)", at: here,
                hint: "remove the tag; a job file holds plain values")
        }
        switch YAMLScalar.resolvePlain(text) {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .number(let number): return .number(number)
        case .string(let string):
            if !tag.isEmpty {
                throw Diagnostic(.yamlUnsupportedValue, "\"\(string)\" is not a valid \(tag)", at: here)
            }
            return .string(string)
        case .nonFinite(let written):
            throw Diagnostic(
                .yamlUnsupportedValue, "\(written) has no JSON representation", at: here,
                hint: "quote it if you mean the text \"\(written)\"")
        }
    }
}
