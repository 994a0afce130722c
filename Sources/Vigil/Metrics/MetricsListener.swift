import Foundation

/// Serves `/metrics` on a TCP address, one scrape at a time, from a thread of its own: what
/// a Prometheus scraper needs (it scrapes a target serially) and nothing more, so the library
/// carries no web framework for it. Bound when made, so a taken port is said at once.
final class MetricsListener: @unchecked Sendable {  // `socket` is set once; `stopped` under `lock`
    private let socket: Int32
    private let body: @Sendable () -> [UInt8]
    private let lock = NSLock()
    private var stopped = false
    /// The port it listens on (the one given, or the one chosen for port 0).
    let port: Int

    /// Binds `host:port` (an IPv4 address or a name that resolves to one) and listens.
    init(host: String, port: Int, body: @escaping @Sendable () -> [UInt8]) throws {
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let info = found else {
            throw ListenError("\(host) is not an address of this machine")
        }
        defer { freeaddrinfo(found) }
        let descriptor = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ListenError(String(cString: strerror(errno))) }
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0, listen(descriptor, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw ListenError(reason)
        }
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.socket = descriptor
        self.body = body
    }

    /// Serves until `stop()`.
    func start() {
        Thread.detachNewThread { [self] in
            while !lock.withLock({ stopped }) {
                var ready = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
                guard poll(&ready, 1, 200) > 0 else { continue }
                let connection = accept(socket, nil, nil)
                guard connection >= 0 else { continue }
                answer(connection)
                close(connection)
            }
            close(socket)
        }
    }

    func stop() {
        lock.withLock { stopped = true }
    }

    /// Reads the request's head (at most 8 KiB, for at most 2 s) and answers it.
    private func answer(_ connection: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var head = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 2048)
        while head.count < 8192, !head.ends(with: Array("\r\n\r\n".utf8)), !head.ends(with: Array("\n\n".utf8)) {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return }
            head += buffer[0..<count]
        }
        let requestLine = String(
            decoding: head.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let parts = requestLine.split(separator: " ")
        let path = parts.count >= 2 ? parts[1].split(separator: "?").first.map(String.init) ?? "" : ""
        let response: [UInt8]
        switch (parts.first, path) {
        case ("GET", "/metrics"), ("HEAD", "/metrics"):
            let content = body()
            response =
                Array(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: \(content.count)\r\nConnection: close\r\n\r\n"
                        .utf8)
                + (parts.first == "HEAD" ? [] : content)
        default:
            let content = Array("Vigil serves its metrics on /metrics\n".utf8)
            response =
                Array(
                    "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: \(content.count)\r\nConnection: close\r\n\r\n"
                        .utf8) + content
        }
        var sent = 0
        while sent < response.count {
            let count = response[sent...].withUnsafeBytes {
                send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard count > 0 else { return }
            sent += count
        }
    }

    struct ListenError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
