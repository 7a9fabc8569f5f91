// Marian's tokenizer as transformers ships it: two SentencePiece models and a vocab.json that renumbers pieces.
// Reference: transformers v5.24.0 src/transformers/models/marian/tokenization_marian.py (MarianTokenizer)
// and tokenization_python.py (PreTrainedTokenizer.tokenize: special tokens are split out before SentencePiece).
// MarianTokenizer.normalize runs sacremoses' MosesPunctNormalizer only when sacremoses is installed; the
// pinned fixture environment has none, so text reaches SentencePiece unchanged here too.

import Foundation

/// Source and target SentencePiece models with the model's `vocab.json` ids (`MarianTokenizer`).
public struct MarianTokenizer: Sendable {
    public let source: SentencePieceTokenizer
    public let target: SentencePieceTokenizer
    /// vocab.json: piece → model id, shared by both sides (`separate_vocabs` is refused).
    public let vocabulary: [String: Int]
    let pieceOfID: [Int: String]
    public let unknownID: Int
    public let endOfSequenceID: Int
    public let paddingID: Int?
    /// `</s>`, `<unk>`, `<pad>`: split out of the text before SentencePiece, skipped when decoding.
    let specialTokens: [String]

    /// Loads `source.spm`, `target.spm` and `vocab.json` from a model directory.
    public init(directory: URL) throws(TokenizerError) {
        let config = directory.appendingPathComponent("tokenizer_config.json")
        if let data = try? Data(contentsOf: config),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           object["separate_vocabs"] as? Bool == true {
            throw .unsupported(stage: "marian tokenizer", type: "separate_vocabs")
        }
        let source = try SentencePieceTokenizer(contentsOf: directory.appendingPathComponent("source.spm"))
        let target = try SentencePieceTokenizer(contentsOf: directory.appendingPathComponent("target.spm"))
        let vocabURL = directory.appendingPathComponent("vocab.json")
        let data: Data
        do { data = try Data(contentsOf: vocabURL) } catch {
            throw .unreadableFile(path: vocabURL.path, reason: error.localizedDescription)
        }
        let vocabulary: [String: Int]
        do { vocabulary = try JSONDecoder().decode([String: Int].self, from: data) } catch {
            throw .invalidFile(path: vocabURL.path, reason: "expected an object of piece → id: \(error)")
        }
        try self.init(source: source, target: target, vocabulary: vocabulary, vocabPath: vocabURL.path)
    }

    public init(
        source: SentencePieceTokenizer, target: SentencePieceTokenizer, vocabulary: [String: Int],
        vocabPath: String = "vocab.json"
    ) throws(TokenizerError) {
        guard let unk = vocabulary["<unk>"] else {
            throw .invalidFile(path: vocabPath, reason: "<unk> token must be in the vocab")
        }
        guard let eos = vocabulary["</s>"] else {
            throw .invalidFile(path: vocabPath, reason: "</s> token must be in the vocab")
        }
        self.source = source
        self.target = target
        self.vocabulary = vocabulary
        // Python's {v: k} keeps the last key for a repeated id; JSON object order is lost in Swift, so refuse.
        var reverse: [Int: String] = [:]
        for (piece, id) in vocabulary {
            guard reverse.updateValue(piece, forKey: id) == nil else {
                throw .invalidFile(path: vocabPath, reason: "id \(id) is given to more than one piece")
            }
        }
        self.pieceOfID = reverse
        self.unknownID = unk
        self.endOfSequenceID = eos
        self.paddingID = vocabulary["<pad>"]
        self.specialTokens = ["</s>", "<unk>", "<pad>"]
    }

    /// Model input ids for source text: pieces → vocab.json ids, then `</s>`.
    public func encodeSource(_ text: String) -> [Int] { encode(text, with: source) + [endOfSequenceID] }

    /// Label ids for target text (`text_target=`): the target model's pieces, then `</s>`.
    public func encodeTarget(_ text: String) -> [Int] { encode(text, with: target) + [endOfSequenceID] }

    /// Target text from generated ids (`decode(ids, skip_special_tokens=...)`).
    public func decodeTarget(_ ids: [Int], skipSpecialTokens: Bool = true) -> String {
        decode(ids, with: target, skipSpecialTokens: skipSpecialTokens)
    }

    /// Source text from ids (`decode(ids, use_source_tokenizer=True)`).
    public func decodeSource(_ ids: [Int], skipSpecialTokens: Bool = true) -> String {
        decode(ids, with: source, skipSpecialTokens: skipSpecialTokens)
    }
}
