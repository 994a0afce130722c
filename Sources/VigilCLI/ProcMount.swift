import Foundation
import Vigil

/// Whether `/proc` is mounted, checked before anything else runs. Swift's runtime on Linux
/// schedules its tasks on libdispatch's thread pool, whose monitor reads `/proc/<thread>/stat`
/// once a second while work waits; without `/proc` it stops the process (SIGILL, "registered
/// worker exited prematurely") at whatever moment that happens: a run cut off mid-item, or
/// even a `validate` on a loaded machine (both seen in CI). Every command refuses at once
/// instead, with the fix, before a thread of that pool exists.
enum ProcMount {
    /// Exits with status 6 and the fix when `/proc` is not mounted (Linux only).
    static func require() {
        #if os(Linux)
            guard access("/proc/self/stat", R_OK) != 0 else { return }
            Console.error(
                "error: vigil needs /proc mounted (Swift's thread pool reads /proc/<thread>/stat; without it the process is stopped at a random moment); in a chroot, mount it first: mount -t proc proc <root>/proc; nothing was done"
            )
            exit(ExitStatus.internalError.rawValue)
        #endif
    }
}
