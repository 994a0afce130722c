/// Builds compact JSON text into bytes, quickly: no intermediate values, no dictionaries,
/// and one capacity check per value written (a raw buffer, not per-byte `Array` appends:
/// the event log writes hundreds of thousands of lines a second through it).
public struct JSONWriter: @unchecked Sendable {
    // Copy-on-write: `storage` is copied before a write when shared, so a copy of a writer
    // behaves as a value.
    private var storage: ByteStorage
    /// Whether the next member or element needs a comma before it.
    private var needsComma = false

    public init(capacity: Int = 256) {
        storage = ByteStorage(capacity: max(16, capacity))
    }

    /// The bytes written so far (a copy).
    public var bytes: [UInt8] { withBytes { Array($0) } }

    /// How many bytes are written.
    public var count: Int { storage.count }

    /// The bytes written so far, without copying them.
    public func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try body(UnsafeBufferPointer(start: storage.pointer, count: storage.count))
    }

    public var text: String { withBytes { String(decoding: $0, as: UTF8.self) } }

    public mutating func removeAll(keepingCapacity: Bool = true) {
        if isKnownUniquelyReferenced(&storage) {
            storage.count = 0
        } else {
            storage = ByteStorage(capacity: storage.capacity)
        }
        needsComma = false
    }

    /// Makes room for `extra` more bytes and returns where they go.
    @inline(__always)
    private mutating func reserve(_ extra: Int) -> UnsafeMutablePointer<UInt8> {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy(minimumCapacity: storage.count + extra) }
        if storage.count + extra > storage.capacity { storage.grow(toFit: storage.count + extra) }
        return storage.pointer + storage.count
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        reserve(1).pointee = byte
        storage.count += 1
    }

    @inline(__always)
    private mutating func put(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        reserve(buffer.count).update(from: base, count: buffer.count)
        storage.count += buffer.count
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
        storage.count += offset + length + 3
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
    /// caller guarantees it. Used for timestamps on the hot path.
    public mutating func plainString(_ utf8: [UInt8]) {
        separate()
        put(UInt8(ascii: "\""))
        utf8.withUnsafeBufferPointer { put($0) }
        put(UInt8(ascii: "\""))
        needsComma = true
    }

    public mutating func int(_ value: Int) {
        separate()
        appendDigits(value)
        needsComma = true
    }

    /// Decimal digits without an intermediate String.
    private mutating func appendDigits(_ value: Int) {
        let target = reserve(20)
        var magnitude = value.magnitude
        var digits = 0
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &scratch) { buffer in
            repeat {
                buffer[23 - digits] = UInt8(48 + magnitude % 10)
                magnitude /= 10
                digits += 1
            } while magnitude > 0
            var offset = 0
            if value < 0 {
                target[0] = UInt8(ascii: "-")
                offset = 1
            }
            for index in 0..<digits { target[offset + index] = buffer[24 - digits + index] }
            storage.count += offset + digits
        }
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
            for element in elements { self.value(element, sortedKeys: sortedKeys) }
            endArray()
        case .object(let object):
            beginObject()
            if sortedKeys {
                for (name, member) in object.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                    key(name)
                    self.value(member, sortedKeys: true)
                }
            } else {
                for (name, member) in object {
                    key(name)
                    self.value(member, sortedKeys: false)
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
        put(UInt8(ascii: "\""))
        if value.utf8.withContiguousStorageIfAvailable({ appendEscaped($0) }) == nil {
            Array(value.utf8).withUnsafeBufferPointer { appendEscaped($0) }
        }
        put(UInt8(ascii: "\""))
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

    /// Most strings need no escaping: runs of plain bytes are copied whole.
    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var start = 0
        var index = 0
        let count = utf8.count
        let base = UnsafeRawPointer(utf8.baseAddress)
        while index < count {
            // Eight bytes at a time: skip words with no control byte, quote or backslash.
            if let base, count - index >= 8 {
                let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if !Self.needsEscape(word) {
                    index += 8
                    continue
                }
            }
            let byte = utf8[index]
            if byte >= 0x20 && byte != 0x22 && byte != 0x5C {
                index += 1
                continue
            }
            if index > start { put(UnsafeBufferPointer(rebasing: utf8[start..<index])) }
            let target = reserve(6)
            target[0] = 0x5C
            switch byte {
            case 0x22: target[1] = 0x22; storage.count += 2
            case 0x5C: target[1] = 0x5C; storage.count += 2
            case 0x0A: target[1] = UInt8(ascii: "n"); storage.count += 2
            case 0x0D: target[1] = UInt8(ascii: "r"); storage.count += 2
            case 0x09: target[1] = UInt8(ascii: "t"); storage.count += 2
            default:
                target[1] = UInt8(ascii: "u")
                target[2] = 0x30
                target[3] = 0x30
                target[4] = Self.hex[Int(byte >> 4)]
                target[5] = Self.hex[Int(byte & 0xF)]
                storage.count += 6
            }
            index += 1
            start = index
        }
        if start < count { put(UnsafeBufferPointer(rebasing: utf8[start..<count])) }
    }
}

/// The writer's growable byte buffer.
final class ByteStorage {
    var pointer: UnsafeMutablePointer<UInt8>
    var count = 0
    var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        pointer = .allocate(capacity: capacity)
    }

    deinit { pointer.deallocate() }

    func grow(toFit needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: pointer, count: count)
        pointer.deallocate()
        pointer = bigger
        capacity = newCapacity
    }

    func copy(minimumCapacity: Int) -> ByteStorage {
        let copy = ByteStorage(capacity: max(capacity, minimumCapacity))
        copy.pointer.update(from: pointer, count: count)
        copy.count = count
        return copy
    }
}
