import KotobaTasks

/// `POST /similar`: `{"positive": [...], "negative": [...], "top_k": 10, "method": "3cosadd", "model": ...}`,
/// one query per request, as gensim's `most_similar` (or `most_similar_cosmul` with `"method": "3cosmul"`).
struct SimilarRequest: Sendable {
    static let keys: Set<String> = ["positive", "negative", "top_k", "method", "model"]

    var positive: [String]
    var negative: [String]
    var topK: Int
    var method: SimilarityMethod
    var model: String?

    static func read(_ fields: RequestFields) throws(APIError) -> SimilarRequest {
        try fields.rejectUnknown(keys)
        let positive = try fields.stringList("positive") ?? []
        // `"negative": []` is gensim's default spelled out, not an empty input.
        let negative = try fields.stringList("negative", allowingEmpty: true) ?? []
        guard !positive.isEmpty else { throw .invalid("positive is required: one word or more") }
        guard positive.count + negative.count <= 100 else {
            throw .invalid("at most 100 words in positive and negative together")
        }
        var method = SimilarityMethod.add
        if let name = try fields.string("method") {
            guard let parsed = SimilarityMethod(rawValue: name.lowercased()) else {
                throw .invalid("method must be \"3cosadd\" or \"3cosmul\", got \"\(name)\"")
            }
            method = parsed
        }
        return SimilarRequest(positive: positive, negative: negative,
                              topK: try fields.integer("top_k", in: 1...1000) ?? 10, method: method,
                              model: try fields.string("model"))
    }

    func prepare(_ model: WordVectorsModel) throws(APIError) -> [WordVectorsItem] {
        do {
            return [.similar(try model.model.query(positive: positive, negative: negative, method: method, topK: topK))]
        } catch {
            throw APIError(error)
        }
    }
}

/// `POST /word-vectors`: `{"words": [...], "model": ...}`.
struct WordVectorsRequest: Sendable {
    static let keys: Set<String> = ["words", "model"]

    var words: [String]
    var model: String?

    static func read(_ fields: RequestFields, maxInputs: Int) throws(APIError) -> WordVectorsRequest {
        try fields.rejectUnknown(keys)
        guard let words = try fields.stringList("words") else { throw .invalid("words is required") }
        guard words.count <= maxInputs else {
            throw .invalid("words has \(words.count) entries; at most \(maxInputs) are accepted per request")
        }
        return WordVectorsRequest(words: words, model: try fields.string("model"))
    }
}

/// One word of a `/similar` answer.
struct SimilarWordBody: Encodable {
    var word: String
    var score: Float
}

/// `/word-vectors`' answer: the raw vectors in request order, `null` for words not in the vocabulary.
struct WordVectorsBody: Encodable {
    var model: String
    var vectors: [[Float]?]
}
