/// How many input tokens a request will be billed for, before it is sent. Before any answer
/// the bound is the bytes themselves (a tokenizer makes at most one token per byte of text,
/// plus a few for the chat format; an image's base64 text is longer than its tokens); after
/// answers, the largest tokens-per-byte any of them showed, for text and for images apart.
/// Ratios only grow, so an estimate never shrinks below one an earlier answer justified.
struct InputEstimate: Sendable {
    /// Tokens the chat format adds around the messages, at most (before any answer).
    static let formatTokens = 64

    /// A ratio kept as the two whole numbers it came from, so that an item like the one
    /// measured is estimated at exactly its tokens (no rounding up past them).
    struct Ratio: Sendable {
        var tokens: Int
        var bytes: Int

        func exceeds(_ other: Ratio) -> Bool { tokens * other.bytes > other.tokens * bytes }

        /// `bytes` × this ratio, rounded up.
        func apply(_ bytes: Int) -> Int {
            let (product, overflow) = bytes.multipliedReportingOverflow(by: tokens)
            return overflow ? Int.max / 2 : (product + self.bytes - 1) / self.bytes
        }
    }

    private var text: Ratio?
    private var image: Ratio?

    /// The input tokens a request of `size` is reserved for.
    func tokens(for size: InputSize) -> Int {
        guard let ratio = size.isImage ? image : text else { return size.bytes + Self.formatTokens }
        return ratio.apply(max(1, size.bytes))
    }

    /// The model's input is known only from answers before the first one.
    func hasLearned(_ size: InputSize) -> Bool { (size.isImage ? image : text) != nil }

    /// Takes in what an answered request of `size` was billed for.
    mutating func learn(_ size: InputSize, promptTokens: Int) {
        let seen = Ratio(tokens: promptTokens, bytes: max(1, size.bytes))
        if size.isImage {
            if image.map({ seen.exceeds($0) }) ?? true { image = seen }
        } else if text.map({ seen.exceeds($0) }) ?? true {
            text = seen
        }
    }
}
