/// A JSON object that keeps its keys in the order they were written (for messages and
/// output) and finds a key by hash. Equality ignores order, as JSON does.
public struct JSONObject: Sendable, Hashable, RandomAccessCollection {
    public typealias Element = (key: String, value: JSONValue)

    private var entries: [Element] = []
    /// Built only past `indexThreshold` keys: a short object is faster to scan than to hash.
    private var positions: [String: Int]? = nil
    private static let indexThreshold = 12

    public init() {}

    public init(minimumCapacity: Int) {
        entries.reserveCapacity(minimumCapacity)
    }

    public var startIndex: Int { entries.startIndex }
    public var endIndex: Int { entries.endIndex }
    public subscript(position: Int) -> Element { entries[position] }

    public var keys: [String] { entries.map(\.key) }

    /// The members in order, borrowed: no reference counting per member (the writer's
    /// hot path).
    func withMembers<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try entries.withUnsafeBufferPointer(body)
    }

    private func position(of key: String) -> Int? {
        if let positions { return positions[key] }
        return entries.firstIndex { $0.key == key }
    }

    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { entries[$0].value } }
        set {
            if let newValue {
                if let position = position(of: key) {
                    entries[position].value = newValue
                } else {
                    positions?[key] = entries.count
                    entries.append((key, newValue))
                    if positions == nil && entries.count > Self.indexThreshold {
                        positions = Dictionary(
                            uniqueKeysWithValues: entries.enumerated().map { ($0.element.key, $0.offset) })
                    }
                }
            } else if let position = position(of: key) {
                entries.remove(at: position)
                if positions != nil {
                    positions!.removeValue(forKey: key)
                    for index in position..<entries.count { positions![entries[index].key] = index }
                }
            }
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (key, value) in lhs.entries where rhs[key] != value { return false }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent: equal objects written in different orders hash alike.
        var sum = 0
        for (key, value) in entries {
            var entryHasher = Hasher()
            entryHasher.combine(key)
            entryHasher.combine(value)
            sum &+= entryHasher.finalize()
        }
        hasher.combine(entries.count)
        hasher.combine(sum)
    }
}
