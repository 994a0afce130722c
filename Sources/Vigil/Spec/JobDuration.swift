/// A duration written in a job file: a number and a unit (`500ms`, `90s`, `2m`, `1h`).
public struct JobDuration: Sendable, Hashable, CustomStringConvertible {
    /// The length in seconds.
    public var seconds: Double
    /// As written, for messages and manifests.
    public var text: String

    /// Parses `500ms`, `90s`, `2m`, `1h` (nil: not a duration).
    public init?(_ text: String) {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                let value = Double(number)
            else { return nil }
            self.seconds = value * scale
            self.text = text
            return
        }
        return nil
    }

    /// A duration of `seconds`.
    public init(seconds: Double) {
        self.seconds = seconds
        self.text = "\(seconds)s"
    }

    /// As a Swift `Duration`, to the millisecond.
    public var duration: Duration { .milliseconds(Int64((seconds * 1000).rounded())) }
    /// As the job wrote it (`90s`), so messages quote the job's own words.
    public var description: String { text }
}
