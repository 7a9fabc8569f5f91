import Foundation
import KotobaTensor

/// The fields of a DistilBERT `config.json` that inference reads.
///
/// Reference: transformers `models/distilbert/configuration_distilbert.py` at v5.24.0; defaults are that
/// file's defaults. Layer norms use a fixed epsilon of 1e-12 (hard-coded in `modeling_distilbert.py`).
public struct DistilBertConfig: Sendable {
    public var vocabSize: Int
    public var dim: Int
    public var nLayers: Int
    public var nHeads: Int
    public var hiddenDim: Int
    public var activation: Activation
    public var maxPositionEmbeddings: Int
    public var padTokenId: Int
    /// Whether `vocab_projector` reuses the word embeddings when the checkpoint stores no projector weight.
    public var tieWordEmbeddings: Bool
    public var id2label: [String: String]?
    public var problemType: ProblemType?
    /// `nn.LayerNorm(eps=1e-12)` everywhere in DistilBERT.
    public let layerNormEps: Float = 1e-12

    /// Reads and validates `config.json` in `directory`.
    public static func load(directory: URL) throws(ModelError) -> DistilBertConfig {
        let url = directory.appendingPathComponent("config.json")
        let raw = try ConfigFile.decode(Raw.self, from: url)
        guard let activation = Activation(configName: raw.activation ?? "gelu") else {
            throw .invalidConfig(path: url.path, field: "activation", reason: "\"\(raw.activation ?? "")\" is not supported")
        }
        let config = DistilBertConfig(
            vocabSize: raw.vocabSize, dim: raw.dim ?? 768, nLayers: raw.nLayers ?? 6, nHeads: raw.nHeads ?? 12,
            hiddenDim: raw.hiddenDim ?? 3072, activation: activation,
            maxPositionEmbeddings: raw.maxPositionEmbeddings ?? 512, padTokenId: raw.padTokenId ?? 0,
            tieWordEmbeddings: raw.tieWordEmbeddings ?? true, id2label: raw.id2label, problemType: raw.problemType)
        for (field, value) in [("vocab_size", config.vocabSize), ("dim", config.dim), ("n_layers", config.nLayers),
                               ("n_heads", config.nHeads), ("hidden_dim", config.hiddenDim),
                               ("max_position_embeddings", config.maxPositionEmbeddings)] where value <= 0 {
            throw .invalidConfig(path: url.path, field: field, reason: "must be positive, found \(value)")
        }
        guard config.dim % config.nHeads == 0 else {
            throw .invalidConfig(path: url.path, field: "n_heads", reason: "\(config.nHeads) does not divide dim \(config.dim)")
        }
        return config
    }

    private struct Raw: Decodable {
        var vocabSize: Int
        var dim: Int?
        var nLayers: Int?
        var nHeads: Int?
        var hiddenDim: Int?
        var activation: String?
        var maxPositionEmbeddings: Int?
        var padTokenId: Int?
        var tieWordEmbeddings: Bool?
        var id2label: [String: String]?
        var problemType: ProblemType?

        enum CodingKeys: String, CodingKey {
            case vocabSize = "vocab_size", dim, nLayers = "n_layers", nHeads = "n_heads", hiddenDim = "hidden_dim"
            case activation, maxPositionEmbeddings = "max_position_embeddings", padTokenId = "pad_token_id"
            case tieWordEmbeddings = "tie_word_embeddings", id2label, problemType = "problem_type"
        }
    }
}
