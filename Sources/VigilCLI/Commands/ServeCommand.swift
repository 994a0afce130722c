import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Vigil

/// `vigil serve [DIR]`: a live dashboard of the runs under a folder.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a live dashboard of the runs under a folder (127.0.0.1 by default).",
        discussion: """
            The first page lists the runs (runs/<job>/<run-id>) with their state; a run's page is its \
            report, updated as its events arrive (Server-Sent Events). Loopback only unless --host \
            says otherwise: the pages show inputs, results and failures. Ctrl-C stops it.

            Exit status: 0 when stopped; 2 when the folder does not exist or the port is taken.
            """
    )

    @Argument(help: ArgumentHelp("The folder of runs (default: runs).", valueName: "dir"))
    var folder = "runs"

    @Option(help: "The port (0: any free port; the line printed says which).")
    var port = 8080

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    func run() async throws {
        let root = URL(fileURLWithPath: folder).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure(
                "\(folder) is not a folder; give the folder that holds your runs (the job's output.dir, runs by default)",
                .invalidJobOrUsage)
        }
        let router = Router()
        router.get("/") { _, _ in Self.html(RunIndexPage.html(root: root)) }
        // A run is `<job>/<run-id>`, or one shard of a sharded run not merged yet.
        for prefix in ["/runs/:job/:run", "/runs/:job/:run/:shard"] {
            router.get("\(prefix)/") { _, context in
                Self.html(try RunIndexPage.livePage(of: try Self.runFolder(root, context)))
            }
            router.get("\(prefix)/report") { _, context in
                let folder = try Self.runFolder(root, context)
                return Self.html(
                    try RunReportPage(
                        run: RunReportPage.Run(RecordedRun(at: folder.path)),
                        location: folder.appendingPathComponent("report.html")
                    ).html())
            }
            router.get("\(prefix)/events") { _, context in
                let folder = try Self.runFolder(root, context)
                var headers = HTTPFields()
                headers[.contentType] = "text/event-stream"
                headers[.cacheControl] = "no-cache"
                return Response(
                    status: .ok, headers: headers,
                    body: ResponseBody { writer in try await Self.stream(folder, into: &writer) })
            }
        }
        var logger = Logger(label: "vigil.serve")
        logger.logLevel = .warning
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "vigil"),
            onServerRunning: { channel in
                Console.error(
                    "vigil serve: http://\(host):\(channel.localAddress?.port ?? port)/ (the runs under \(root.path)); Ctrl-C stops it"
                )
            }, logger: logger)
        do {
            try await app.runService()
        } catch {
            throw CommandFailure("cannot serve on \(host):\(port): \(error)", .invalidJobOrUsage)
        }
    }

    static func html(_ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// The run folder a request names: `<job>/<run-id>` under the served folder, nothing else.
    static func runFolder(_ root: URL, _ context: some RequestContext) throws -> URL {
        let path =
            try [context.parameters.require("job"), context.parameters.require("run")]
            + [context.parameters.get("shard")].compactMap { $0 }
        let name = path.joined(separator: "/")
        guard let entry = RunIndexPage.runs(under: root).first(where: { $0.path == name }) else {
            throw HTTPError(.notFound, message: "no run \(name) under \(root.path)")
        }
        return entry.folder
    }

    /// The run's events as Server-Sent Events: one message per batch of new events (its
    /// counts and last event number), then `end` once the run has ended; a comment every
    /// 15 s keeps the connection open through proxies.
    static func stream(_ folder: URL, into writer: inout any ResponseBodyWriter) async throws {
        var follower = RunFollower(folders: [folder])
        var replay = RunReplay()
        var quiet = 0.0
        while !Task.isCancelled {
            // A line that is not an event stops the updates, not the page: it still shows
            // whether the run goes on.
            let step =
                (try? follower.next())
                ?? RunFollower.Step(events: [], holder: RunLock.holder(of: folder), unended: folder)
            for event in step.events { replay.apply(event) }
            let data = RunIndexPage.liveUpdate(replay, running: !step.isFinal)
            if !step.events.isEmpty {
                try await writer.write(ByteBuffer(string: "data: \(data)\n\n"))
                quiet = 0
            }
            if step.isFinal {
                try await writer.write(ByteBuffer(string: "event: end\ndata: \(data)\n\n"))
                break
            }
            try await Task.sleep(for: .milliseconds(250))
            quiet += 0.25
            if quiet >= 15 {
                try await writer.write(ByteBuffer(string: ": still following\n\n"))
                quiet = 0
            }
        }
        try await writer.finish(nil)
    }
}
