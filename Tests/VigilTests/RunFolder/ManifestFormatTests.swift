import Foundation
import JSONSchema
import Testing
import Vigil

/// `manifest.json` has one definition, written and read (`RunManifest: Codable`); it reads
/// the manifests earlier builds wrote by hand.
@Suite struct ManifestFormatTests {
    static let fixture = TestEnvironment.repository.appendingPathComponent(
        "Tests/VigilTests/Fixtures/manifests/session4-rerun.json")

    @Test func readsAManifestTheEarlierWriterWrote() throws {
        let manifest = try RunManifest(contentsOf: Self.fixture)
        #expect(manifest.runID == "20261203-144146-609c")
        #expect(manifest.status == .completed)
        #expect(
            manifest.origin
                == RunManifest.Origin(
                    kind: .rerun, runID: "20261203-144145-d300",
                    manifest: "/tmp/compat/runs/demo-dwc/20261203-144145-d300/manifest.json"))
        #expect(manifest.jobSHA256 == "e69d7c6469b6157b71bb284108f27b76158c7bf053aaecd36ea310a77da4ad08")
        #expect(manifest.git == nil)
        #expect(manifest.counts == RunCounts(total: 3, succeeded: 3, failed: 0))
        #expect(manifest.canary == 3)
        #expect(manifest.spec["name"] == "demo-dwc")
        #expect(manifest.spec["execution"]?["concurrency"] == 2)
        #expect(manifest.model["provider"] == "command")
        #expect(manifest.successSchema?.path.hasSuffix("schemas/dwc-record.schema.json") == true)
        #expect(
            manifest.outputs.keys.sorted() == [
                "checkpoint.json", "events.jsonl", "failed.jsonl", "inputs.jsonl", "results.jsonl",
            ])
        #expect(manifest.endedAt != nil && manifest.endedAt! > manifest.startedAt)
    }

    @Test func aManifestReadsBackAsWritten() throws {
        var manifest = try RunManifest(contentsOf: Self.fixture)
        manifest.resumes = [
            RunManifest.Resumption(
                at: 1_764_770_000.25, repairedBytes: ["events.jsonl": 17], recoveredItems: 2,
                drift: ["model.timeout \"30s\" -> \"20s\""])
        ]
        manifest.drift = ["input a.txt changed since the run sent it"]
        manifest.usage = TokenUsage(promptTokens: 480, completionTokens: 120)
        manifest.droppedEvents = ["webhook": 3]
        let folder = try TestEnvironment.temporaryFolder("vigil-manifest")
        let url = folder.appendingPathComponent("manifest.json")
        try manifest.write(to: url)
        let again = try RunManifest(contentsOf: url)
        #expect(again.runID == manifest.runID && again.status == manifest.status && again.origin == manifest.origin)
        #expect(again.spec == manifest.spec && again.model == manifest.model)
        #expect(again.resumes == manifest.resumes && again.drift == manifest.drift && again.usage == manifest.usage)
        #expect(again.droppedEvents == manifest.droppedEvents && again.outputs == manifest.outputs)
        #expect(
            again.counts == manifest.counts && again.canary == manifest.canary
                && again.successSchema == manifest.successSchema)
        #expect(abs(again.startedAt - manifest.startedAt) < 0.001)
        // The file keeps the fields people and scripts read.
        let json = try JSONParser().parse(Data(contentsOf: url))
        #expect(json["counts"]?["not_run"] == 0)
        #expect(json["job"]?["copy"] == "job.yaml")
        #expect(json["inputs"]?["list"] == "inputs.jsonl")
    }

    @Test func aDamagedManifestSaysWhichField() throws {
        let folder = try TestEnvironment.temporaryFolder("vigil-manifest")
        let url = folder.appendingPathComponent("manifest.json")
        var text = try String(contentsOf: Self.fixture, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "\"sha256\":\"e69d7c6469b6157b71bb284108f27b76158c7bf053aaecd36ea310a77da4ad08\",", with: "")
        try text.write(to: url, atomically: true, encoding: .utf8)
        #expect {
            _ = try RunManifest(contentsOf: url)
        } throws: { error in
            "\(error)".contains("missing job.sha256")
        }
        try "{\"manifest_version\": 2}".write(to: url, atomically: true, encoding: .utf8)
        #expect {
            _ = try RunManifest(contentsOf: url)
        } throws: { error in
            "\(error)".contains("manifest_version is 2; this Vigil")
        }
    }
}
