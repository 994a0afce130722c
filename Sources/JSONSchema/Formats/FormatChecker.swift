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

    static let checks: [String: @Sendable (String) -> Bool] = [:]
}
