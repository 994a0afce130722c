/// Why an input yields no usable items: a missing folder or file, a bad or duplicate record.
public struct InputProblem: Error, Sendable, Equatable {
    /// What is wrong, naming the input and the line.
    public var message: String
    /// The line of a JSON Lines input it concerns.
    public var line: Int?
    /// The input resolved, but to nothing.
    public var isEmpty: Bool
}
