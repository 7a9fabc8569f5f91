// Marian's tokenizer as transformers ships it: two SentencePiece models and a vocab.json that renumbers pieces.
// Reference: transformers v5.24.0 src/transformers/models/marian/tokenization_marian.py (MarianTokenizer)
// and tokenization_python.py (PreTrainedTokenizer.tokenize: special tokens are split out before SentencePiece).
// MarianTokenizer.normalize runs sacremoses' MosesPunctNormalizer only when sacremoses is installed; the
// pinned fixture environment has none, so text reaches SentencePiece unchanged here too.

import Foundation
import KotobaJSON

/// Source and target SentencePiece models with the model's `vocab.json` ids (`MarianTokenizer`).
package struct MarianTokenizer: Sendable {
    package let source: SentencePieceTokenizer
    package let target: SentencePieceTokenizer
    /// vocab.json's (piece, model id) entries in file order, shared by both sides (`separate_vocabs` is refused).
    package let vocabulary: [(piece: String, id: Int)]
    /// Piece → id by scalars: vocab.json keys that differ only in normalisation form are distinct pieces.
    let pieceIDs: [ScalarKey: Int]
    let pieceOfID: [Int: String]
    package let unknownID: Int
    package let endOfSequenceID: Int
    package let paddingID: Int?
    /// `</s>`, `<unk>`, `<pad>`: split out of the text before SentencePiece, skipped when decoding.
    let specialTokens: [[Unicode.Scalar]]

    /// Loads `source.spm`, `target.spm` and `vocab.json` from a model directory.
    package init(directory: URL) throws(TokenizerError) {
        let config = directory.appendingPathComponent("tokenizer_config.json")
        if FileManager.default.fileExists(atPath: config.path), try readJSON(config)["separate_vocabs"]?.boolValue == true {
            throw .unsupported(stage: "marian tokenizer", type: "separate_vocabs")
        }
        let source = try SentencePieceTokenizer(contentsOf: directory.appendingPathComponent("source.spm"))
        let target = try SentencePieceTokenizer(contentsOf: directory.appendingPathComponent("target.spm"))
        let vocabURL = directory.appendingPathComponent("vocab.json")
        guard let members = try readJSON(vocabURL).objectValue else {
            throw .invalidFile(path: vocabURL.path, reason: "expected an object of piece → id")
        }
        var vocabulary: [(piece: String, id: Int)] = []
        for (piece, value) in members {
            guard let id = value.intValue else {
                throw .invalidFile(path: vocabURL.path, reason: "\(piece.debugDescription) has no integer id")
            }
            vocabulary.append((piece, id))
        }
        try self.init(source: source, target: target, vocabulary: vocabulary, vocabPath: vocabURL.path)
    }

    package init(
        source: SentencePieceTokenizer, target: SentencePieceTokenizer, vocabulary: [(piece: String, id: Int)],
        vocabPath: String = "vocab.json"
    ) throws(TokenizerError) {
        var ids: [ScalarKey: Int] = [:]
        var reverse: [Int: String] = [:]
        for (piece, id) in vocabulary {
            // json.load keeps the last value of a repeated key; {v: k} keeps the last key of a repeated id.
            ids[ScalarKey(piece)] = id
            reverse[id] = piece
        }
        guard let unk = ids[ScalarKey("<unk>")] else {
            throw .invalidFile(path: vocabPath, reason: "<unk> token must be in the vocab")
        }
        guard let eos = ids[ScalarKey("</s>")] else {
            throw .invalidFile(path: vocabPath, reason: "</s> token must be in the vocab")
        }
        self.source = source
        self.target = target
        self.vocabulary = vocabulary
        self.pieceIDs = ids
        self.pieceOfID = reverse
        self.unknownID = unk
        self.endOfSequenceID = eos
        self.paddingID = ids[ScalarKey("<pad>")]
        self.specialTokens = ["</s>", "<unk>", "<pad>"].map { Array($0.unicodeScalars) }
    }

    /// The vocab.json id of a piece, compared scalar by scalar.
    package func id(forPiece piece: String) -> Int? { pieceIDs[ScalarKey(piece)] }

    /// Model input ids for source text: pieces → vocab.json ids, then `</s>`.
    package func encodeSource(_ text: String) -> [Int] { encode(text, with: source) + [endOfSequenceID] }

    /// Label ids for target text (`text_target=`): the target model's pieces, then `</s>`.
    package func encodeTarget(_ text: String) -> [Int] { encode(text, with: target) + [endOfSequenceID] }

    /// Target text from generated ids (`decode(ids, skip_special_tokens=...)`).
    package func decodeTarget(_ ids: [Int], skipSpecialTokens: Bool = true) -> String {
        decode(ids, with: target, skipSpecialTokens: skipSpecialTokens)
    }

    /// Source text from ids (`decode(ids, use_source_tokenizer=True)`).
    package func decodeSource(_ ids: [Int], skipSpecialTokens: Bool = true) -> String {
        decode(ids, with: source, skipSpecialTokens: skipSpecialTokens)
    }
}
