import Foundation
import JSONSchema

/// `reference` and `thresholds.fields`: the gold file exists and every line is a known answer
/// (`read`, before the inputs are listed, so they mark the ids they hold); then (`run`) every
/// known answer is for one of the job's items, and every compared or filled field is one the
/// success schema has.
enum ReferenceCheck {
    /// At most this many unknown ids are reported one by one.
    static let reportedUnknownIDs = 5

    static func read(_ context: inout JobCheckContext) {
        guard let spec = context.job.reference, let location = context.job.locations[.referenceFile] else { return }
        let url = context.url(spec.file)
        let bytes: [UInt8]
        do {
            bytes = try ContentsOfFile.read(url.path, maximumSize: 256 << 20)
        } catch {
            let problem =
                error.size != nil
                ? error.description : "reference file \(spec.file) does not exist or cannot be read"
            context.report(
                Diagnostic(
                    .referenceInvalid, problem, at: location,
                    hint:
                        #"write the known answers there, one JSON line each: {"id": "<item id>", "expected": {"field": value}} (relative to the job file's folder)"#
                ))
            return
        }
        let (set, problems) = ReferenceSet.parse(bytes, url: url)
        context.reference = set
        if !problems.isEmpty {
            let file = displayName(url)
            for problem in problems.prefix(10) {
                context.report(
                    Diagnostic(
                        .referenceInvalid, "this line of reference file \(spec.file) \(problem.message)",
                        at: SourceLocation(file: file, line: problem.line, column: 1)))
            }
            if problems.count > 10 {
                context.report(
                    Diagnostic(
                        .referenceInvalid, "reference file \(spec.file): \(problems.count - 10) more lines like these",
                        at: SourceLocation(file: file, line: problems[10].line, column: 1)))
            }
        }
    }

    static func run(_ context: inout JobCheckContext) {
        checkFields(&context)
        guard let set = context.reference, context.itemCount != nil else { return }
        let unknown = set.answers.filter { !context.referenceFound.contains($0.id) }
        guard !unknown.isEmpty else { return }
        let file = displayName(set.url)
        let nearest = nearestIDs(to: unknown.prefix(reportedUnknownIDs).map(\.id), in: context.job)
        for answer in unknown.prefix(reportedUnknownIDs) {
            let near = nearest[answer.id] ?? []
            context.report(
                Diagnostic(
                    .referenceUnknownItem,
                    "known answer for item \"\(answer.id)\", which is not one of the job's \(context.itemCount ?? 0) items",
                    at: SourceLocation(file: file, line: answer.line, column: 1),
                    hint: near.isEmpty
                        ? "an id is the item's id as results.jsonl names it (vigil plan lists the first ones)"
                        : "the nearest item ids are " + near.map { "\"\($0)\"" }.joined(separator: ", ")))
        }
        if unknown.count > reportedUnknownIDs {
            context.report(
                Diagnostic(
                    .referenceUnknownItem,
                    "\(unknown.count - reportedUnknownIDs) more known answers are for items the job does not have",
                    at: SourceLocation(file: file, line: unknown[reportedUnknownIDs].line, column: 1)))
        }
    }

    /// `reference.fields` and `thresholds.fields.min_filled` name fields the success schema
    /// declares (when it declares its properties), and each compared field is in some known answer.
    private static func checkFields(_ context: inout JobCheckContext) {
        let schema = context.successSchema?.document
        let job = context.job
        var named: [(name: String, location: SourceLocation, what: String)] = []
        for field in job.reference?.fields ?? [] {
            if let location = job.locations.referenceFieldKeys[field.name] {
                named.append((field.name, location, "reference.fields"))
            }
        }
        for field in job.thresholds.fields?.fields ?? [] {
            if let location = job.locations.filledFieldKeys[field.name] {
                named.append((field.name, location, "thresholds.fields.min_filled"))
            }
        }
        // A field refused as undeclared is not also warned about as never compared.
        var undeclared = Set<String>()
        if let schema, let path = job.success.schema {
            for (name, location, what) in named {
                guard let declared = declaredFields(in: schema, along: name) else { continue }
                undeclared.insert(name)
                let suggestion = Suggestion.nearest(to: name, in: declared)
                context.report(
                    Diagnostic(
                        .fieldUnknown,
                        "\(what) names \"\(name)\", which the success schema \(path) does not declare: no answer that passes it can hold it",
                        at: location,
                        hint: suggestion.map { "did you mean \"\($0)\"?" }
                            ?? "its fields are " + declared.prefix(12).joined(separator: ", ")))
            }
        }
        if let set = context.reference, let spec = job.reference {
            for field in spec.fields
            where !undeclared.contains(field.name)
                && !set.answers.contains(where: { $0.expected.field(field.name) != nil })
            {
                guard let location = job.locations.referenceFieldKeys[field.name] else { continue }
                context.report(
                    Diagnostic(
                        .fieldUnknown,
                        "no known answer in \(spec.file) has \"\(field.name)\": it is never compared",
                        at: location, severity: .warning,
                        hint: "add it to the known answers' \"expected\" objects, or remove it from reference.fields"))
            }
        }
    }

    /// The properties declared where `name` should be, when it is not among them (nil: it is,
    /// or the schema does not list its properties there, so nothing can be said).
    private static func declaredFields(in schema: JSONValue, along name: String) -> [String]? {
        if let properties = schema["properties"]?.objectValue, properties[name] != nil { return nil }
        var current = schema
        for part in name.split(separator: ".", omittingEmptySubsequences: false).map(String.init) {
            guard let properties = current["properties"]?.objectValue else { return nil }
            guard let next = properties[part] else { return properties.keys }
            current = next
        }
        return nil
    }

    /// For each unknown id, the three item ids nearest by edit distance (the inputs listed
    /// again: only when some id is unknown).
    private static func nearestIDs(to unknown: [String], in job: JobSpec) -> [String: [String]] {
        var best: [String: [(id: String, distance: Int)]] = [:]
        var items = InputSource(folder: job.folder, specs: job.inputs, checksDuplicateIDs: false).makeIterator()
        let targets = unknown.map { ($0, Array($0.lowercased())) }
        while let item = try? items.next() {
            let candidate = Array(item.id.lowercased())
            for (id, target) in targets {
                let distance = Suggestion.editDistance(target, candidate)
                var found = best[id] ?? []
                guard found.count < 3 || distance < found[found.count - 1].distance else { continue }
                found.append((item.id, distance))
                found.sort { $0.distance < $1.distance }
                best[id] = Array(found.prefix(3))
            }
        }
        return best.mapValues { $0.map(\.id) }
    }

    /// The path as the user can open it: relative to the working folder when inside it.
    static func displayName(_ url: URL) -> String {
        let folder = FileManager.default.currentDirectoryPath
        let path = url.standardizedFileURL.path
        return path.hasPrefix(folder + "/") ? String(path.dropFirst(folder.count + 1)) : path
    }
}
