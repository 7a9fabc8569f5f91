import Synchronization
import KotobaTokenizers

/// `SentencePieceTokenizer.encodePieces` (the .spm path Marian translation uses) on arbitrary text.
/// Rules: every id is a piece of the model; a piece that is not the unknown id is the model's text for
/// it; and decoding the ids never fails.
enum SentencePieceEncodeTarget {
    static let file = "Tests/KotobaTokenizersTests/Fixtures/seq2seq/user_unigram.spm"
    static let model = LazySentencePiece(file)

    static let target = FuzzTarget(
        name: "sentencepiece",
        summary: "SentencePiece (.spm unigram) encode: ids in the vocabulary, pieces match ids, decode succeeds"
    ) { bytes throws(InvariantFailure) in
        let tokenizer: SentencePieceTokenizer
        switch model.value {
        case let .success(value): tokenizer = value
        case let .failure(error): throw InvariantFailure(description: "\(file) does not load: \(error)")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let pieces = tokenizer.encodePieces(text)
        for piece in pieces {
            try expect(piece.id >= 0 && piece.id < tokenizer.pieceCount, "id \(piece.id) outside \(tokenizer.pieceCount) pieces")
            if piece.id != tokenizer.unknownID {
                try expect(tokenizer.piece(of: piece.id) == piece.piece,
                           "piece \(piece.piece.debugDescription) has id \(piece.id), which is \(tokenizer.piece(of: piece.id) ?? "-")")
            }
        }
        do { _ = try tokenizer.decode(pieces.map(\.id)) } catch {
            throw InvariantFailure(description: "decoding its own ids failed: \(error)")
        }
    }
}

/// A SentencePiece model loaded on first use, once per process.
final class LazySentencePiece: Sendable {
    private let file: String
    private let storage = Mutex<Result<SentencePieceTokenizer, TokenizerError>?>(nil)

    init(_ file: String) { self.file = file }

    var value: Result<SentencePieceTokenizer, TokenizerError> {
        storage.withLock { cached in
            if let cached { return cached }
            let loaded = Result { () throws(TokenizerError) in try SentencePieceTokenizer(contentsOf: Fixtures.path(file)) }
            cached = loaded
            return loaded
        }
    }
}
