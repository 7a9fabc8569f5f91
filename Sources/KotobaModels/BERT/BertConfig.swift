import Foundation
import KotobaTensor

/// The fields of a BERT `config.json` that inference reads.
///
/// Reference: transformers `models/bert/configuration_bert.py` at v5.24.0; defaults are that file's defaults.
public struct BertConfig: Sendable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    public var hiddenAct: Activation
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    public var layerNormEps: Float
    public var padTokenId: Int
    /// Whether the MLM decoder reuses the word-embedding matrix when the checkpoint stores no decoder weight.
    public var tieWordEmbeddings: Bool
    public var id2label: [String: String]?
    public var problemType: ProblemType?

    /// A configuration with BERT-base's shape unless told otherwise (benchmarks and tests build models in memory).
    public init(vocabSize: Int = 30522, hiddenSize: Int = 768, numHiddenLayers: Int = 12, numAttentionHeads: Int = 12,
                intermediateSize: Int = 3072, hiddenAct: Activation = .gelu, maxPositionEmbeddings: Int = 512,
                typeVocabSize: Int = 2, layerNormEps: Float = 1e-12, padTokenId: Int = 0,
                tieWordEmbeddings: Bool = true, id2label: [String: String]? = nil, problemType: ProblemType? = nil) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.intermediateSize = intermediateSize
        self.hiddenAct = hiddenAct
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.typeVocabSize = typeVocabSize
        self.layerNormEps = layerNormEps
        self.padTokenId = padTokenId
        self.tieWordEmbeddings = tieWordEmbeddings
        self.id2label = id2label
        self.problemType = problemType
    }

    /// Reads and validates `config.json` in `directory`.
    public static func load(directory: URL) throws(ModelError) -> BertConfig {
        let url = directory.appendingPathComponent("config.json")
        let raw = try ConfigFile.decode(Raw.self, from: url)
        let path = url.path
        guard let activation = Activation(configName: raw.hiddenAct ?? "gelu") else {
            throw .invalidConfig(path: path, field: "hidden_act", reason: "\"\(raw.hiddenAct ?? "")\" is not supported")
        }
        if let type = raw.positionEmbeddingType, type != "absolute" {
            throw .invalidConfig(path: path, field: "position_embedding_type", reason: "\"\(type)\" is not supported")
        }
        if raw.isDecoder == true {
            throw .invalidConfig(path: path, field: "is_decoder", reason: "is true; Kotoba runs BERT as an encoder only")
        }
        let config = BertConfig(
            vocabSize: raw.vocabSize, hiddenSize: raw.hiddenSize ?? 768, numHiddenLayers: raw.numHiddenLayers ?? 12,
            numAttentionHeads: raw.numAttentionHeads ?? 12, intermediateSize: raw.intermediateSize ?? 3072,
            hiddenAct: activation, maxPositionEmbeddings: raw.maxPositionEmbeddings ?? 512,
            typeVocabSize: raw.typeVocabSize ?? 2, layerNormEps: Float(raw.layerNormEps ?? 1e-12),
            padTokenId: raw.padTokenId ?? 0, tieWordEmbeddings: raw.tieWordEmbeddings ?? true,
            id2label: raw.id2label, problemType: raw.problemType)
        for (field, value) in [("vocab_size", config.vocabSize), ("hidden_size", config.hiddenSize),
                               ("num_hidden_layers", config.numHiddenLayers),
                               ("num_attention_heads", config.numAttentionHeads),
                               ("intermediate_size", config.intermediateSize),
                               ("max_position_embeddings", config.maxPositionEmbeddings),
                               ("type_vocab_size", config.typeVocabSize)] where value <= 0 {
            throw .invalidConfig(path: path, field: field, reason: "must be positive, found \(value)")
        }
        guard config.hiddenSize % config.numAttentionHeads == 0 else {
            throw .invalidConfig(path: path, field: "num_attention_heads",
                                 reason: "\(config.numAttentionHeads) does not divide hidden_size \(config.hiddenSize)")
        }
        return config
    }

    private struct Raw: Decodable {
        var vocabSize: Int
        var hiddenSize: Int?
        var numHiddenLayers: Int?
        var numAttentionHeads: Int?
        var intermediateSize: Int?
        var hiddenAct: String?
        var maxPositionEmbeddings: Int?
        var typeVocabSize: Int?
        var layerNormEps: Double?
        var padTokenId: Int?
        var tieWordEmbeddings: Bool?
        var positionEmbeddingType: String?
        var isDecoder: Bool?
        var id2label: [String: String]?
        var problemType: ProblemType?

        enum CodingKeys: String, CodingKey {
            case vocabSize = "vocab_size", hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
            case numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size"
            case hiddenAct = "hidden_act", maxPositionEmbeddings = "max_position_embeddings"
            case typeVocabSize = "type_vocab_size", layerNormEps = "layer_norm_eps", padTokenId = "pad_token_id"
            case tieWordEmbeddings = "tie_word_embeddings", positionEmbeddingType = "position_embedding_type"
            case isDecoder = "is_decoder", id2label, problemType = "problem_type"
        }
    }
}
