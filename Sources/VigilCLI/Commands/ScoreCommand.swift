import ArgumentParser
import Foundation
import JSONSchema
import Vigil

/// `vigil score RUN_DIR --reference FILE`: a finished run's agreement with known answers.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score a finished run's answers against known ones, field by field.",
        discussion: """
            The reference file is JSON Lines: {"id": "<item id as in results.jsonl>", "expected": \
            {field: value}}, as the job's reference.file. Fields are compared as --fields says, else \
            as the run's job compared them (reference.fields), else every field the known answers \
            hold, exactly. A failed item disagrees on every field; a known answer whose item is not \
            in the run is not compared, and is named.

            Exit status: 0 when the agreement meets --min-agreement; 1 when it does not; 2 when the \
            run or the reference file cannot be read.
            """
    )

    @Argument(
        help: ArgumentHelp(
            "The run folder (runs/<name>/<run-id>), or a job file for its newest run.", valueName: "run-dir"))
    var runFolder: String

    @Option(help: ArgumentHelp("The known answers (JSON Lines).", valueName: "file"))
    var reference: String

    @Option(
        help: ArgumentHelp(
            "The fields and how to compare each: name=exact|normalized|number|number:TOLERANCE|present, comma-separated.",
            valueName: "name=how,..."))
    var fields: String?

    @Option(
        help: ArgumentHelp(
            "The lowest agreement that passes (default: the run's reference.min_agreement, else 0.9).",
            valueName: "share"))
    var minAgreement: Double?

    @Option(help: "text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let run: RecordedRun
        let known: ReferenceSet
        do {
            run = try RecordedRun(at: RunLocator.folder(runFolder).url.path)
            let url = URL(fileURLWithPath: reference)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw CommandFailure("reference file \(reference) does not exist or cannot be read", .invalidJobOrUsage)
            }
            let parsed = ReferenceSet.parse(Array(data), url: url)
            guard let set = parsed.set, parsed.problems.isEmpty else {
                let lines = parsed.problems.prefix(5).map { "\(reference):\($0.line): \($0.message)" }
                throw CommandFailure(lines.joined(separator: "\n"), .invalidJobOrUsage)
            }
            known = set
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("cannot score \(runFolder): \(error)", .invalidJobOrUsage)
        }
        let compared = try fields.map(Self.parseFields) ?? RunScore.defaultFields(run: run, reference: known)
        let minimum =
            minAgreement ?? run.manifest.spec["reference"]?["min_agreement"]?.numberValue?.doubleValue ?? 0.9
        guard minimum > 0 && minimum <= 1 else {
            throw CommandFailure("--min-agreement must be over 0 and at most 1, not \(minimum)", .invalidJobOrUsage)
        }
        let score: RunScore
        do {
            score = try RunScore(run: run, reference: known, fields: compared)
        } catch {
            throw CommandFailure("cannot read \(runFolder)'s results: \(error)", .invalidJobOrUsage)
        }
        let agreement = score.table.agreement ?? 0
        let passed = score.table.compared > 0 && agreement >= minimum
        if format == .json {
            var json = score.table.json.objectValue ?? JSONObject()
            json["min_agreement"] = .number(JSONNumber(minimum))
            json["passed"] = .bool(passed)
            json["not_in_run"] = .array(score.notInRun.map { .string($0) })
            json["failed_items"] = .number(JSONNumber(score.failed))
            Console.output(JSONValue.object(json).jsonText() + "\n")
        } else {
            Console.output(text(score, minimum: minimum, passed: passed))
        }
        if !passed { throw CommandFailure.exit(.invalidInstances) }
    }

    private func text(_ score: RunScore, minimum: Double, passed: Bool) -> String {
        var lines = score.table.lines(disagreementLimit: 10)
        let share = score.table.agreement.map(ThresholdCheck.percent) ?? "-"
        lines.append(
            "agreement \(share) over \(score.table.items) items (\(score.table.agreed) of \(score.table.compared) values), "
                + "\(passed ? "meets" : "is below") the minimum of \(ThresholdCheck.percent(minimum))")
        if score.failed > 0 {
            lines.append("\(score.failed) of them failed in the run: every value of theirs disagrees")
        }
        if !score.notInRun.isEmpty {
            lines.append(
                "\(score.notInRun.count) known answers have no item in this run, not compared: "
                    + score.notInRun.prefix(5).joined(separator: ", ")
                    + (score.notInRun.count > 5 ? ", ..." : ""))
        }
        if score.table.compared == 0 { lines.append("nothing was compared: no known answer's item is in the run") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `scientificName=normalized,catalogNumber=exact,elevation=number:5`.
    static func parseFields(_ written: String) throws -> [ComparedField] {
        try written.split(separator: ",").map { part in
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2, !pieces[0].isEmpty, let comparison = FieldComparison(written: pieces[1]) else {
                throw CommandFailure(
                    "--fields: \"\(part)\" is not name=exact|normalized|number|number:TOLERANCE|present",
                    .invalidJobOrUsage)
            }
            return ComparedField(name: pieces[0], comparison: comparison)
        }
    }
}
