import Foundation

/// Kotoba's RNN encoder–decoder configuration, `config.json` with `model_type` `"kotoba-seq2seq"`.
///
/// Every key is documented in training/reference/SEQ2SEQ_FORMAT.md and mirrors `Seq2SeqConfig` in
/// training/reference/seq2seq.py. Decoding errors name the field (`ModelError.invalidConfig`).
public struct Seq2SeqConfig: Decodable, Sendable, Equatable {
    /// The only `model_type` this configuration reads.
    public static let modelType = "kotoba-seq2seq"

    /// Score function of the decoder's attention.
    public enum AttentionKind: String, Sendable, CaseIterable, Decodable {
        /// `vᵀ tanh(W_q q + b_q + W_k k)` (Bahdanau et al. 2015).
        case bahdanau
        /// `qᵀk` (Luong et al. 2015).
        case luongDot = "luong_dot"
        /// `qᵀ W_k k` (Luong et al. 2015).
        case luongGeneral = "luong_general"
        /// `qᵀk / √H` (Vaswani et al. 2017).
        case scaledDot = "scaled_dot"
    }

    public var srcVocabSize: Int
    public var tgtVocabSize: Int
    public var embeddingSize: Int
    public var hiddenSize: Int
    public var cellType: RecurrentCellKind
    public var encoderLayers: Int
    public var decoderLayers: Int
    public var bidirectionalEncoder: Bool
    public var attentionType: AttentionKind
    /// Inner size of additive attention; `hidden_size` when absent or null.
    public var attentionSize: Int
    public var inputFeeding: Bool
    public var tieEmbeddings: Bool
    public var residual: Bool
    public var padTokenID: Int
    public var bosTokenID: Int
    public var eosTokenID: Int
    public var unkTokenID: Int
    public var decoderStartTokenID: Int
    /// Default limit on generated tokens, decoder_start not counted.
    public var maxLength: Int

    /// Width of the encoder outputs the decoder attends to.
    public var memorySize: Int { hiddenSize * (bidirectionalEncoder ? 2 : 1) }

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type"
        case srcVocabSize = "src_vocab_size", tgtVocabSize = "tgt_vocab_size"
        case embeddingSize = "embedding_size", hiddenSize = "hidden_size", cellType = "cell_type"
        case encoderLayers = "encoder_layers", decoderLayers = "decoder_layers"
        case bidirectionalEncoder = "bidirectional_encoder", attentionType = "attention_type"
        case attentionSize = "attention_size", inputFeeding = "input_feeding", tieEmbeddings = "tie_embeddings"
        case residual, padTokenID = "pad_token_id", bosTokenID = "bos_token_id", eosTokenID = "eos_token_id"
        case unkTokenID = "unk_token_id", decoderStartTokenID = "decoder_start_token_id", maxLength = "max_length"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let modelType = try c.decode(String.self, forKey: .modelType)
        guard modelType == Self.modelType else {
            throw DecodingError.dataCorruptedError(forKey: .modelType, in: c,
                debugDescription: "is \"\(modelType)\", expected \"\(Self.modelType)\"")
        }
        func positive(_ key: CodingKeys) throws -> Int {
            let value = try c.decode(Int.self, forKey: key)
            guard value > 0 else { throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "must be positive, is \(value)") }
            return value
        }
        srcVocabSize = try positive(.srcVocabSize)
        tgtVocabSize = try positive(.tgtVocabSize)
        embeddingSize = try positive(.embeddingSize)
        hiddenSize = try positive(.hiddenSize)
        let cell = try c.decode(String.self, forKey: .cellType)
        guard let cellType = RecurrentCellKind(rawValue: cell) else {
            throw DecodingError.dataCorruptedError(forKey: .cellType, in: c, debugDescription:
                "unsupported cell type \"\(cell)\"; supported: \(RecurrentCellKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.cellType = cellType
        encoderLayers = try positive(.encoderLayers)
        decoderLayers = try positive(.decoderLayers)
        bidirectionalEncoder = try c.decode(Bool.self, forKey: .bidirectionalEncoder)
        let attention = try c.decode(String.self, forKey: .attentionType)
        guard let attentionType = AttentionKind(rawValue: attention) else {
            throw DecodingError.dataCorruptedError(forKey: .attentionType, in: c, debugDescription:
                "unsupported attention type \"\(attention)\"; supported: \(AttentionKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.attentionType = attentionType
        attentionSize = try c.decodeIfPresent(Int.self, forKey: .attentionSize) ?? hiddenSize
        inputFeeding = try c.decode(Bool.self, forKey: .inputFeeding)
        tieEmbeddings = try c.decode(Bool.self, forKey: .tieEmbeddings)
        residual = try c.decode(Bool.self, forKey: .residual)
        padTokenID = try c.decode(Int.self, forKey: .padTokenID)
        bosTokenID = try c.decode(Int.self, forKey: .bosTokenID)
        eosTokenID = try c.decode(Int.self, forKey: .eosTokenID)
        unkTokenID = try c.decode(Int.self, forKey: .unkTokenID)
        decoderStartTokenID = try c.decode(Int.self, forKey: .decoderStartTokenID)
        maxLength = try positive(.maxLength)

        // Cross-field rules, each reported on the field that breaks it (same rules as the reference's __post_init__).
        guard decoderLayers == encoderLayers else {
            throw DecodingError.dataCorruptedError(forKey: .decoderLayers, in: c, debugDescription:
                "is \(decoderLayers) but encoder_layers is \(encoderLayers); decoder layer l starts from encoder layer l")
        }
        if attentionType == .luongDot || attentionType == .scaledDot, memorySize != hiddenSize {
            throw DecodingError.dataCorruptedError(forKey: .attentionType, in: c, debugDescription:
                "\(attention) needs encoder outputs as wide as hidden_size; a bidirectional encoder doubles them")
        }
        if tieEmbeddings, embeddingSize != hiddenSize {
            throw DecodingError.dataCorruptedError(forKey: .tieEmbeddings, in: c, debugDescription:
                "needs embedding_size (\(embeddingSize)) == hidden_size (\(hiddenSize))")
        }
        for key in [CodingKeys.padTokenID, .eosTokenID, .decoderStartTokenID] {
            let id = try c.decode(Int.self, forKey: key)
            guard id >= 0 && id < tgtVocabSize else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription:
                    "is \(id), outside tgt_vocab_size \(tgtVocabSize)")
            }
        }
    }

    /// Reads `config.json` in `directory`.
    public static func load(directory: URL) throws(ModelError) -> Seq2SeqConfig {
        try ConfigFile.decode(Seq2SeqConfig.self, from: directory.appendingPathComponent("config.json"))
    }
}
