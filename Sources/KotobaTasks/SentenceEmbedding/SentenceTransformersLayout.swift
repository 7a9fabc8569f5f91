// Reference: sentence-transformers `sentence_transformers/models/Pooling.py` and `Normalize.py` (v3.x), and the
// `modules.json` layout `SentenceTransformer.save` writes: an ordered list of modules, each with a `type` and
// the sub-directory (`path`) holding its config.
import Foundation

/// How token states become one sentence vector (sentence-transformers `Pooling`).
package enum PoolingMode: String, Sendable, Codable {
    /// The first token's (`[CLS]`) hidden state.
    case cls
    /// The mean over real (unmasked) tokens.
    case mean
}

/// The pipeline a sentence-transformers directory describes: encoder → pooling → optional L2 normalisation.
struct SentenceTransformersLayout: Equatable {
    var pooling: PoolingMode
    var normalize: Bool
    /// `max_seq_length` from sentence_bert_config.json: sentence-transformers always truncates to it.
    var maxSequenceLength: Int?

    /// Reads `modules.json` and the module configs; a directory without modules.json is a plain transformers
    /// model, pooled by mean without normalisation (what sentence-transformers builds for one).
    static func read(directory: URL) throws(TaskLoadError) -> SentenceTransformersLayout {
        let modulesURL = directory.appendingPathComponent("modules.json")
        guard FileManager.default.fileExists(atPath: modulesURL.path) else {
            return SentenceTransformersLayout(pooling: .mean, normalize: false, maxSequenceLength: nil)
        }
        let modules = try decode([Module].self, from: modulesURL)
        var layout = SentenceTransformersLayout(pooling: .mean, normalize: false, maxSequenceLength: nil)
        var sawTransformer = false, sawPooling = false
        for module in modules.sorted(by: { $0.idx < $1.idx }) {
            switch module.type {
            case "sentence_transformers.models.Transformer":
                guard !sawTransformer, !sawPooling else {
                    throw .invalidLayout(path: modulesURL.path, reason: "Transformer module must come first, once")
                }
                sawTransformer = true
            case "sentence_transformers.models.Pooling":
                guard sawTransformer, !sawPooling else {
                    throw .invalidLayout(path: modulesURL.path, reason: "Pooling module must follow the Transformer, once")
                }
                sawPooling = true
                let url = directory.appendingPathComponent(module.path).appendingPathComponent("config.json")
                layout.pooling = try poolingMode(try decode(PoolingConfig.self, from: url), path: url.path)
            case "sentence_transformers.models.Normalize":
                guard sawPooling else {
                    throw .invalidLayout(path: modulesURL.path, reason: "Normalize module must follow Pooling")
                }
                layout.normalize = true
            default:
                throw .invalidLayout(path: modulesURL.path, reason: "module type \"\(module.type)\" is not supported "
                                     + "(supported: Transformer, Pooling, Normalize)")
            }
        }
        guard sawTransformer, sawPooling else {
            throw .invalidLayout(path: modulesURL.path, reason: "needs a Transformer and a Pooling module")
        }
        let bertConfig = directory.appendingPathComponent("sentence_bert_config.json")
        if FileManager.default.fileExists(atPath: bertConfig.path) {
            layout.maxSequenceLength = try decode(SentenceBertConfig.self, from: bertConfig).maxSeqLength
        }
        return layout
    }

    private static func poolingMode(_ config: PoolingConfig, path: String) throws(TaskLoadError) -> PoolingMode {
        let unsupported = [("pooling_mode_max_tokens", config.max), ("pooling_mode_mean_sqrt_len_tokens", config.meanSqrt),
                           ("pooling_mode_weightedmean_tokens", config.weightedMean), ("pooling_mode_lasttoken", config.lastToken)]
        for (name, on) in unsupported where on == true {
            throw .invalidLayout(path: path, reason: "\(name) is not supported (supported: cls, mean)")
        }
        switch (config.cls ?? false, config.mean ?? false) {
        case (true, false): return .cls
        case (false, true): return .mean
        case (true, true): throw .invalidLayout(path: path, reason: "several pooling modes at once are not supported")
        case (false, false): throw .invalidLayout(path: path, reason: "no pooling mode is enabled")
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, from url: URL) throws(TaskLoadError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
        } catch {
            throw .invalidLayout(path: url.path, reason: "\(error)")
        }
    }

    private struct Module: Decodable {
        var idx: Int
        var path: String
        var type: String
    }

    private struct PoolingConfig: Decodable {
        var cls: Bool?, mean: Bool?, max: Bool?, meanSqrt: Bool?, weightedMean: Bool?, lastToken: Bool?
        enum CodingKeys: String, CodingKey {
            case cls = "pooling_mode_cls_token", mean = "pooling_mode_mean_tokens", max = "pooling_mode_max_tokens"
            case meanSqrt = "pooling_mode_mean_sqrt_len_tokens", weightedMean = "pooling_mode_weightedmean_tokens"
            case lastToken = "pooling_mode_lasttoken"
        }
    }

    private struct SentenceBertConfig: Decodable {
        var maxSeqLength: Int?
        enum CodingKeys: String, CodingKey { case maxSeqLength = "max_seq_length" }
    }
}
