/// Why an input yields no usable items.
public enum InputResolver {
    public struct Problem: Error, Sendable, Equatable {
        public var message: String
        /// The line of a JSON Lines input it concerns.
        public var line: Int?
        /// The input resolved, but to nothing.
        public var isEmpty: Bool
    }
}
