// SentencePiece's segmentation models over normalised bytes.
// Unigram: sentencepiece v0.2.0 src/unigram_model.cc (Model::Model, Model::Encode).
// BPE:     sentencepiece v0.2.0 src/bpe_model.cc (Model::SampleEncode without dropout).
// Piece tables: src/model_interface.cc (ModelInterface::InitializePieces): normal, user-defined and unused pieces
// are segmentation candidates; unknown, control and byte pieces are only looked up by `PieceToId`.

/// The segmentation half of a `SentencePieceProcessor`: normalised bytes in, (piece bytes, id) out.
struct SentencePieceModel: Sendable {
    let proto: ModelProto
    let unknownID: Int32
    /// Candidates for segmentation (`pieces_`).
    let pieceTrie: UnigramTrie<UInt8>
    /// User-defined pieces, which BPE keeps whole (`PrefixMatcher`); nil when there are none.
    let userDefinedTrie: UnigramTrie<UInt8>?
    /// Keyed by scalars: Swift `String` keys would merge canonically equivalent pieces, which are distinct
    /// byte strings to sentencepiece.
    private let pieceIDs: [ScalarKey: Int32]
    /// `reserved_id_map_`: unknown, control and byte pieces.
    private let reservedIDs: [ScalarKey: Int32]
    private let minScore: Float
    private let maxScore: Float

    init(_ proto: ModelProto, path: String) throws(TokenizerError) {
        self.proto = proto
        var pieceIDs: [ScalarKey: Int32] = [:]
        var reserved: [ScalarKey: Int32] = [:]
        var unknown: Int32 = -1
        for (i, piece) in proto.pieces.enumerated() {
            let id = Int32(i)
            let key = ScalarKey(piece.piece)
            switch piece.type {
            case .normal, .userDefined, .unused:
                guard pieceIDs.updateValue(id, forKey: key) == nil, reserved[key] == nil else {
                    throw .invalidFile(path: path, reason: "piece \(piece.piece) is already defined")
                }
            case .unknown, .control, .byte:
                if piece.type == .unknown {
                    guard unknown < 0 else { throw .invalidFile(path: path, reason: "unk is already defined") }
                    unknown = id
                }
                if piece.type == .byte && !proto.trainerSpec.byteFallback {
                    throw .invalidFile(path: path, reason: "byte piece \(piece.piece) found although byte_fallback is false")
                }
                guard reserved.updateValue(id, forKey: key) == nil, pieceIDs[key] == nil else {
                    throw .invalidFile(path: path, reason: "piece \(piece.piece) is already defined")
                }
            }
        }
        guard unknown >= 0 else { throw .invalidFile(path: path, reason: "unk is not defined") }
        switch proto.trainerSpec.modelType {
        case .unigram, .bpe: break
        case .word: throw .unsupported(stage: "sentencepiece model", type: "WORD")
        case .char: throw .unsupported(stage: "sentencepiece model", type: "CHAR")
        }
        self.unknownID = unknown
        self.pieceIDs = pieceIDs
        self.reservedIDs = reserved
        self.pieceTrie = UnigramTrie(pieceIDs.map { (Array(proto.pieces[Int($0.value)].piece.utf8), $0.value) })
        let user = proto.pieces.enumerated().filter { $0.element.type == .userDefined }
        self.userDefinedTrie = user.isEmpty ? nil : UnigramTrie(user.map { (Array($0.element.piece.utf8), Int32($0.offset)) })
        // Unigram bounds come from normal pieces only; FLT_MAX / FLT_MIN (the smallest positive float) are the
        // reference's starting values, so an all-negative vocabulary keeps max_score_ = FLT_MIN.
        var low = Float.greatestFiniteMagnitude
        var high = Float.leastNormalMagnitude
        for piece in proto.pieces where piece.type == .normal {
            low = min(low, piece.score)
            high = max(high, piece.score)
        }
        minScore = low
        maxScore = high
    }

    /// `PieceToId`: reserved pieces first, then candidates, else the unknown id.
    func id(of piece: String) -> Int32 {
        let key = ScalarKey(piece)
        return reservedIDs[key] ?? pieceIDs[key] ?? unknownID
    }

    func type(of id: Int32) -> ModelProto.PieceType? {
        id >= 0 && Int(id) < proto.pieces.count ? proto.pieces[Int(id)].type : nil
    }

    /// Segments normalised bytes; each result is a byte range of `bytes` and its id.
    func encode(_ bytes: UnsafeBufferPointer<UInt8>) -> [UnigramLattice.Node] {
        switch proto.trainerSpec.modelType {
        case .bpe: encodeBPE(bytes)
        default: encodeUnigram(bytes)
        }
    }

    private func encodeUnigram(_ bytes: UnsafeBufferPointer<UInt8>) -> [UnigramLattice.Node] {
        let pieces = proto.pieces
        let maxScore = Double(maxScore)
        // kUnkPenalty = 10.0, subtracted in f32.
        return UnigramLattice.bestPath(bytes, trie: pieceTrie, unknownID: unknownID, unknownScore: minScore - 10,
                                       as: Float.self,
                                       characterLength: { UnigramLattice.utf8Length(lead: bytes[$0]) }) { id, length in
            let piece = pieces[Int(id)]
            switch piece.type {
            case .unused: return nil
            // User-defined pieces get a bonus so they are always chosen.
            case .userDefined: return Double(Float(length) * Float(maxScore)) - 0.1
            default: return Double(piece.score)
            }
        }
    }
}
