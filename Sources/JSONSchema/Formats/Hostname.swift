/// Host names: RFC 1123 `hostname` (ASCII; `xn--` labels must be valid IDNA A-labels) and
/// RFC 5890 `idn-hostname` (Unicode labels checked with the IDNA2008 rules of RFC 5892,
/// the contextual rules of its Appendix A, and the Bidi rule of RFC 5893).
enum Hostname {
    static func isHostname(_ string: String) -> Bool {
        guard !string.isEmpty, string.utf8.allSatisfy({ $0 < 0x80 }), string.utf8.count <= 253 else { return false }
        let labels = string.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
        return areValid(labels)
    }

    static func isIDNHostname(_ string: String) -> Bool {
        guard !string.isEmpty else { return false }
        let separators: Set<Unicode.Scalar> = [".", "\u{3002}", "\u{FF0E}", "\u{FF61}"]
        var labels: [[Unicode.Scalar]] = [[]]
        for scalar in string.unicodeScalars {
            if separators.contains(scalar) { labels.append([]) } else { labels[labels.count - 1].append(scalar) }
        }
        return areValid(labels)
    }

    private static func areValid(_ labels: [[Unicode.Scalar]]) -> Bool {
        var unicodeLabels: [[Unicode.Scalar]] = []
        var length = labels.count - 1
        for label in labels {
            guard !label.isEmpty else { return false }
            if label.allSatisfy(\.isASCII) {
                guard label.count <= 63, isLDH(label) else { return false }
                length += label.count
                let text = String(String.UnicodeScalarView(label)).lowercased()
                if text.dropFirst(2).hasPrefix("--") {
                    guard text.hasPrefix("xn--"), let decoded = Punycode.decode(String(text.dropFirst(4))),
                        !decoded.allSatisfy(\.isASCII), Punycode.encode(decoded) == text.dropFirst(4),
                        IDNA.isValidULabel(decoded)
                    else { return false }
                    unicodeLabels.append(decoded)
                } else {
                    unicodeLabels.append(label)
                }
            } else {
                guard IDNA.isValidULabel(label) else { return false }
                let aLabelLength = 4 + Punycode.encode(label).count
                guard aLabelLength <= 63 else { return false }
                length += aLabelLength
                unicodeLabels.append(label)
            }
        }
        guard length <= 253 else { return false }
        return IDNA.satisfiesBidiRule(unicodeLabels)
    }

    /// Letters, digits and hyphens, not starting or ending with a hyphen.
    private static func isLDH(_ label: [Unicode.Scalar]) -> Bool {
        guard label.first != "-", label.last != "-" else { return false }
        return label.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        }
    }
}
