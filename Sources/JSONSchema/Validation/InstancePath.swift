/// The path from the instance root to the value being validated, built only when errors
/// are being collected (so validating a valid instance allocates nothing for it).
indirect enum InstancePath: Sendable {
    case root
    case key(InstancePath, String)
    case index(InstancePath, Int)

    /// RFC 6901 JSON Pointer text.
    var pointer: String {
        var tokens: [String] = []
        var current = self
        while true {
            switch current {
            case .root:
                return JSONPointer.string(tokens.reversed())
            case .key(let parent, let key):
                tokens.append(key)
                current = parent
            case .index(let parent, let index):
                tokens.append(String(index))
                current = parent
            }
        }
    }
}
