/// A pattern of the regular part of ECMA-262 (literals, `.`, classes, `\d \w \s`, anchors,
/// groups, alternation, quantifiers) compiled to a Thompson automaton over Unicode scalars.
///
/// Why: `pattern` is asked one question — does the pattern match somewhere in the string —
/// and for these constructs that is a question about a regular language, which an
/// automaton answers in time linear in the string without the UTF-16 bridging that
/// `NSRegularExpression` needs on every call (it was 40% of validating a Darwin Core record).
/// Anything else (look-around, back-references, `\b`, `\p{...}`, escapes by code) makes
/// `compile` return nil and ICU runs the pattern, as before.
struct ScalarAutomaton: Sendable {
    /// Trivial (no reference inside), so walking the nodes costs no reference counting.
    private enum Node: Sendable {
        /// Reads one scalar of `sets[set]`.
        case scalar(set: Int, next: Int)
        case split(Int, Int)
        case lineStart(next: Int)
        case lineEnd(next: Int)
        case accept
    }

    private var nodes: [Node]
    private let sets: [ScalarSet]
    private let start: Int

    /// The automaton of `pattern`, or nil when the pattern uses anything beyond the
    /// regular constructs listed above (or would expand past `maximumNodes`).
    static func compile(_ pattern: String, maximumNodes: Int = 4096) -> ScalarAutomaton? {
        var parser = PatternParser(Array(pattern.unicodeScalars))
        guard let tree = parser.parseAll() else { return nil }
        var builder = Builder(maximumNodes: maximumNodes)
        builder.nodes.append(.accept)
        guard let start = builder.emit(tree, next: 0) else { return nil }
        return ScalarAutomaton(nodes: builder.nodes, sets: builder.sets, start: start)
    }

    /// Whether the pattern matches anywhere in `string`. Works in one stack buffer (no
    /// allocation per call): the marks, the two state lists and the closure's stack.
    func matches(_ string: String) -> Bool {
        let count = nodes.count
        // Marks, two lists of at most `count` states, and a stack of at most 2 * count + 1.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: count * 5 + 2) { buffer in
            let base = buffer.baseAddress!
            let seen = base
            var current = base + count
            var following = base + 2 * count
            let stack = base + 3 * count
            seen.initialize(repeating: -1, count: count)
            var currentCount = 0
            var generation = 0
            var iterator = string.unicodeScalars.makeIterator()
            var scalar = iterator.next()
            var atStart = true

            /// Adds `state` and everything reachable from it without reading a scalar to
            /// `list`; true when that reaches the accepting state.
            func add(_ state: Int, atEnd: Bool, into list: UnsafeMutablePointer<Int>, _ listCount: inout Int) -> Bool {
                var depth = 0
                stack[0] = state
                depth = 1
                while depth > 0 {
                    depth -= 1
                    let state = stack[depth]
                    guard seen[state] != generation else { continue }
                    seen[state] = generation
                    switch nodes[state] {
                    case .accept:
                        return true
                    case .scalar:
                        list[listCount] = state
                        listCount += 1
                    case .split(let a, let b):
                        stack[depth] = b
                        stack[depth + 1] = a
                        depth += 2
                    case .lineStart(let next):
                        if atStart {
                            stack[depth] = next
                            depth += 1
                        }
                    case .lineEnd(let next):
                        if atEnd {
                            stack[depth] = next
                            depth += 1
                        }
                    }
                }
                return false
            }

            while true {
                // A match may start at every position: the search is not anchored.
                if add(start, atEnd: scalar == nil, into: current, &currentCount) { return true }
                guard let character = scalar else { return false }
                scalar = iterator.next()
                generation += 1
                atStart = false
                var followingCount = 0
                for position in 0..<currentCount {
                    guard case .scalar(let set, let next) = nodes[current[position]],
                        sets[set].contains(character.value)
                    else { continue }
                    if add(next, atEnd: scalar == nil, into: following, &followingCount) { return true }
                }
                swap(&current, &following)
                currentCount = followingCount
            }
        }
    }

    /// Emits nodes back to front: each piece is built knowing where it continues.
    private struct Builder {
        var nodes: [Node] = []
        var sets: [ScalarSet] = []
        let maximumNodes: Int

        init(maximumNodes: Int) { self.maximumNodes = maximumNodes }

        mutating func append(_ node: Node) -> Int? {
            guard nodes.count < maximumNodes else { return nil }
            nodes.append(node)
            return nodes.count - 1
        }

        mutating func emit(_ tree: PatternTree, next: Int) -> Int? {
            switch tree {
            case .empty:
                return next
            case .set(let set):
                sets.append(set)
                return append(.scalar(set: sets.count - 1, next: next))
            case .lineStart:
                return append(.lineStart(next: next))
            case .lineEnd:
                return append(.lineEnd(next: next))
            case .sequence(let parts):
                var entry = next
                for part in parts.reversed() {
                    guard let built = emit(part, next: entry) else { return nil }
                    entry = built
                }
                return entry
            case .alternation(let branches):
                var entry: Int? = nil
                for branch in branches.reversed() {
                    guard let built = emit(branch, next: next) else { return nil }
                    if let later = entry {
                        guard let split = append(.split(built, later)) else { return nil }
                        entry = split
                    } else {
                        entry = built
                    }
                }
                return entry ?? next
            case .repeated(let body, let minimum, let maximum):
                var entry = next
                if let maximum {
                    // Up to (maximum - minimum) optional copies, each free to stop.
                    for _ in 0..<(maximum - minimum) {
                        guard let copy = emit(body, next: entry), let split = append(.split(copy, next)) else {
                            return nil
                        }
                        entry = split
                    }
                } else {
                    // A loop: the split goes into another copy or on.
                    guard let loop = append(.split(0, 0)) else { return nil }
                    guard let copy = emit(body, next: loop) else { return nil }
                    nodes[loop] = .split(copy, next)
                    entry = loop
                }
                for _ in 0..<minimum {
                    guard let copy = emit(body, next: entry) else { return nil }
                    entry = copy
                }
                return entry
            }
        }
    }
}

