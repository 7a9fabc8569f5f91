/// `GET /v1/models`: the ready models, in the OpenAI list shape so existing clients can read it.
struct ModelListBody: Encodable {
    var object = "list"
    var data: [ModelBody]
}

/// One ready model in `GET /v1/models` and `GET /v1/models/{name}`.
struct ModelBody: Encodable {
    /// The configured name, which requests pass as `model`.
    var id: String
    var object = "model"
    var ownedBy = ServiceInfo.name
    var task: String
    /// Whether requests for `task` that name no model get this one.
    var isDefault: Bool
    var architecture: String
    var parameters: Int?
    var maxInputTokens: Int?
    var weightsSHA256: String?
    var labels: [String]?
    var vocabularySize: Int?
    var dimensions: Int?
    var quantization: String?

    enum CodingKeys: String, CodingKey {
        case id, object, task, architecture, parameters, labels, dimensions, quantization
        case vocabularySize = "vocab_size"
        case ownedBy = "owned_by"
        case isDefault = "default"
        case maxInputTokens = "max_input_tokens"
        case weightsSHA256 = "weights_sha256"
    }

    init(spec: ModelSpec, metadata: ModelMetadata) {
        id = spec.name
        task = spec.task
        isDefault = spec.isDefault
        architecture = metadata.architecture
        parameters = metadata.parameterCount
        maxInputTokens = metadata.maxInputTokens
        weightsSHA256 = metadata.weightsSHA256
        labels = metadata.labels
        vocabularySize = metadata.vocabularySize
        dimensions = metadata.dimensions
        quantization = metadata.quantization?.rawValue
    }
}
