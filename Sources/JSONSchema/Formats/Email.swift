/// RFC 5321 mailboxes (`email`) and their RFC 6531 internationalised form (`idn-email`):
/// a dot-atom or quoted local part, then a host name or an address literal.
enum Email {
    static func isEmail(_ string: String, international: Bool) -> Bool {
        let scalars = Array(string.unicodeScalars)
        guard let at = scalars.lastIndex(of: "@"), at > 0, at < scalars.count - 1 else { return false }
        let local = Array(scalars[..<at])
        let domain = String(String.UnicodeScalarView(scalars[(at + 1)...]))
        guard isLocalPart(local, international: international) else { return false }
        if domain.hasPrefix("["), domain.hasSuffix("]") {
            let literal = String(domain.dropFirst().dropLast())
            if literal.hasPrefix("IPv6:") { return IPAddress.isIPv6(String(literal.dropFirst(5))) }
            return IPAddress.isIPv4(literal)
        }
        return international ? Hostname.isIDNHostname(domain) : Hostname.isHostname(domain)
    }

    private static let atext: Set<Unicode.Scalar> = Set("!#$%&'*+-/=?^_`{|}~".unicodeScalars)

    private static func isLocalPart(_ local: [Unicode.Scalar], international: Bool) -> Bool {
        if local.first == "\"" {
            guard local.count >= 2, local.last == "\"" else { return false }
            var index = 1
            while index < local.count - 1 {
                let scalar = local[index]
                if scalar == "\\" {
                    guard index + 1 < local.count - 1, (0x20...0x7E).contains(local[index + 1].value) else {
                        return false
                    }
                    index += 2
                    continue
                }
                guard scalar != "\"", (0x20...0x7E).contains(scalar.value) || (international && scalar.value >= 0x80)
                else { return false }
                index += 1
            }
            return true
        }
        guard local.first != ".", local.last != "." else { return false }
        var previousDot = false
        for scalar in local {
            if scalar == "." {
                if previousDot { return false }
                previousDot = true
                continue
            }
            previousDot = false
            let allowed =
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || atext.contains(scalar) || (international && scalar.value >= 0x80)
            guard allowed else { return false }
        }
        return true
    }
}
