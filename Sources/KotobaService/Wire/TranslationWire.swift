import KotobaTasks

/// `POST /translate`: `beam_size` (1–16), `max_new_tokens` (1–1024), `num_return_sequences`,
/// `no_repeat_ngram_size` (0–32), `length_penalty` (-10…10), `repetition_penalty` (0.01…10), `return_scores`,
/// `return_alignments`, and sampling's `do_sample`, `temperature`, `top_k`, `top_p`, `seed`.
struct TranslateRequest: TaskRequest {
    typealias Model = TranslationModel

    var common: CommonRequest
    var options: TranslationOptions
    var returnScores: Bool

    static func read(_ fields: RequestFields, maxInputs: Int) throws(APIError) -> TranslateRequest {
        let common = try CommonRequest.read(
            fields, extra: Set(["beam_size", "max_new_tokens", "num_return_sequences", "no_repeat_ngram_size",
                                "length_penalty", "repetition_penalty", "return_scores", "return_alignments"])
                .union(samplingKeys),
            maxInputs: maxInputs)
        var options = TranslationOptions(beamSize: try fields.integer("beam_size", in: 1...16),
                                         maxNewTokens: try fields.integer("max_new_tokens", in: 1...1024),
                                         numReturnSequences: try fields.integer("num_return_sequences", in: 1...16) ?? 1,
                                         truncate: common.truncate, side: common.side,
                                         alignments: try fields.bool("return_alignments") ?? false,
                                         noRepeatNgramSize: try fields.integer("no_repeat_ngram_size", in: 0...32),
                                         lengthPenalty: try fields.number("length_penalty", in: -10...10),
                                         repetitionPenalty: try fields.number("repetition_penalty", in: 0.01...10))
        try readSampling(fields, into: &options)
        return TranslateRequest(common: common, options: options, returnScores: try fields.bool("return_scores") ?? false)
    }

    /// transformers' sampling parameters, spelled as `generate` takes them.
    static let samplingKeys: Set<String> = ["do_sample", "temperature", "top_k", "top_p", "seed"]
    /// Seeds are JSON numbers, exact integers up to 2^53.
    static let seeds: ClosedRange<Int> = 0...9_007_199_254_740_991

    /// Reads `samplingKeys` from `fields`; whether they fit together (and the model) is `TranslationTask.validate`'s.
    static func readSampling(_ fields: RequestFields, into options: inout TranslationOptions) throws(APIError) {
        options.doSample = try fields.bool("do_sample")
        options.temperature = try fields.number("temperature", in: 0...100)
        options.topK = try fields.integer("top_k", in: 0...1_000_000)
        options.topP = try fields.number("top_p", in: 0...1)
        options.seed = try fields.integer("seed", in: seeds).map(UInt64.init)
    }

    func prepare(_ model: TranslationModel) throws(APIError) -> [TranslationModel.Item] {
        try Preparation.options { () throws(TaskError) in try model.model.validate(options) }
        let inputs = try Preparation.inputs(common.texts) { (text) throws(TaskError) in
            try model.model.prepare(text, options: options)
        }
        var itemOptions = options
        if options.seed == nil && model.model.samples(options) {
            // A seed of its own: the batcher groups items by options, and one shared seed would give two
            // unseeded requests for the same text the same samples.
            itemOptions.seed = UInt64(Int.random(in: Self.seeds))
        }
        return inputs.map { TranslationModel.Item(input: $0, options: itemOptions) }
    }
}

/// `{translation_text, score?, alignment?}`, the pipeline's item with the search score and the attention
/// over the source (one row per generated token) when asked for.
struct TranslationBody: Encodable {
    var translationText: String
    var score: Float?
    var alignment: [[Float]]?

    enum CodingKeys: String, CodingKey {
        case translationText = "translation_text", score, alignment
    }
}

/// One translation result: the hypotheses, best first.
struct TranslationResultBody: Encodable {
    var inputTokens: Int
    var truncated: Bool
    var translations: [TranslationBody]

    init(_ result: TranslationResult, scores: Bool) {
        inputTokens = result.input.inputTokens
        truncated = result.input.truncated
        translations = result.translations.map {
            TranslationBody(translationText: $0.translationText, score: scores ? $0.score : nil, alignment: $0.alignment)
        }
    }

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens", truncated, translations
    }
}
