/// Builds compact JSON text into bytes, quickly: no intermediate values, no dictionaries,
/// and one capacity check per value written (a raw buffer, not per-byte `Array` appends:
/// the event log writes hundreds of thousands of lines a second through it).
///
/// Noncopyable: the writer owns its buffer outright, so a write is a bounds check and a
/// store — no reference count, no copy-on-write uniqueness test (that test alone was 5%
/// of the event bus's time when the buffer lived in a class).
public struct JSONWriter: ~Copyable, @unchecked Sendable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// How many bytes are written.
    public private(set) var count = 0
    /// Whether the next member or element needs a comma before it.
    private var needsComma = false

    public init(capacity: Int = 256) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written so far (a copy).
    public var bytes: [UInt8] { withBytes { Array($0) } }

    /// The bytes written so far, without copying them.
    public func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    public var text: String { withBytes { String(decoding: $0, as: UTF8.self) } }

    /// Forgets what was written, keeping the buffer.
    public mutating func removeAll() {
        count = 0
        needsComma = false
    }

    /// Makes room for `extra` more bytes and returns where they go.
    @inline(__always)
    private mutating func reserve(_ extra: Int) -> UnsafeMutablePointer<UInt8> {
        if count + extra > capacity { grow(toFit: count + extra) }
        return base + count
    }

    private mutating func grow(toFit needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = newCapacity
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        reserve(1).pointee = byte
        count += 1
    }

    @inline(__always)
    private mutating func put(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let start = buffer.baseAddress, buffer.count > 0 else { return }
        reserve(buffer.count).update(from: start, count: buffer.count)
        count += buffer.count
    }

    public mutating func beginObject() {
        separate()
        put(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        put(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func beginArray() {
        separate()
        put(UInt8(ascii: "["))
        needsComma = false
    }

    public mutating func endArray() {
        put(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A member name known at compile time (ASCII, nothing to escape): the hot path.
    public mutating func field(_ name: StaticString) {
        let length = name.utf8CodeUnitCount
        let target = reserve(length + 4)
        var offset = 0
        if needsComma {
            target[0] = UInt8(ascii: ",")
            offset = 1
        }
        target[offset] = UInt8(ascii: "\"")
        (target + offset + 1).update(from: name.utf8Start, count: length)
        target[offset + 1 + length] = UInt8(ascii: "\"")
        target[offset + 2 + length] = UInt8(ascii: ":")
        count += offset + length + 3
        needsComma = false
    }

    /// A member name; the value written next belongs to it.
    public mutating func key(_ name: String) {
        separate()
        writeString(name)
        put(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func string(_ value: String) {
        separate()
        writeString(value)
        needsComma = true
    }

    /// A string whose bytes need no escaping (ASCII letters, digits, punctuation): the
    /// caller guarantees it. Used for timestamps and event types on the hot path.
    public mutating func plainString(_ utf8: UnsafeBufferPointer<UInt8>) {
        separate()
        let target = reserve(utf8.count + 2)
        target[0] = UInt8(ascii: "\"")
        if let start = utf8.baseAddress { (target + 1).update(from: start, count: utf8.count) }
        target[utf8.count + 1] = UInt8(ascii: "\"")
        count += utf8.count + 2
        needsComma = true
    }

    public mutating func plainString(_ text: StaticString) {
        plainString(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    public mutating func int(_ value: Int) {
        separate()
        appendDigits(value)
        needsComma = true
    }

    /// Decimal digits without an intermediate String: counted first, then written from the
    /// last one back, straight into the buffer.
    private mutating func appendDigits(_ value: Int) {
        var target = reserve(21)
        if value < 0 {
            target[0] = UInt8(ascii: "-")
            target += 1
            count &+= 1
        }
        var magnitude = value.magnitude
        var digits = 1
        var bound: UInt = 10
        while magnitude >= bound && digits < 19 {
            digits &+= 1
            bound &*= 10
        }
        if magnitude >= bound { digits &+= 1 }  // 20 digits: more than 10^19
        var position = digits
        repeat {
            position &-= 1
            target[position] = UInt8(truncatingIfNeeded: 48 &+ magnitude % 10)
            magnitude /= 10
        } while position > 0
        count &+= digits
    }

    /// A finite double in its shortest form (`null` for NaN and infinities, which JSON lacks).
    public mutating func double(_ value: Double) {
        separate()
        if !value.isFinite {
            appendASCII("null")
        } else if let exact = Int(exactly: value), abs(exact) < 1 << 53 {
            appendDigits(exact)
        } else {
            appendASCII("\(value)")
        }
        needsComma = true
    }

    public mutating func bool(_ value: Bool) {
        separate()
        appendASCII(value ? "true" : "false")
        needsComma = true
    }

    public mutating func null() {
        separate()
        appendASCII("null")
        needsComma = true
    }

    /// Bytes that are already valid JSON text (a number's canonical form).
    public mutating func raw(_ text: String) {
        separate()
        appendASCII(text)
        needsComma = true
    }

    private mutating func appendASCII(_ text: String) {
        var text = text
        text.withUTF8 { put($0) }
    }

    public mutating func value(_ value: JSONValue, sortedKeys: Bool = false) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let number):
            if let integer = number.int64Value {
                separate()
                appendDigits(Int(integer))
                needsComma = true
            } else {
                raw(number.description)
            }
        case .string(let text): string(text)
        case .array(let elements):
            beginArray()
            // Through the buffer: each element is borrowed, not retained and released.
            elements.withUnsafeBufferPointer { elements in
                for index in elements.indices { self.value(elements[index], sortedKeys: sortedKeys) }
            }
            endArray()
        case .object(let object):
            beginObject()
            if sortedKeys {
                for (name, member) in object.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                    key(name)
                    self.value(member, sortedKeys: true)
                }
            } else {
                object.withMembers { members in
                    for index in members.indices {
                        key(members[index].key)
                        self.value(members[index].value, sortedKeys: false)
                    }
                }
            }
            endObject()
        }
    }

    public mutating func newline() {
        put(0x0A)
        needsComma = false
    }

    @inline(__always)
    private mutating func separate() {
        if needsComma { put(UInt8(ascii: ",")) }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func writeString(_ value: String) {
        // `withUTF8` gives a small string's bytes from the stack and a native one's in place
        // (it copies only a bridged string, which Linux does not have).
        var text = value
        text.withUTF8 { appendQuoted($0) }
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Whether any byte of `word` is below 0x20, a quote or a backslash (SWAR tests).
    @inline(__always)
    private static func needsEscape(_ word: UInt64) -> Bool {
        func hasZero(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
        let below = (word &- ones &* 0x20) & ~word & highs
        return below != 0 || hasZero(word ^ (ones &* 0x22)) || hasZero(word ^ (ones &* 0x5C))
    }

    /// Up to seven bytes as one word, the rest filled with spaces (which need no escaping),
    /// so a short string's tail goes through the same word test as its body. Read with at
    /// most three loads (4, 2, 1 bytes): a byte-by-byte loop cost more than the test, and a
    /// `memcpy` into a stack word stalled the load that followed it (store forwarding).
    @inline(__always)
    private static func shortWord(_ source: UnsafePointer<UInt8>, count: Int) -> UInt64 {
        let raw = UnsafeRawPointer(source)
        var word: UInt64 = 0x2020_2020_2020_2020
        var offset = 0
        if count & 4 != 0 {
            word = (word & ~0xFFFF_FFFF) | UInt64(raw.loadUnaligned(as: UInt32.self).littleEndian)
            offset = 4
        }
        if count & 2 != 0 {
            let shift = UInt64(offset &* 8)
            word =
                (word & ~(0xFFFF &<< shift))
                | (UInt64(raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self).littleEndian) &<< shift)
            offset &+= 2
        }
        if count & 1 != 0 {
            let shift = UInt64(offset &* 8)
            word = (word & ~(0xFF &<< shift)) | (UInt64(source[offset]) &<< shift)
        }
        // Byte i of the string is now the word's i-th lowest: stored little-endian, it lands
        // in memory in string order.
        return word
    }

    /// The string between quotes. Most strings need no escaping: eight plain bytes are
    /// copied with one load and one store, and so is the tail: as the string's last eight
    /// bytes (overlapping what is already copied) when nothing before it was escaped, else
    /// as a word padded with spaces. The input goes in slices of at most 4 KiB, each with
    /// room reserved once for its worst case (every byte a six-byte `\u00XX`), the quotes
    /// and a word of slack, so the loop writes without checks; the count moves only by the
    /// bytes that belong to the string.
    private mutating func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        guard let source = utf8.baseAddress, utf8.count > 0 else {
            let target = reserve(2)
            target[0] = UInt8(ascii: "\"")
            target[1] = UInt8(ascii: "\"")
            count &+= 2
            return
        }
        var sliceStart = 0
        while sliceStart < utf8.count {
            let sliceEnd = min(utf8.count, sliceStart &+ 4096)
            let target = reserve((sliceEnd &- sliceStart) &* 6 &+ 10)
            var written = 0
            if sliceStart == 0 {
                target[0] = UInt8(ascii: "\"")
                written = 1
            }
            written &+= Self.escape(source + sliceStart, count: sliceEnd &- sliceStart, into: target + written)
            if sliceEnd == utf8.count {
                target[written] = UInt8(ascii: "\"")
                written &+= 1
            }
            count &+= written
            sliceStart = sliceEnd
        }
    }

    /// Writes `count` bytes escaped for JSON at `target` (room for the worst case plus a
    /// word); returns the bytes written.
    @inline(__always)
    private static func escape(_ source: UnsafePointer<UInt8>, count: Int, into target: UnsafeMutablePointer<UInt8>)
        -> Int
    {
        var index = 0
        var written = 0
        while count &- index >= 8 {
            let word = UnsafeRawPointer(source + index).loadUnaligned(as: UInt64.self)
            if needsEscape(word) {
                written &+= escapeBytes(source + index, count: 8, into: target + written)
            } else {
                UnsafeMutableRawPointer(target + written).storeBytes(of: word, as: UInt64.self)
                written &+= 8
            }
            index &+= 8
        }
        let remaining = count &- index
        guard remaining > 0 else { return written }
        if count >= 8 && written == index {
            // Nothing escaped so far, so input and output offsets agree: the last eight
            // bytes go where they belong, rewriting the overlap with the same bytes.
            let word = UnsafeRawPointer(source + (count &- 8)).loadUnaligned(as: UInt64.self)
            if !needsEscape(word) {
                UnsafeMutableRawPointer(target + (count &- 8)).storeBytes(of: word, as: UInt64.self)
                return count
            }
        } else {
            let word = shortWord(source + index, count: remaining)
            if !needsEscape(word) {
                UnsafeMutableRawPointer(target + written).storeBytes(of: word.littleEndian, as: UInt64.self)
                return written &+ remaining
            }
        }
        return written &+ escapeBytes(source + index, count: remaining, into: target + written)
    }

    /// The byte-by-byte escape, for the words that hold something to escape.
    private static func escapeBytes(
        _ source: UnsafePointer<UInt8>, count: Int, into target: UnsafeMutablePointer<UInt8>
    ) -> Int {
        var written = 0
        for index in 0..<count {
            let byte = source[index]
            if byte >= 0x20 && byte != 0x22 && byte != 0x5C {
                target[written] = byte
                written &+= 1
                continue
            }
            target[written] = 0x5C
            switch byte {
            case 0x22:
                target[written &+ 1] = 0x22
                written &+= 2
            case 0x5C:
                target[written &+ 1] = 0x5C
                written &+= 2
            case 0x0A:
                target[written &+ 1] = UInt8(ascii: "n")
                written &+= 2
            case 0x0D:
                target[written &+ 1] = UInt8(ascii: "r")
                written &+= 2
            case 0x09:
                target[written &+ 1] = UInt8(ascii: "t")
                written &+= 2
            default:
                target[written &+ 1] = UInt8(ascii: "u")
                target[written &+ 2] = 0x30
                target[written &+ 3] = 0x30
                target[written &+ 4] = hex[Int(byte >> 4)]
                target[written &+ 5] = hex[Int(byte & 0xF)]
                written &+= 6
            }
        }
        return written
    }
}
