import Foundation
import TestSupport

/// Every wait in the tests is bounded. A condition that never comes true, a process that
/// never ends or a pipe that never says what was expected fails its own test, saying what it
/// waited for, instead of holding the whole suite until CI's limit (seen: a CI run that
/// printed nothing for 90 minutes).
enum Waiting {
    /// How long a test waits for something that takes seconds when all is well: generous,
    /// because a loaded 2-core machine running the suite in parallel is slow, but far inside
    /// CI's limit.
    static let patience: TimeInterval = 240

    /// Polls `condition` every 20 ms until it holds; throws after `seconds`.
    static func until(_ what: String, within seconds: TimeInterval = patience, _ condition: () throws -> Bool)
        async throws
    {
        let deadline = Date().addingTimeInterval(seconds)
        while try !condition() {
            guard Date() < deadline else {
                throw TestFailure("waited \(Int(seconds)) s for \(what); it did not happen")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits for `process` to end; kills it (SIGKILL) and throws after `seconds`.
    static func exit(of process: ChildProcess, _ what: String = "the process", within seconds: TimeInterval = patience)
        throws
    {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        guard process.isRunning else { return }
        process.send(SIGKILL)
        let grace = Date().addingTimeInterval(5)
        while process.isRunning && Date() < grace { usleep(10_000) }
        throw TestFailure(
            "\(what) (process \(process.processIdentifier)) did not end within \(Int(seconds)) s; it was killed")
    }

    /// Reads `handle` until what was read contains `text`; throws when the writer closes the
    /// pipe first or after `seconds`. Returns everything read.
    static func read(_ handle: FileHandle, until text: String, within seconds: TimeInterval = patience) throws -> String
    {
        let deadline = Date().addingTimeInterval(seconds)
        var seen = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !String(decoding: seen, as: UTF8.self).contains(text) {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else {
                throw TestFailure(
                    "waited \(Int(seconds)) s to read \"\(text)\"; read: \(String(decoding: seen, as: UTF8.self))")
            }
            var descriptor = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, Int32(min(left, 1) * 1000)) > 0 else { continue }
            let count = Foundation.read(handle.fileDescriptor, &buffer, buffer.count)
            guard count > 0 else {
                throw TestFailure(
                    "the pipe closed before \"\(text)\" was read; read: \(String(decoding: seen, as: UTF8.self))")
            }
            seen.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: seen, as: UTF8.self)
    }
}
