public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A program the tests start, with the part of Foundation's `Process` interface they use,
/// spawned with `posix_spawn` directly.
///
/// Why not `Process`: on Linux, Foundation 6.3's `Process.run()` copies a whole
/// `dirent.d_name` (256 bytes) for each entry of /proc/self/fd and can read past glibc's
/// buffer: the test process crashed with SIGSEGV inside `Process.run()` in CI, twice
/// (swiftlang/swift-corelibs-foundation#5472). And `Process` learns of a child's end through a
/// socket the child inherits, so a daemon the child starts hides its end; `waitpid` here
/// sees the child itself end.
public final class ChildProcess: @unchecked Sendable {  // the mutable state is only touched under `lock`
    public enum TerminationReason: Sendable { case exit, uncaughtSignal }

    public var executableURL: URL?
    public var arguments: [String] = []
    /// The whole environment; nil inherits the test process's.
    public var environment: [String: String]?
    public var currentDirectoryURL: URL?
    /// A `Pipe`, a `FileHandle`, or nil (inherit the test process's descriptor).
    public var standardInput: Any?
    public var standardOutput: Any?
    public var standardError: Any?

    private let lock = NSLock()
    private var pid: pid_t = 0
    private var status: Int32?

    public init() {}

    public convenience init(_ executable: URL, _ arguments: [String]) {
        self.init()
        executableURL = executable
        self.arguments = arguments
    }

    public var processIdentifier: pid_t { lock.withLock { pid } }

    public func run() throws {
        guard let executable = executableURL?.path else { throw ChildProcessError("no executable was set") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        let childEnds: [(Any?, Int32)] = [(standardInput, 0), (standardOutput, 1), (standardError, 2)]
        for (stream, target) in childEnds {
            guard let descriptor = Self.childDescriptor(stream, target: target) else { continue }
            // Foundation's `FileHandle.nullDevice` has no descriptor (-1): the child gets
            // /dev/null itself. (Passing -1 on failed silently, and the child inherited the
            // test process's output: an orphan then held `swift test`'s pipe open.)
            let result =
                descriptor < 0
                ? posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
                : posix_spawn_file_actions_adddup2(&actions, descriptor, target)
            guard result == 0 else {
                throw ChildProcessError(
                    "cannot give the child descriptor \(target): \(String(cString: strerror(result)))")
            }
        }
        // Nothing else of the test process's (sockets, other tests' pipes) reaches the child:
        // an inherited write end would keep another test's pipe from ever closing.
        try SpawnExtensions.closeFrom(&actions, 3)
        if let directory = currentDirectoryURL?.path { try SpawnExtensions.changeDirectory(&actions, directory) }

        // Default dispositions and an empty mask, whatever the test runner set for itself.
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        var noSignal = sigset_t()
        sigemptyset(&noSignal)
        posix_spawnattr_setsigmask(&attributes, &noSignal)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        let environment =
            (self.environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for variable in environment { free(variable) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, environment)
        guard result == 0 else {
            throw ChildProcessError("could not start \(executable): \(String(cString: strerror(result)))")
        }
        lock.withLock { pid = child }

        // The parent's copies of the child's ends: closed, so the child alone holds them and
        // its output pipe reaches its end when the child (and whatever it started) is done.
        var closed = Set<ObjectIdentifier>()
        for (stream, target) in childEnds {
            guard let pipe = stream as? Pipe, closed.insert(ObjectIdentifier(pipe)).inserted else { continue }
            try? (target == 0 ? pipe.fileHandleForReading : pipe.fileHandleForWriting).close()
        }
    }

    private static func childDescriptor(_ stream: Any?, target: Int32) -> Int32? {
        switch stream {
        case let pipe as Pipe:
            return target == 0 ? pipe.fileHandleForReading.fileDescriptor : pipe.fileHandleForWriting.fileDescriptor
        case let handle as FileHandle: return handle.fileDescriptor
        default: return nil
        }
    }

    /// Reaps the child when it has ended; the wait status once it has.
    private func reap(blocking: Bool) -> Int32? {
        lock.withLock {
            if let status { return status }
            guard pid > 0 else { return nil }
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, blocking ? 0 : WNOHANG)
            guard result == pid else { return nil }
            status = raw
            return raw
        }
    }

    public var isRunning: Bool { processIdentifier > 0 && reap(blocking: false) == nil }

    /// Blocks until the child ends. (Other threads asking `isRunning` meanwhile get an answer
    /// at the next poll, not after the end: the wait is a poll, not a blocking `waitpid` under the lock.)
    public func waitUntilExit() {
        while reap(blocking: false) == nil { usleep(5_000) }
    }

    /// The exit status, or the signal's number when a signal ended it (as `Process` says).
    public var terminationStatus: Int32 {
        guard let raw = reap(blocking: false) else { return -1 }
        return Self.signalled(raw) ? raw & 0x7f : (raw >> 8) & 0xff
    }

    public var terminationReason: TerminationReason {
        guard let raw = reap(blocking: false) else { return .exit }
        return Self.signalled(raw) ? .uncaughtSignal : .exit
    }

    private static func signalled(_ raw: Int32) -> Bool { (raw & 0x7f) != 0 && (raw & 0x7f) != 0x7f }

    public func terminate() { send(SIGTERM) }
    public func interrupt() { send(SIGINT) }

    /// Sends `signal` while the child has not been reaped (never to a reused pid).
    public func send(_ signal: Int32) {
        lock.withLock {
            guard pid > 0, status == nil else { return }
            kill(pid, signal)
        }
    }
}

public struct ChildProcessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34) and `..._addchdir_np` (2.29),
/// which Swift's Glibc module does not import (they sit behind `__USE_MISC`), looked up by name.
private enum SpawnExtensions {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias ChangeDirectory =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    static let closeFromFunction: CloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
    static let changeDirectoryFunction: ChangeDirectory? = symbol("posix_spawn_file_actions_addchdir_np")

    /// Looked up in every loaded object (a nil handle is RTLD_DEFAULT).
    private static func symbol<T>(_ name: String) -> T? {
        guard let address = dlsym(nil, name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }

    static func closeFrom(_ actions: inout posix_spawn_file_actions_t, _ lowest: Int32) throws {
        guard let function = closeFromFunction else {
            throw ChildProcessError(
                "this C library has no posix_spawn_file_actions_addclosefrom_np (glibc 2.34 or later)")
        }
        let result = function(&actions, lowest)
        guard result == 0 else {
            throw ChildProcessError("posix_spawn_file_actions_addclosefrom_np: \(String(cString: strerror(result)))")
        }
    }

    static func changeDirectory(_ actions: inout posix_spawn_file_actions_t, _ path: String) throws {
        guard let function = changeDirectoryFunction else {
            throw ChildProcessError("this C library has no posix_spawn_file_actions_addchdir_np (glibc 2.29 or later)")
        }
        let result = path.withCString { function(&actions, $0) }
        guard result == 0 else {
            throw ChildProcessError(
                "posix_spawn_file_actions_addchdir_np(\(path)): \(String(cString: strerror(result)))")
        }
    }
}
