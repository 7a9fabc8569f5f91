// A SentencePiece model file run end to end: normalise, segment, byte fallback, unknown merging; and decoding.
// Reference: sentencepiece v0.2.0 src/sentencepiece_processor.cc (SentencePieceProcessor::Encode, ::Decode)
// https://github.com/google/sentencepiece/blob/v0.2.0/src/sentencepiece_processor.cc
// Kudo & Richardson, "SentencePiece: A simple and language independent subword tokenizer", EMNLP 2018.

import Foundation

/// A `.spm` / `.model` file loaded for encoding and decoding, giving `SentencePieceProcessor`'s ids and pieces.
package struct SentencePieceTokenizer: Sendable {
    /// One encoded piece: its text as `encode(out_type=str)` gives it, and its id.
    package struct Piece: Sendable, Equatable {
        package var piece: String
        package var id: Int
    }

    package let model: ModelProto
    private let normalizer: SentencePieceNormalizer
    private let segmenter: SentencePieceModel

    package init(contentsOf url: URL) throws(TokenizerError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadableFile(path: url.path, reason: "\(error.localizedDescription)")
        }
        try self.init(serialized: [UInt8](data), path: url.path)
    }

    /// Parses a serialized ModelProto; `path` names it in errors.
    package init(serialized bytes: [UInt8], path: String) throws(TokenizerError) {
        let model = try ModelProto(serialized: bytes, path: path)
        if model.trainerSpec.treatWhitespaceAsSuffix {
            // Decoding then strips a trailing "▁" instead of a leading one; not reproduced yet.
            throw .unsupported(stage: "sentencepiece trainer_spec", type: "treat_whitespace_as_suffix")
        }
        self.model = model
        self.normalizer = try SentencePieceNormalizer(model: model, path: path)
        self.segmenter = try SentencePieceModel(model, path: path)
    }

    package var pieceCount: Int { model.pieces.count }
    package var unknownID: Int { Int(segmenter.unknownID) }

    /// `PieceToId`: unknown pieces give the unknown id.
    package func id(of piece: String) -> Int { Int(segmenter.id(of: piece)) }

    /// `IdToPiece`, or nil for an id outside the vocabulary.
    package func piece(of id: Int) -> String? {
        id >= 0 && id < model.pieces.count ? model.pieces[id].piece : nil
    }

    package func encode(_ text: String) -> [Int] { encodePieces(text).map(\.id) }

    /// Pieces and ids of `text`, as `SentencePieceProcessor.encode` gives them.
    package func encodePieces(_ text: String) -> [Piece] {
        let normalized = normalizer.normalize(text)
        return normalized.withUnsafeBufferPointer { bytes in
            let nodes = segmenter.encode(bytes)
            var output: [Piece] = []
            output.reserveCapacity(nodes.count)
            var previousIsUnknown = false
            for node in nodes {
                let surface = UnsafeBufferPointer(rebasing: bytes[node.start..<node.end])
                let isUnknown = node.id == segmenter.unknownID
                if segmenter.type(of: node.id) == .control {
                    output.append(Piece(piece: String(decoding: surface, as: UTF8.self), id: Int(node.id)))
                } else if isUnknown && model.trainerSpec.byteFallback {
                    // An unknown piece becomes one <0xXX> piece per UTF-8 byte.
                    for byte in surface {
                        let name = Self.bytePieceName(byte)
                        output.append(Piece(piece: name, id: id(of: name)))
                    }
                } else if isUnknown && previousIsUnknown, let last = output.indices.last {
                    // A run of unknown pieces is merged into one, still unknown.
                    output[last].piece += String(decoding: surface, as: UTF8.self)
                } else {
                    output.append(Piece(piece: String(decoding: surface, as: UTF8.self), id: Int(node.id)))
                }
                previousIsUnknown = isUnknown
            }
            return output
        }
    }

    static func bytePieceName(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "<0x" + (hex.count == 1 ? "0" + hex : hex) + ">"
    }
}
