/// What `/v1/models` says about a loaded model, beyond its configured name and task.
package struct ModelMetadata: Sendable, Equatable {
    /// Architecture as the checkpoint's config.json names it (`BertForMaskedLM`, `MarianMTModel`...).
    package var architecture: String
    /// Trainable parameters, when the loader counted them.
    package var parameterCount: Int?
    /// Longest input the model accepts, in tokens, special tokens included.
    package var maxInputTokens: Int?
    /// SHA-256 of `model.safetensors` (word vectors: of the vectors file), lowercase hex.
    package var weightsSHA256: String?
    /// Output labels in id order, for classifiers.
    package var labels: [String]?
    /// Words, for word vectors.
    package var vocabularySize: Int?
    /// Vector length, for word vectors.
    package var dimensions: Int?
    /// Attention heads per layer: with the padded length, what one batch's attention scores cost.
    package var attentionHeads: Int?
    /// How the linear layers' weights are held (`none`, `int8`), for models that have linear layers.
    package var quantization: Quantization?

    package init(architecture: String, parameterCount: Int? = nil, maxInputTokens: Int? = nil,
                weightsSHA256: String? = nil, labels: [String]? = nil, vocabularySize: Int? = nil,
                dimensions: Int? = nil) {
        self.architecture = architecture
        self.parameterCount = parameterCount
        self.maxInputTokens = maxInputTokens
        self.weightsSHA256 = weightsSHA256
        self.labels = labels
        self.vocabularySize = vocabularySize
        self.dimensions = dimensions
    }
}

/// A model ready to serve requests; task handlers cast it to the concrete type their loader returns.
package protocol LoadedModel: Sendable {
    var metadata: ModelMetadata { get }
}

/// Turns a configured model directory into a `LoadedModel`, for the tasks it is registered under.
///
/// Loading runs on the catalogue's background queue, so it may block for as long as reading weights takes;
/// a thrown error is shown, as its description, in `/readyz` and the logs.
package protocol ModelLoader: Sendable {
    func load(_ spec: ModelSpec) throws -> any LoadedModel
}
