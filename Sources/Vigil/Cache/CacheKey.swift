import Foundation
import JSONSchema

/// The key of a cached answer: a sha256 over everything that decides what the model answers
/// (provider kind, endpoint, model, parameters in canonical JSON, the prompt's sha256,
/// `structured_output` and the schema it sends, how images are fitted and libvips's major
/// version when it converts them, a request-format version) and the item's
/// sha256 (its bytes, or a record's canonical JSON). Never the API key, never the success
/// schema unless it is sent: a job that changes only how answers are judged re-judges
/// cached answers without a request.
struct CacheKey: Sendable {
    /// Bumped when the request Vigil sends for the same inputs changes (a new message
    /// layout): answers cached before then are not answers to today's requests.
    static let requestFormat = 1

    /// The digest of everything but the item (the same for every item of a run).
    let base: String

    /// `libvips`: the version that converts the run's images (nil: none).
    init(job: JobSpec, libvips: String? = nil) {
        var parts = JSONObject()
        parts["request_format"] = .number(JSONNumber(Self.requestFormat))
        switch job.model.provider {
        case .openAI(let baseURL, let name, _):
            parts["provider"] = "openai"
            parts["base_url"] = .string(baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL)
            parts["model"] = .string(name)
            parts["parameters"] = .object(job.model.parameters)
            parts["structured_output"] = .string(job.model.structuredOutput.rawValue)
            parts["response_format"] = job.responseFormat ?? .null
            // What an image input becomes before it is sent.
            if let images = job.model.images {
                parts["images"] = images.json
                if images.fit != nil, let major = libvips?.split(separator: ".").first {
                    parts["libvips_major"] = .string(String(major))
                }
            }
        case .command(let arguments, let mode, let environment):
            parts["provider"] = "command"
            parts["command"] = .array(arguments.map { .string($0) })
            parts["mode"] = .string(mode.rawValue)
            var variables = JSONObject()
            for (name, value) in environment.sorted(by: { $0.key < $1.key }) { variables[name] = .string(value) }
            parts["env"] = .object(variables)
        }
        parts["prompt_sha256"] = .string(FileDigest.sha256(of: job.sources.prompt))
        base = JSONValue.object(parts).canonicalSHA256
    }

    /// The key of one item, from its sha256.
    func key(item sha256: String) -> String {
        FileDigest.sha256(of: Array((base + ":" + sha256).utf8))
    }
}
