import Foundation

/// Sizes as people read them in messages: `83,886,080 bytes (80.0 MiB)`, `16 MiB` for a
/// limit that is a whole number of MiB.
public enum ByteCount {
    public static func text(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        let exact = "\(bytes.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))) bytes"
        if bytes >= 1 << 20 { return exact + String(format: " (%.1f MiB)", Double(bytes) / 1_048_576) }
        if bytes >= 1 << 10 { return exact + String(format: " (%.1f KiB)", Double(bytes) / 1024) }
        return exact
    }
}
