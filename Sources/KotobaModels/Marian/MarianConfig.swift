// Marian: Junczys-Dowmunt et al., "Marian: Fast Neural Machine Translation in C++" (ACL 2018 demo);
// the architecture is the post-norm Transformer of Vaswani et al. 2017 ("Attention Is All You Need", §3).
// Reference: transformers 5.24.0, src/transformers/models/marian/configuration_marian.py (`MarianConfig`)
// and modeling_marian.py, whose defaults are reproduced here field by field.
import Foundation

/// Hyper-parameters of a Hugging Face `MarianMTModel`, read from its `config.json`.
public struct MarianConfig: Sendable, Equatable {
    /// `vocab_size`: rows of `model.shared` / the encoder embedding.
    public var vocabSize: Int
    /// `decoder_vocab_size`: rows of the decoder embedding and `lm_head` (defaults to `vocab_size`).
    public var decoderVocabSize: Int
    /// `d_model`.
    public var hiddenSize: Int
    /// `encoder_layers`, `decoder_layers`.
    public var encoderLayers: Int, decoderLayers: Int
    /// `encoder_attention_heads`, `decoder_attention_heads`.
    public var encoderHeads: Int, decoderHeads: Int
    /// `encoder_ffn_dim`, `decoder_ffn_dim`.
    public var encoderFFNSize: Int, decoderFFNSize: Int
    /// `max_position_embeddings`: rows of each sinusoidal table, the longest source or target.
    public var maxPositions: Int
    /// `activation_function` of the feed-forward blocks.
    public var activation: Activation
    /// `scale_embedding`: multiply token embeddings by `sqrt(d_model)`.
    public var scaleEmbedding: Bool
    /// `share_encoder_decoder_embeddings`: one `model.shared` table for both sides.
    public var shareEmbeddings: Bool
    /// `tie_word_embeddings`: `lm_head` is the decoder embedding when the checkpoint has none.
    public var tieWordEmbeddings: Bool
    /// `pad_token_id`; Marian also starts decoding from it.
    public var padTokenId: Int
    /// `eos_token_id` (a list in some configs).
    public var eosTokenIds: [Int]
    /// `decoder_start_token_id` (equals `pad_token_id` in every Marian checkpoint).
    public var decoderStartTokenId: Int
    /// `forced_eos_token_id`, used by `generate` when `generation_config.json` is absent.
    public var forcedEOSTokenId: Int?

    /// Feed-forward activations `transformers.activations.ACT2FN` maps these names to.
    public enum Activation: String, Sendable, Equatable {
        /// `x * sigmoid(x)`; Marian's own name for SiLU.
        case swish, silu
        /// Exact erf GELU (`nn.functional.gelu`).
        case gelu
        /// `gelu_new`: the tanh approximation.
        case geluNew = "gelu_new"
        /// `max(0, x)`.
        case relu
    }

    /// Size of one attention head on the encoder side.
    public var encoderHeadSize: Int { hiddenSize / encoderHeads }
    /// Size of one attention head on the decoder side.
    public var decoderHeadSize: Int { hiddenSize / decoderHeads }
}

extension MarianConfig {
    /// Reads and validates `config.json`; every missing field takes `MarianConfig`'s default.
    public init(contentsOf url: URL) throws(ModelError) {
        let raw = try ConfigFile.decode(RawConfig.self, from: url)
        let path = url.path
        if let type = raw.model_type, type != "marian" {
            throw .unsupportedArchitecture(name: type, supported: ["marian"])
        }
        vocabSize = raw.vocab_size ?? 58101
        decoderVocabSize = raw.decoder_vocab_size ?? vocabSize
        hiddenSize = raw.d_model ?? 1024
        encoderLayers = raw.encoder_layers ?? 12
        decoderLayers = raw.decoder_layers ?? 12
        encoderHeads = raw.encoder_attention_heads ?? 16
        decoderHeads = raw.decoder_attention_heads ?? 16
        encoderFFNSize = raw.encoder_ffn_dim ?? 4096
        decoderFFNSize = raw.decoder_ffn_dim ?? 4096
        maxPositions = raw.max_position_embeddings ?? 1024
        let activationName = raw.activation_function ?? "gelu"
        guard let activation = Activation(rawValue: activationName) else {
            throw .invalidConfig(path: path, field: "activation_function",
                                 reason: "is \"\(activationName)\"; supported: swish, silu, gelu, gelu_new, relu")
        }
        self.activation = activation
        scaleEmbedding = raw.scale_embedding ?? false
        shareEmbeddings = raw.share_encoder_decoder_embeddings ?? true
        tieWordEmbeddings = raw.tie_word_embeddings ?? true
        padTokenId = raw.pad_token_id ?? 58100
        eosTokenIds = raw.eos_token_id?.ids ?? [0]
        decoderStartTokenId = raw.decoder_start_token_id ?? 58100
        forcedEOSTokenId = raw.forced_eos_token_id?.ids.first
        // `normalize_before` and friends from the Marian C++ converter are ignored by transformers (every layer is
        // post-norm), so they are ignored here too: reproducing transformers is the contract.
        try validate(path: path)
    }

    private func validate(path: String) throws(ModelError) {
        for (field, value) in [("d_model", hiddenSize), ("encoder_layers", encoderLayers),
                               ("decoder_layers", decoderLayers), ("vocab_size", vocabSize),
                               ("decoder_vocab_size", decoderVocabSize), ("max_position_embeddings", maxPositions),
                               ("encoder_ffn_dim", encoderFFNSize), ("decoder_ffn_dim", decoderFFNSize)]
        where value <= 0 {
            throw .invalidConfig(path: path, field: field, reason: "must be positive, is \(value)")
        }
        for (field, heads) in [("encoder_attention_heads", encoderHeads), ("decoder_attention_heads", decoderHeads)]
        where heads <= 0 || hiddenSize % heads != 0 {
            throw .invalidConfig(path: path, field: field, reason: "must divide d_model \(hiddenSize), is \(heads)")
        }
        if shareEmbeddings && decoderVocabSize != vocabSize {
            throw .invalidConfig(path: path, field: "decoder_vocab_size",
                                 reason: "is \(decoderVocabSize) but shared embeddings need vocab_size \(vocabSize)")
        }
        for (field, id) in [("pad_token_id", padTokenId), ("decoder_start_token_id", decoderStartTokenId)]
        + eosTokenIds.map({ ("eos_token_id", $0) }) where id < 0 || id >= decoderVocabSize {
            throw .invalidConfig(path: path, field: field, reason: "\(id) is outside the target vocabulary")
        }
    }
}

/// The fields of `config.json` Kotoba reads, spelled as transformers writes them.
private struct RawConfig: Decodable {
    var model_type: String?
    var vocab_size, decoder_vocab_size, d_model, max_position_embeddings: Int?
    var encoder_layers, decoder_layers, encoder_attention_heads, decoder_attention_heads: Int?
    var encoder_ffn_dim, decoder_ffn_dim: Int?
    var activation_function: String?
    var scale_embedding, share_encoder_decoder_embeddings, tie_word_embeddings: Bool?
    var pad_token_id, decoder_start_token_id: Int?
    var eos_token_id, forced_eos_token_id: TokenIds?
}

/// A token id field that transformers allows to be one integer or a list of them (`eos_token_id`).
struct TokenIds: Decodable, Equatable {
    var ids: [Int]

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(Int.self) {
            ids = [one]
        } else {
            ids = try container.decode([Int].self)
        }
    }
}
