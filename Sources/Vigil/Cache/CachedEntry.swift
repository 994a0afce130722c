import GRDB
import JSONSchema

/// One row of the cache's `answers` table, and the digest that proves it whole: a sha256 of
/// the canonical JSON of everything the row gives back (the key too, so an answer moved to
/// another key is caught as well as a changed byte).
struct CachedEntry {
    let key: String
    let answer: ProviderAnswer
    /// The digest the row was written with (nil: none, which no whole row of layout 2 lacks).
    let recordedDigest: String?

    init(key: String, answer: ProviderAnswer) {
        self.key = key
        self.answer = answer
        recordedDigest = nil
    }

    init(_ row: Row) {
        // A value of the wrong type (a damaged row) reads as nil or empty, then fails its digest.
        key = (row["key"] as String?) ?? ""
        answer = ProviderAnswer(
            text: (row["text"] as String?) ?? "", promptTokens: row["prompt_tokens"],
            completionTokens: row["completion_tokens"],
            cachedPromptTokens: row["cached_prompt_tokens"],
            reportedCost: (row["reported_cost_picodollars"] as Int64?).map { Dollars(picodollars: $0) })
        recordedDigest = row.hasColumn("sha256") ? row["sha256"] : nil
    }

    /// The sha256 of what the row holds.
    var digest: String {
        func number(_ value: Int?) -> JSONValue { value.map { .number(JSONNumber($0)) } ?? .null }
        var object = JSONObject()
        object["key"] = .string(key)
        object["text"] = .string(answer.text)
        object["prompt_tokens"] = number(answer.promptTokens)
        object["completion_tokens"] = number(answer.completionTokens)
        object["cached_prompt_tokens"] = number(answer.cachedPromptTokens)
        object["reported_cost_picodollars"] = answer.reportedCost.map { .number(JSONNumber($0.picodollars)) } ?? .null
        return JSONValue.object(object).canonicalSHA256
    }

    /// Whether the row holds what was written: its recorded digest matches.
    var isWhole: Bool { recordedDigest == digest }
}
