import Foundation
import JSONSchema
import TestSupport
import Testing
import Vigil

/// A prompt whose answers are schema-valid but wrong is stopped on the reference items,
/// which go before any other item; the right one runs to the end with its agreement recorded.
@Suite(.timeLimit(.minutes(5))) struct ReferenceRunTests {
    func events(_ run: URL) throws -> [JSONValue] {
        try String(contentsOf: run.appendingPathComponent("events.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONParser().parse(String($0)) }
    }

    func manifest(_ run: URL) throws -> JSONValue {
        try JSONParser().parse(String(contentsOf: run.appendingPathComponent("manifest.json"), encoding: .utf8))
    }

    @Test func aSchemaValidWrongPromptIsStoppedOnTheReferenceItems() throws {
        let job = try ReferenceJob()
        let outcome = try job.vigil(["run", "job.yaml", "--quiet"], environment: ["WRONG": "1"])
        #expect(outcome.status == 3, "\(outcome.standardError)")
        // At most the 8 reference items plus the 4 in flight were called.
        let calls = job.calls()
        #expect(calls.count <= 12, "\(calls)")
        #expect(outcome.standardError.contains("scientificName"), "\(outcome.standardError)")
        #expect(outcome.standardError.contains("Poa annua L."), "\(outcome.standardError)")
        let run = try job.runFolder()
        let checked = try events(run).filter { $0["type"] == "reference.checked" }
        #expect(checked.count == 1)
        #expect(checked.first?["passed"] == false)
        #expect(checked.first?["reference"]?["fields"]?["catalogNumber"]?["agreement"] == 1)
        #expect(checked.first?["reference"]?["fields"]?["scientificName"]?["agreement"] == 0)
        let recorded = try manifest(run)
        #expect(recorded["status"] == "aborted")
        #expect(recorded["reference"]?["passed"] == false)
        #expect(recorded["reference"]?["fields"]?["scientificName"] == 0)
    }

    @Test func theRightPromptRunsEveryItemOnceWithItsAgreementRecorded() throws {
        let job = try ReferenceJob()
        let outcome = try job.vigil(["run", "job.yaml", "--quiet"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let calls = job.calls()
        #expect(calls.count == 200)
        #expect(Set(calls).count == 200)
        let run = try job.runFolder()
        let results = try String(contentsOf: run.appendingPathComponent("results.jsonl"), encoding: .utf8)
        #expect(results.split(separator: "\n").count == 200)
        let reference = try manifest(run)["reference"]
        #expect(reference?["agreement"] == 1)
        #expect(reference?["items"] == 8)
        #expect(reference?["passed"] == true)
        #expect(reference?["fields"]?["scientificName"] == 1)
        #expect(
            reference?["sha256"]?.stringValue == FileDigest.sha256(of: job.folder.appendingPathComponent("gold.jsonl")))
    }

    @Test func referenceItemsAreSentBeforeAnyOtherUnderConcurrencyFour() throws {
        let job = try ReferenceJob(items: 60, references: 6)
        let outcome = try job.vigil(["run", "job.yaml", "--quiet"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        // The item.started events are in the order items were taken: the 6 reference items first.
        let started = try events(job.runFolder()).filter { $0["type"] == "item.started" }.compactMap {
            $0["item"]?.stringValue
        }
        #expect(Set(started.prefix(6)) == Set(job.referenceIDs), "\(started.prefix(8))")
        // The extractor saw them among its first calls too: a program started after the last
        // reference item may log its call first, by at most the other slots (concurrency - 1).
        #expect(Set(job.calls().prefix(6 + 3)).isSuperset(of: job.referenceIDs), "\(job.calls().prefix(10))")
    }

    @Test func aWarningVerdictGoesOnAndIsSaid() throws {
        let job = try ReferenceJob(
            items: 30, references: 5,
            reference: ReferenceJob.section(fields: "{ scientificName: normalized }", action: "warn"))
        let outcome = try job.vigil(["run", "job.yaml"], environment: ["WRONG": "1"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(job.calls().count == 30)
        #expect(outcome.standardError.contains("agreement with the reference answers 0%"), "\(outcome.standardError)")
        let kinds = try events(job.runFolder()).compactMap { $0["type"]?.stringValue }
        #expect(kinds.contains("validation.warning"))
        #expect(kinds.contains("reference.checked"))
    }

    @Test func resumedAfterAKillDuringTheReferencePhaseEveryItemEndsOnceAndTheVerdictCoversAll() async throws {
        let job = try ReferenceJob(items: 40, references: 8, concurrency: 2)
        // The first two calls answer; the next ones are held, so the kill lands in the
        // reference phase however slowly this machine goes.
        let process = try TestEnvironment.start(["run", job.path, "--quiet"], environment: ["EXTRACT_HOLD_AFTER": "2"])
        defer { if process.isRunning { process.send(SIGKILL) } }
        let run = try await {
            try await Waiting.until("two items ended and two more called") {
                guard job.calls().count >= 4, let run = try? job.runFolder() else { return false }
                return ((try? events(run)) ?? []).count { $0["type"] == "item.completed" } == 2
            }
            return try job.runFolder()
        }()
        process.send(SIGKILL)
        try Waiting.exit(of: process)
        // The held extractors the kill left behind end now.
        _ = FileManager.default.createFile(atPath: job.folder.appendingPathComponent("release").path, contents: nil)
        let before = Set(
            try events(run).filter { $0["type"] == "item.completed" }.compactMap { $0["item"]?.stringValue })
        #expect(before.count == 2)
        #expect(before.isSubset(of: Set(job.referenceIDs)), "only reference items ran before the kill: \(before)")
        #expect(try events(run).allSatisfy { $0["type"] != "reference.checked" })

        let outcome = try job.vigil(["resume", run.path, "--quiet"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let ended = try events(run).filter { $0["type"] == "item.completed" || $0["type"] == "item.failed" }
            .compactMap { $0["item"]?.stringValue }
        #expect(ended.count == 40)
        #expect(Set(ended).count == 40)
        let checked = try events(run).filter { $0["type"] == "reference.checked" }
        #expect(checked.count == 1)
        // The verdict counts the items judged before the kill as well as after.
        #expect(checked.first?["reference"]?["items"] == 8)
        #expect(checked.first?["reference"]?["compared"] == 16)
        #expect(try manifest(run)["reference"]?["agreement"] == 1)
    }

    @Test func aFieldThePromptStopsFillingIsCaughtByItsFillRate() throws {
        // No gold set: the fill-rate check alone. The extractor stops filling basisOfRecord
        // (which the schema does not require) after item 20.
        let job = try ReferenceJob(
            items: 60, references: 1, concurrency: 1, reference: "",
            extra: """
                thresholds:
                  fields: { after: 10, min_filled: { basisOfRecord: 0.8, catalogNumber: 0.8 }, action: abort }
                """)
        let extractor = job.folder.appendingPathComponent("extract.py")
        var script = try String(contentsOf: extractor, encoding: .utf8)
        script = script.replacing(
            #""basisOfRecord": "PreservedSpecimen""#,
            with: #""basisOfRecord": "PreservedSpecimen" if int(catalog[-3:]) <= 20 else """#)
        try script.write(to: extractor, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: job.folder.appendingPathComponent("gold.jsonl"))
        let outcome = try job.vigil(["run", "job.yaml", "--quiet"])
        #expect(outcome.status == 3, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("field basisOfRecord was filled in 0%"), "\(outcome.standardError)")
        #expect(job.calls().count == 30)
    }
}
