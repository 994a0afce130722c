/// RFC 3339 `date`, `time`, `date-time` and its Appendix A `duration`, on ASCII bytes only
/// (a Bengali digit is not a digit here).
enum DateTimeFormats {
    static func isDate(_ string: String) -> Bool {
        let bytes = Array(string.utf8)
        return bytes.count == 10 && isDate(bytes[...])
    }

    static func isTime(_ string: String) -> Bool {
        isTime(Array(string.utf8)[...])
    }

    static func isDateTime(_ string: String) -> Bool {
        let bytes = Array(string.utf8)
        guard bytes.count > 11, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") else { return false }
        return isDate(bytes[0..<10]) && isTime(bytes[11...])
    }

    /// A fixed-width run of ASCII digits as a number.
    static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard !bytes.isEmpty else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }

    private static func isDate(_ bytes: ArraySlice<UInt8>) -> Bool {
        let b = Array(bytes)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            let year = number(b[0..<4]), let month = number(b[5..<7]), let day = number(b[8..<10]),
            (1...12).contains(month), day >= 1
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }

    /// `HH:MM:SS[.frac](Z|±HH:MM)`, with a leap second allowed only at 23:59 UTC.
    private static func isTime(_ bytes: ArraySlice<UInt8>) -> Bool {
        let b = Array(bytes)
        guard b.count >= 9, b[2] == UInt8(ascii: ":"), b[5] == UInt8(ascii: ":"),
            let hour = number(b[0..<2]), let minute = number(b[3..<5]), let second = number(b[6..<8]),
            hour <= 23, minute <= 59, second <= 60
        else { return false }
        var index = 8
        if b[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < b.count, b[index] >= 48, b[index] <= 57 { index += 1 }
            guard index > start else { return false }
        }
        guard index < b.count else { return false }
        var offsetMinutes = 0
        switch b[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == b.count else { return false }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard b.count - index == 6, b[index + 3] == UInt8(ascii: ":"),
                let offsetHour = number(b[(index + 1)..<(index + 3)]),
                let offsetMinute = number(b[(index + 4)..<(index + 6)]),
                offsetHour <= 23, offsetMinute <= 59
            else { return false }
            offsetMinutes = (offsetHour * 60 + offsetMinute) * (b[index] == UInt8(ascii: "+") ? 1 : -1)
        default:
            return false
        }
        if second == 60 {
            let utc = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440
            return utc == 23 * 60 + 59
        }
        return true
    }

    /// `P[nY[nM[nD]]|nM[nD]|nD][T(nH[nM[nS]]|nM[nS]|nS)]` or `PnW`, per RFC 3339 Appendix A:
    /// units in order, none skipped within the date or the time part, at least one present.
    static func isDuration(_ string: String) -> Bool {
        let b = Array(string.utf8)
        guard b.first == UInt8(ascii: "P"), b.count > 1 else { return false }
        var elements: [(UInt8, Bool)] = []  // (unit, in time part)
        var index = 1
        var inTime = false
        while index < b.count {
            if b[index] == UInt8(ascii: "T") {
                guard !inTime else { return false }
                inTime = true
                index += 1
                guard index < b.count else { return false }
                continue
            }
            let start = index
            while index < b.count, b[index] >= 48, b[index] <= 57 { index += 1 }
            guard index > start, index < b.count else { return false }
            elements.append((b[index], inTime))
            index += 1
        }
        guard !elements.isEmpty else { return false }
        if elements.count == 1, elements[0] == (UInt8(ascii: "W"), false) { return true }
        let dateUnits: [UInt8] = Array("YMD".utf8)
        let timeUnits: [UInt8] = Array("HMS".utf8)
        let date = elements.filter { !$0.1 }.map(\.0)
        let time = elements.filter { $0.1 }.map(\.0)
        if inTime && time.isEmpty { return false }
        return isConsecutive(date, in: dateUnits) && isConsecutive(time, in: timeUnits)
    }

    /// Whether `units` is a run of consecutive members of `order` (e.g. "MD" in "YMD").
    private static func isConsecutive(_ units: [UInt8], in order: [UInt8]) -> Bool {
        if units.isEmpty { return true }
        guard let first = order.firstIndex(of: units[0]), first + units.count <= order.count else { return false }
        return Array(order[first..<(first + units.count)]) == units
    }
}
