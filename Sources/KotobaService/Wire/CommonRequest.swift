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

}

/// Tokenizing a request's inputs once, before they are queued.
enum Preparation {
    /// Each input prepared by `prepare` (a task's own, which refuses what the task cannot take); an error names
    /// the input as `text[i]`.
    static func inputs<Input>(_ inputs: [Input],
                              _ prepare: (Input) throws(TaskError) -> PreparedInput) throws(APIError) -> [PreparedInput] {
        var prepared: [PreparedInput] = []
        prepared.reserveCapacity(inputs.count)
        for (index, input) in inputs.enumerated() {
            do { prepared.append(try prepare(input)) } catch { throw APIError(error, input: index) }
        }
        return prepared
    }

    /// Request options checked once, by the task, before any input is prepared.
    static func options(_ validate: () throws(TaskError) -> Void) throws(APIError) {
        do { try validate() } catch { throw APIError(error) }
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
