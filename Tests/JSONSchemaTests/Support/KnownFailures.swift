/// Optional official tests Vigil's validator fails, each with the reason.
enum KnownFailures {
    static let formats: [String: String] = [:]
}
