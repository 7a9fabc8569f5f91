import KotobaTasks

/// Fields every task endpoint accepts: `text`, `model`, `truncation`, `truncation_side`.
struct CommonRequest: Sendable {
    static let keys: Set<String> = ["text", "model", "truncation", "truncation_side"]

    var texts: [String]
    /// Whether `text` was a list: a single string answers with the same `results` list of one.
    var isList: Bool
    var model: String?
    /// Cut over-long inputs (and say so) instead of refusing them: off unless the request asks.
    var truncate: Bool
    var side: TruncationSide

    /// Reads the common fields, refusing any key outside `keys ∪ extra`.
    static func read(_ fields: RequestFields, extra: Set<String>, maxInputs: Int,
                     textKey: String = "text") throws(APIError) -> CommonRequest {
        try fields.rejectUnknown(keys.union(extra))
        guard let (texts, isList) = try fields.texts(textKey, maxCount: maxInputs) else {
            throw .invalid("\(fields.path(textKey)) is required")
        }
        return CommonRequest(texts: texts, isList: isList, model: try fields.string("model"),
                             truncate: try fields.bool("truncation") ?? false,
                             side: try side(fields))
    }

    static func side(_ fields: RequestFields) throws(APIError) -> TruncationSide {
        guard let text = try fields.string("truncation_side") else { return .right }
        guard let side = TruncationSide(rawValue: text) else {
            throw .invalid("\(fields.path("truncation_side")) must be \"right\" or \"left\", got \"\(text)\"")
        }
        return side
    }

    var truncation: InputTruncation { InputTruncation(truncate: truncate, side: side) }
}

/// Whether and on which side an item's input may be cut: items differing in either run in separate calls.
struct InputTruncation: Sendable, Hashable {
    var truncate: Bool
    var side: TruncationSide
}

/// Counting tokens before an input is queued.
enum TokenCount {
    /// Each input's token count as the model will see it, capped at the model's limit when truncating;
    /// an over-long input without `truncate` is refused here, before it waits in a queue.
    static func inputs(_ model: some ServedModel, _ texts: [String], pairs: [String]? = nil,
                       truncate: Bool) throws(APIError) -> [Int] {
        let limit = model.maxInputTokens
        var counts: [Int] = []
        counts.reserveCapacity(texts.count)
        for (index, text) in texts.enumerated() {
            let count: Int
            do { count = try model.tokenCount(text, pair: pairs?[index]) } catch {
                throw APIError(error, input: index)
            }
            if count > limit && !truncate {
                throw .inputTooLong(input: index, tokens: count, limit: limit)
            }
            counts.append(min(count, limit))
        }
        return counts
    }
}

/// The per-input fields every result carries.
struct InputFields: Encodable {
    var inputTokens: Int
    var truncated: Bool

    init(_ report: InputReport) {
        inputTokens = report.inputTokens
        truncated = report.truncated
    }

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens", truncated
    }
}

/// `{"model": name, "results": [...]}`, the envelope of every task response.
struct ResultsBody<Result: Encodable>: Encodable {
    var model: String
    var results: [Result]
}
