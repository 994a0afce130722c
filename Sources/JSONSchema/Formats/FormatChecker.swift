/// A `format` the validator can assert, by name.
struct FormatChecker: Sendable {
    let name: String
    private let check: @Sendable (String) -> Bool

    init?(name: String) {
        guard let check = Self.checks[name] else { return nil }
        self.name = name
        self.check = check
    }

    func isValid(_ string: String) -> Bool { check(string) }

    /// Every format with a checker. Others (and all formats, unless asserted) are annotations.
    static let checks: [String: @Sendable (String) -> Bool] = [
        "date-time": DateTimeFormats.isDateTime,
        "date": DateTimeFormats.isDate,
        "time": DateTimeFormats.isTime,
        "duration": DateTimeFormats.isDuration,
        "email": { Email.isEmail($0, international: false) },
        "idn-email": { Email.isEmail($0, international: true) },
        "hostname": Hostname.isHostname,
        "idn-hostname": Hostname.isIDNHostname,
        "ipv4": IPAddress.isIPv4,
        "ipv6": IPAddress.isIPv6,
        "uri": { URIFormat.isValid($0, requiresScheme: true, allowsUnicode: false) },
        "uri-reference": { URIFormat.isValid($0, requiresScheme: false, allowsUnicode: false) },
        "iri": { URIFormat.isValid($0, requiresScheme: true, allowsUnicode: true) },
        "iri-reference": { URIFormat.isValid($0, requiresScheme: false, allowsUnicode: true) },
        "uri-template": OtherFormats.isURITemplate,
        "uuid": OtherFormats.isUUID,
        "regex": OtherFormats.isRegex,
        "json-pointer": OtherFormats.isJSONPointer,
        "relative-json-pointer": OtherFormats.isRelativeJSONPointer,
    ]
}