/// A set of scalars: ranges, possibly complemented.
struct ScalarSet: Sendable {
    var ranges: [ClosedRange<UInt32>]
    var negated: Bool

    func contains(_ value: UInt32) -> Bool {
        var found = false
        for range in ranges where range.contains(value) {
            found = true
            break
        }
        return found != negated
    }

    static let digit: [ClosedRange<UInt32>] = [0x30...0x39]
    static let word: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
    /// ECMA-262 WhiteSpace and LineTerminator.
    static let space: [ClosedRange<UInt32>] = [
        0x09...0x0D, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A, 0x2028...0x2029, 0x202F...0x202F,
        0x205F...0x205F,
        0x3000...0x3000, 0xFEFF...0xFEFF,
    ]
    /// What `.` does not match.
    static let lineTerminators: [ClosedRange<UInt32>] = [0x0A...0x0A, 0x0D...0x0D, 0x2028...0x2029]
}

indirect enum PatternTree: Sendable {
    case empty
    case set(ScalarSet)
    case lineStart
    case lineEnd
    case sequence([PatternTree])
    case alternation([PatternTree])
    case repeated(PatternTree, minimum: Int, maximum: Int?)
}

/// Parses the regular subset of ECMA-262; nil for anything outside it. Patterns reach it
/// only after `ECMARegexTranslator` accepted them, so it need not explain errors.
struct PatternParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    /// Repetition counts above this are left to ICU (the automaton would be large).
    private static let largestCount = 100

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    private var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    mutating func parseAll() -> PatternTree? {
        guard let tree = parseAlternation(), index == scalars.count else { return nil }
        return tree
    }

    private mutating func parseAlternation() -> PatternTree? {
        var branches: [PatternTree] = []
        while true {
            guard let branch = parseSequence() else { return nil }
            branches.append(branch)
            guard peek == "|" else { break }
            index += 1
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseSequence() -> PatternTree? {
        var parts: [PatternTree] = []
        while let c = peek, c != "|", c != ")" {
            guard var atom = parseAtom() else { return nil }
            if let (minimum, maximum) = parseQuantifier() {
                if case .lineStart = atom { return nil }
                if case .lineEnd = atom { return nil }
                guard minimum <= Self.largestCount, (maximum ?? 0) <= Self.largestCount, minimum <= (maximum ?? minimum)
                else { return nil }
                atom = .repeated(atom, minimum: minimum, maximum: maximum)
            } else if index < scalars.count, "*+?{".unicodeScalars.contains(scalars[index]) {
                return nil
            }
            parts.append(atom)
        }
        return parts.isEmpty ? .empty : parts.count == 1 ? parts[0] : .sequence(parts)
    }

    private mutating func parseAtom() -> PatternTree? {
        guard let c = peek else { return nil }
        index += 1
        switch c {
        case "^": return .lineStart
        case "$": return .lineEnd
        case ".": return .set(ScalarSet(ranges: ScalarSet.lineTerminators, negated: true))
        case "(":
            if peek == "?" {
                // Only a non-capturing group; look-around and named groups go to ICU.
                guard index + 1 < scalars.count, scalars[index + 1] == ":" else { return nil }
                index += 2
            }
            guard let inner = parseAlternation(), peek == ")" else { return nil }
            index += 1
            return inner
        case "[": return parseClass()
        case "\\": return parseEscape(inClass: false).map { .set($0) }
        case ")", "]", "{", "}", "*", "+", "?", "|": return nil
        default: return .set(ScalarSet(ranges: [c.value...c.value], negated: false))
        }
    }

    /// `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, each possibly lazy (the same language).
    private mutating func parseQuantifier() -> (Int, Int?)? {
        guard let c = peek else { return nil }
        var result: (Int, Int?)
        switch c {
        case "*": result = (0, nil)
        case "+": result = (1, nil)
        case "?": result = (0, 1)
        case "{":
            var position = index + 1
            func number() -> Int? {
                var value: Int? = nil
                while position < scalars.count, let digit = Int(String(scalars[position])),
                    ("0"..."9").contains(scalars[position])
                {
                    value = min(1_000_000, (value ?? 0) * 10 + digit)
                    position += 1
                }
                return value
            }
            guard let minimum = number() else { return nil }
            var maximum: Int? = minimum
            if position < scalars.count, scalars[position] == "," {
                position += 1
                maximum = number()
            }
            guard position < scalars.count, scalars[position] == "}" else { return nil }
            index = position
            result = (minimum, maximum)
        default:
            return nil
        }
        index += 1
        if peek == "?" { index += 1 }
        return result
    }

    private mutating func parseClass() -> PatternTree? {
        var negated = false
        if peek == "^" {
            negated = true
            index += 1
        }
        var ranges: [ClosedRange<UInt32>] = []
        while peek != nil, peek != "]" {
            guard let low = parseClassMember() else { return nil }
            if peek == "-", index + 1 < scalars.count, scalars[index + 1] != "]" {
                index += 1
                guard let high = parseClassMember(), low.count == 1, high.count == 1, low[0].count == 1,
                    high[0].count == 1,
                    low[0].lowerBound <= high[0].lowerBound
                else { return nil }
                ranges.append(low[0].lowerBound...high[0].lowerBound)
            } else {
                ranges += low
            }
        }
        guard peek == "]" else { return nil }
        index += 1
        return .set(ScalarSet(ranges: ranges, negated: negated))
    }

    /// One member of a class: a scalar (as a one-scalar range) or `\d \w \s`.
    private mutating func parseClassMember() -> [ClosedRange<UInt32>]? {
        guard let c = peek else { return nil }
        index += 1
        if c == "\\" {
            guard let set = parseEscape(inClass: true), !set.negated else { return nil }
            return set.ranges
        }
        if c == "[" { return nil }
        return [c.value...c.value]
    }

    /// After a backslash: the class escapes, control escapes, and escaped syntax characters.
    private mutating func parseEscape(inClass: Bool) -> ScalarSet? {
        guard let e = peek else { return nil }
        index += 1
        func single(_ value: UInt32) -> ScalarSet { ScalarSet(ranges: [value...value], negated: false) }
        switch e {
        case "d": return ScalarSet(ranges: ScalarSet.digit, negated: false)
        case "D": return ScalarSet(ranges: ScalarSet.digit, negated: true)
        case "w": return ScalarSet(ranges: ScalarSet.word, negated: false)
        case "W": return ScalarSet(ranges: ScalarSet.word, negated: true)
        case "s": return ScalarSet(ranges: ScalarSet.space, negated: false)
        case "S": return ScalarSet(ranges: ScalarSet.space, negated: true)
        case "n": return single(0x0A)
        case "r": return single(0x0D)
        case "t": return single(0x09)
        case "f": return single(0x0C)
        case "v": return single(0x0B)
        case "-" where inClass: return single(0x2D)
        default:
            // Escaped syntax characters stand for themselves; every other escape (codes,
            // back-references, \b, \p) is left to ICU.
            guard "^$\\.*+?()[]{}|/".unicodeScalars.contains(e) else { return nil }
            return single(e.value)
        }
    }
}
