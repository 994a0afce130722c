import ArgumentParser
import Foundation
import JSONSchema
import Vigil

/// `vigil events RUN_DIR`: ask a run's event log a question.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Filter a run's event log, follow it, or rebuild the run's summary from it alone.",
        discussion: """
            The log (events.jsonl) is the run's source of truth: --summary rebuilds the counts, the \
            success rate over the run and the failures by cause and by message from it alone (they \
            equal the manifest's). Filters combine: --type item.failed --since 120 prints the \
            failures after event 120.

            Exit status: 0; 2 when the folder or a filter cannot be read.
            """
    )

    @Argument(
        help: ArgumentHelp(
            "The run folder (runs/<name>/<run-id>), or a job file for its newest run.", valueName: "run-dir"))
    var run: String

    @Option(
        name: .customLong("type"),
        help: ArgumentHelp("Only events of this type (repeatable), e.g. item.failed.", valueName: "type"))
    var types: [String] = []

    @Option(help: ArgumentHelp("Only the events of this item.", valueName: "id"))
    var item: String?

    @Option(
        help: ArgumentHelp(
            "Only events after this event number, or from this time (2026-12-03T18:00:00Z).", valueName: "seq|time"))
    var since: String?

    @Flag(help: "Keep printing events as the run writes them, until it ends.")
    var follow = false

    @Option(help: ArgumentHelp("jsonl (the log's own lines) or text (one line a person reads).", valueName: "format"))
    var format: Format = .text

    @Flag(
        help: "The run rebuilt from the log: counts, success rate over the run, failures by cause and message, retries."
    )
    var summary = false

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case jsonl, text
    }

    func validate() throws {
        for type in types where EventType(type) == nil {
            throw ValidationError(
                "--type \(type) is not an event type; the types are: \(EventType.allCases.map(\.description).joined(separator: ", "))"
            )
        }
        if let since, Int(since) == nil && Timestamp.parse(since) == nil {
            throw ValidationError("--since \(since) is neither an event number nor a time like 2026-12-03T18:00:00Z")
        }
        if summary && follow { throw ValidationError("--summary reads the log as it is now; leave out --follow") }
    }

    func run() async throws {
        let folder: RunFolder
        do {
            folder = try RunLocator.folder(run)
        } catch {
            throw CommandFailure("\(error)", .invalidJobOrUsage)
        }
        var follower = RunFollower(folders: [folder.url])
        if summary {
            var replay = RunReplay()
            do {
                for event in try follower.next().events { replay.apply(event) }
            } catch {
                throw CommandFailure("\(error)", .invalidJobOrUsage)
            }
            if format == .jsonl {
                Console.output(replay.summaryJSON().jsonText() + "\n")
            } else {
                Console.output(replay.summaryLines().joined(separator: "\n") + "\n")
            }
            return
        }
        let wanted = Set(types)
        let sinceSequence = since.flatMap { Int($0) }
        let sinceTime = since.flatMap { Int($0) == nil ? Timestamp.parse($0) : nil }
        func passes(_ event: RunEvent) -> Bool {
            if !wanted.isEmpty && !wanted.contains(event.type) { return false }
            if let item, event.kind.itemID != item { return false }
            if let sinceSequence, event.sequence <= sinceSequence { return false }
            if let sinceTime, event.time < sinceTime { return false }
            return true
        }
        while true {
            let step: RunFollower.Step
            do {
                step = try follower.next()
            } catch {
                throw CommandFailure("\(error)", .invalidJobOrUsage)
            }
            let out = step.events.filter(passes).map { (format == .jsonl ? $0.jsonText : EventText.line($0)) + "\n" }
            if !out.isEmpty { Console.output(out.joined()) }
            guard follow else { return }
            guard step.isFinal else {
                if step.events.isEmpty { try? await Task.sleep(for: .milliseconds(200)) }
                continue
            }
            if step.unended == nil { return }
            Console.error(
                "the run is not running and its log has no end: it stopped without ending (a crash, kill -9); continue it with vigil resume \(RunReport.shellQuoted(folder.url.path))"
            )
            throw CommandFailure.exit(.interrupted)
        }
    }
}
