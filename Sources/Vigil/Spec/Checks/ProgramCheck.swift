import Foundation

/// The command provider's program exists: a path (relative to the job folder) must be an
/// executable file; a bare name must be found on PATH.
enum ProgramCheck {
    static func run(_ context: inout JobCheckContext) {
        guard context.string("model", "provider")?.text == "command",
            let first = context.value("model", "command")?.elements.first, let program = first.stringValue
        else { return }
        if program.contains("/") {
            let url = context.url(program)
            guard FileManager.default.isExecutableFile(atPath: url.path) else {
                let exists = FileManager.default.fileExists(atPath: url.path)
                context.report(
                    Diagnostic(
                        .programNotFound, exists ? "\(program) is not executable" : "the program \(program) does not exist",
                        at: first.location, hint: exists ? "chmod +x \(program), or run it through its interpreter: [python3, \(program)]" : nil))
                return
            }
            return
        }
        if ProgramSearch.find(program, path: context.environment["PATH"], workingFolder: context.folder) == nil {
            context.report(Diagnostic(.programNotFound, "the program \"\(program)\" is not on PATH", at: first.location))
        }
    }
}
