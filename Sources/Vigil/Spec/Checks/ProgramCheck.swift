import Foundation

/// The command provider's program exists: a path (relative to the job folder) must be an
/// executable file; a bare name must be found on PATH.
enum ProgramCheck {
    static func run(_ context: inout JobCheckContext) {
        guard case .command(let arguments, _, _) = context.job.model.provider, let program = arguments.first,
            let location = context.job.locations[.program]
        else { return }
        if program.contains("/") {
            let url = context.url(program)
            guard FileManager.default.isExecutableFile(atPath: url.path) else {
                let exists = FileManager.default.fileExists(atPath: url.path)
                context.report(
                    Diagnostic(
                        .programNotFound,
                        exists ? "\(program) is not executable" : "the program \(program) does not exist",
                        at: location,
                        hint: exists
                            ? "chmod +x \(program), or run it through its interpreter: [python3, \(program)]" : nil))
                return
            }
            return
        }
        if ProgramSearch.find(program, path: context.environment["PATH"], workingFolder: context.job.folder) == nil {
            context.report(Diagnostic(.programNotFound, "the program \"\(program)\" is not on PATH", at: location))
        }
    }
}
