import Foundation

extension Double {
    /// A share as people read it: `80%`, or `83.3%` when not whole.
    public var percentText: String {
        let percent = self * 100
        return percent == percent.rounded() ? "\(Int(percent))%" : String(format: "%.1f%%", percent)
    }
}
