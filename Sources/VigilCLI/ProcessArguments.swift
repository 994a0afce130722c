import CProcessArguments

/// The command line's arguments (after the program's name), as the C runtime handed them to
/// the process: correct in a root without /proc, where a statically linked Swift program's
/// `CommandLine.arguments` is empty (see CProcessArguments.h).
enum ProcessArguments {
    static var current: [String] {
        let count = Int(vigil_argument_count())
        guard count > 0 else { return Array(CommandLine.arguments.dropFirst()) }
        return (1..<count).map { index in vigil_argument(Int32(index)).map { String(cString: $0) } ?? "" }
    }
}
