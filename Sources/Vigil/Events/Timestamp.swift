import Foundation

/// ISO 8601 UTC timestamps with milliseconds (`2026-11-23T18:00:00.123Z`), formatted by
/// hand: the event log writes one per event, and Foundation's formatters cost microseconds.
public enum Timestamp {
    /// Seconds since 1970, now.
    public static func now() -> Double { Date().timeIntervalSince1970 }

    /// `2026-11-23T18:00:00.123Z`.
    public static func iso8601(_ time: Double) -> String {
        var formatter = TimestampFormatter()
        return formatter.withBytes(time) { String(decoding: $0, as: UTF8.self) }
    }
}

/// Formats timestamps, reusing the date and time of the last second formatted (events
/// come many to a second), so one costs a few stores. The text lives in the formatter
/// itself (24 bytes inline, no array to count references to).
public struct TimestampFormatter: Sendable {
    private var second = Int.min
    private var text: (UInt64, UInt64, UInt64) = (0, 0, 0)

    /// A formatter with an empty cache.
    public init() {}

    /// `2026-11-23T18:00:00.123Z` as bytes, for the length of `body`.
    public mutating func withBytes<R>(_ time: Double, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let totalMilliseconds = Int((time * 1000).rounded(.down))
        var seconds = totalMilliseconds / 1000
        var millis = totalMilliseconds % 1000
        if millis < 0 {
            millis += 1000
            seconds -= 1
        }
        let newSecond = seconds != second
        second = seconds
        return try withUnsafeMutableBytes(of: &text) { raw in
            let text = raw.bindMemory(to: UInt8.self)
            if newSecond {
                let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
                let secondOfDay = seconds - days * 86_400
                let (year, month, day) = Timestamp.civil(fromDays: days)
                func put(_ value: Int, _ count: Int, at offset: Int) {
                    var rest = value
                    for position in stride(from: offset + count - 1, through: offset, by: -1) {
                        text[position] = UInt8(48 + rest % 10)
                        rest /= 10
                    }
                }
                put(year, 4, at: 0)
                text[4] = UInt8(ascii: "-")
                put(month, 2, at: 5)
                text[7] = UInt8(ascii: "-")
                put(day, 2, at: 8)
                text[10] = UInt8(ascii: "T")
                put(secondOfDay / 3600, 2, at: 11)
                text[13] = UInt8(ascii: ":")
                put(secondOfDay / 60 % 60, 2, at: 14)
                text[16] = UInt8(ascii: ":")
                put(secondOfDay % 60, 2, at: 17)
                text[19] = UInt8(ascii: ".")
                text[23] = UInt8(ascii: "Z")
            }
            text[20] = UInt8(48 + millis / 100)
            text[21] = UInt8(48 + millis / 10 % 10)
            text[22] = UInt8(48 + millis % 10)
            return try body(UnsafeBufferPointer(text))
        }
    }
}

extension Timestamp {
    /// Howard Hinnant's days-to-civil algorithm.
    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Howard Hinnant's civil-to-days algorithm: days since 1970-01-01.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Parses what `iso8601` writes (and any RFC 3339 UTC time). The log's own form is read
    /// by hand (a replay of 100,000 items reads as many; Foundation's formatter costs
    /// tens of microseconds each).
    public static func parse(_ text: String) -> Double? {
        if let fast = parseLogForm(text) { return fast }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)?.timeIntervalSince1970
    }
}

extension Timestamp {
    /// `YYYY-MM-DDTHH:MM:SS[.f...]Z`, or nil for any other form.
    static func parseLogForm(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { bytes -> Double? in
            guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
                bytes[10] == UInt8(ascii: "T"),
                bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
                bytes[bytes.count - 1] == UInt8(ascii: "Z")
            else { return nil }
            func number(_ start: Int, _ count: Int) -> Int? {
                var value = 0
                for index in start..<(start + count) {
                    let digit = Int(bytes[index]) - 48
                    guard (0...9).contains(digit) else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                let minute = number(14, 2),
                let second = number(17, 2), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
                second < 61
            else { return nil }
            var fraction = 0.0
            if bytes.count > 20 {
                guard bytes[19] == UInt8(ascii: "."), bytes.count > 21 else { return nil }
                var scale = 0.1
                for index in 20..<(bytes.count - 1) {
                    let digit = Int(bytes[index]) - 48
                    guard (0...9).contains(digit) else { return nil }
                    fraction += Double(digit) * scale
                    scale /= 10
                }
            } else if bytes[19] != UInt8(ascii: "Z") {
                return nil
            }
            let seconds = days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
            return Double(seconds) + fraction
        }
    }
}
