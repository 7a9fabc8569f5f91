import KotobaTasks

/// `POST /fill-mask`: `text` with the mask token, `top_k` (1–1000, default 5), `targets`.
struct FillMaskRequest: TaskRequest {
    typealias Model = FillMaskModel

    var common: CommonRequest
    var options: FillMaskOptions

    static func read(_ fields: RequestFields, maxInputs: Int) throws(APIError) -> FillMaskRequest {
        let common = try CommonRequest.read(fields, extra: ["top_k", "targets"], maxInputs: maxInputs)
        let options = FillMaskOptions(topK: try fields.integer("top_k", in: 1...1000) ?? 5,
                                      targets: try fields.stringList("targets"), truncate: common.truncate,
                                      side: common.side)
        return FillMaskRequest(common: common, options: options)
    }

    func prepare(_ model: FillMaskModel) throws(APIError) -> [FillMaskModel.Item] {
        try Preparation.options { () throws(TaskError) in try model.model.validate(options) }
        let inputs = try Preparation.inputs(common.texts) { (text) throws(TaskError) in
            try model.model.prepare(text, options: options)
        }
        return inputs.map { FillMaskModel.Item(input: $0, options: options) }
    }
}

/// One fill-mask result: a candidate list per mask, in the order the masks appear.
struct FillMaskResultBody: Encodable {
    var inputTokens: Int
    var truncated: Bool
    var predictions: [[FillMaskCandidate]]

    init(_ result: FillMaskResult) {
        inputTokens = result.input.inputTokens
        truncated = result.input.truncated
        predictions = result.masks
    }

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens", truncated, predictions
    }
}

/// `POST /classify` (and `/sentiment`): `top_k` (default: every label), `function_to_apply`.
struct ClassifyRequest: TaskRequest {
    typealias Model = ClassificationModel

    var common: CommonRequest
    var options: TextClassificationOptions

    static func read(_ fields: RequestFields, maxInputs: Int) throws(APIError) -> ClassifyRequest {
        let common = try CommonRequest.read(fields, extra: ["top_k", "function_to_apply"], maxInputs: maxInputs)
        return ClassifyRequest(common: common, options: TextClassificationOptions(
            topK: try fields.integer("top_k", in: 1...1000), function: try function(fields), truncate: common.truncate,
            side: common.side))
    }

    static func function(_ fields: RequestFields) throws(APIError) -> ClassificationFunction? {
        guard let text = try fields.string("function_to_apply") else { return nil }
        guard let function = ClassificationFunction(rawValue: text) else {
            throw .invalid("\(fields.path("function_to_apply")) must be \"softmax\", \"sigmoid\" or \"none\", got \"\(text)\"")
        }
        return function
    }

    func prepare(_ model: ClassificationModel) throws(APIError) -> [ClassificationModel.Item] {
        var options = options
        // The pipeline clamps top_k to the label count rather than refusing it.
        options.topK = options.topK.map { min($0, model.model.labels.count) }
        try Preparation.options { () throws(TaskError) in try model.model.validate(options) }
        let inputs = try Preparation.inputs(common.texts) { (text) throws(TaskError) in
            try model.model.prepare(text, options: options)
        }
        return inputs.map { ClassificationModel.Item(input: $0, options: options) }
    }
}

/// `{label, score}`, the pipelines' classification item.
struct LabelBody: Encodable, Equatable {
    var label: String
    var score: Float
}

/// One classification result (also next-sentence's): labels with scores, best first.
struct LabelsResultBody: Encodable {
    var inputTokens: Int
    var truncated: Bool
    var predictions: [LabelBody]

    init(labels: [LabelBody], input: InputReport) {
        inputTokens = input.inputTokens
        truncated = input.truncated
        predictions = labels
    }

    init(labels: [LabelScore], input: InputReport) {
        self.init(labels: labels.map { LabelBody(label: $0.label, score: $0.score) }, input: input)
    }

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens", truncated, predictions
    }
}

/// `POST /next-sentence`: `text` and `text_pair`, both strings or both lists of the same length.
struct NextSentenceRequest: TaskRequest {
    typealias Model = NextSentenceModel

    var common: CommonRequest
    var pairs: [SentencePair]

    static func read(_ fields: RequestFields, maxInputs: Int) throws(APIError) -> NextSentenceRequest {
        let common = try CommonRequest.read(fields, extra: ["text_pair"], maxInputs: maxInputs)
        guard let (seconds, isList) = try fields.texts("text_pair", maxCount: maxInputs) else {
            throw .invalid("text_pair is required")
        }
        guard isList == common.isList, seconds.count == common.texts.count else {
            throw .invalid("text and text_pair must both be strings or both lists of the same length "
                           + "(got \(common.texts.count) and \(seconds.count))")
        }
        return NextSentenceRequest(common: common,
                                   pairs: zip(common.texts, seconds).map { SentencePair(first: $0, second: $1) })
    }

    func prepare(_ model: NextSentenceModel) throws(APIError) -> [NextSentenceModel.Item] {
        try Preparation.inputs(pairs) { (pair) throws(TaskError) in
            try model.model.prepare(pair, truncate: common.truncate, side: common.side)
        }
    }

    /// Both labels, best first, in the classification shape.
    static func labels(_ result: NextSentenceResult) -> [LabelBody] {
        let scores = [LabelBody(label: NextSentenceModel.labels[0], score: result.isNext),
                      LabelBody(label: NextSentenceModel.labels[1], score: 1 - result.isNext)]
        return scores.sorted { $0.score > $1.score }
    }
}

/// `POST /embed`: `text`, and `normalize` (default: what the checkpoint's sentence-transformers files say).
struct EmbedRequest: TaskRequest {
    typealias Model = EmbeddingModel

    var common: CommonRequest
    var normalize: Bool?

    static func read(_ fields: RequestFields, maxInputs: Int) throws(APIError) -> EmbedRequest {
        let common = try CommonRequest.read(fields, extra: ["normalize"], maxInputs: maxInputs)
        return EmbedRequest(common: common, normalize: try fields.bool("normalize"))
    }

    func prepare(_ model: EmbeddingModel) throws(APIError) -> [EmbeddingModel.Item] {
        if normalize == false && model.model.normalize {
            throw .invalid("this model's pipeline normalizes its embeddings; normalize: false cannot undo that")
        }
        return try Preparation.inputs(common.texts) { (text) throws(TaskError) in
            try model.model.prepare(text, truncate: common.truncate, side: common.side)
        }
    }

    /// The model's vector, scaled to unit length when the request asks and the model does not already.
    func vector(_ embedding: [Float], model: EmbeddingModel) -> [Float] {
        guard normalize == true, !model.model.normalize else { return embedding }
        let norm = embedding.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return embedding.map { $0 / max(norm, 1e-12) }
    }
}

/// One embedding result.
struct EmbeddingResultBody: Encodable {
    var inputTokens: Int
    var truncated: Bool
    var embedding: [Float]

    init(_ result: SentenceEmbeddingResult, vector: [Float]) {
        inputTokens = result.input.inputTokens
        truncated = result.input.truncated
        embedding = vector
    }

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens", truncated, embedding
    }
}
