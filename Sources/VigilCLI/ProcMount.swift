import Foundation
import Vigil

/// Whether `/proc` is mounted, for the commands that run for more than a moment. Swift's
/// runtime on Linux schedules its tasks on libdispatch's thread pool, whose monitor reads
/// `/proc/<thread>/stat` once a second while work waits; without `/proc` it stops the process
/// (SIGILL, "registered worker exited prematurely") at whatever moment that happens: a run cut
/// off mid-item, a resume that crashes at random. Such a command refuses at its start instead,
/// with the fix; the short ones (validate, plan, pin, schema) work in a bare chroot.
enum ProcMount {
    /// Throws, naming `command` and the fix, when `/proc` is not mounted (Linux only).
    static func require(for command: String) throws {
        #if os(Linux)
            guard access("/proc/self/stat", R_OK) != 0 else { return }
            throw CommandFailure(
                "vigil \(command) needs /proc mounted (Swift's thread pool reads /proc/<thread>/stat; without it the process is stopped at a random moment); in a chroot, mount it first: mount -t proc proc <root>/proc; nothing was run",
                .internalError)
        #endif
    }
}
