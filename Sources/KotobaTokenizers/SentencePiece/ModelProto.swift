// SentencePiece's model file: a serialized `ModelProto` message.
// Reference: sentencepiece v0.2.0, src/sentencepiece_model.proto
// https://github.com/google/sentencepiece/blob/v0.2.0/src/sentencepiece_model.proto
// Only the fields that change encoding or decoding are kept; the rest are skipped by wire type.

/// A SentencePiece model: its pieces, trainer settings and normaliser settings, as read from a `.spm`/`.model` file.
package struct ModelProto: Sendable, Equatable {
    /// One vocabulary entry (`ModelProto.SentencePiece`); its index in `pieces` is its id.
    package struct Piece: Sendable, Equatable {
        package var piece: String
        package var score: Float
        package var type: PieceType
    }

    /// `ModelProto.SentencePiece.Type`: how the encoder treats a piece.
    package enum PieceType: Int32, Sendable {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, byte = 6, unused = 5
    }

    /// `TrainerSpec.ModelType`.
    package enum ModelType: Int32, Sendable {
        case unigram = 1, bpe = 2, word = 3, char = 4
    }

    /// The `TrainerSpec` fields that affect encoding, with the proto's defaults.
    package struct TrainerSpec: Sendable, Equatable {
        package var modelType: ModelType = .unigram
        package var treatWhitespaceAsSuffix = false
        package var byteFallback = false
        package var unkID: Int32 = 0
        package var bosID: Int32 = 1
        package var eosID: Int32 = 2
        package var padID: Int32 = -1
        package var unkPiece = "<unk>"
        package var unkSurface = " \u{2047} "
    }

    /// The `NormalizerSpec` fields, with the proto's defaults.
    package struct NormalizerSpec: Sendable, Equatable {
        package var name = ""
        package var precompiledCharsmap: [UInt8] = []
        package var addDummyPrefix = true
        package var removeExtraWhitespaces = true
        package var escapeWhitespaces = true
        package var normalizationRuleTSV = ""
    }

    package var pieces: [Piece] = []
    package var trainerSpec = TrainerSpec()
    package var normalizerSpec = NormalizerSpec()
}

extension ModelProto {
    /// Parses a serialized ModelProto; any truncation or bad value is `TokenizerError.invalidFile` naming the field.
    package init(serialized bytes: [UInt8], path: String) throws(TokenizerError) {
        var context = "ModelProto"
        do {
            var reader = ProtobufReader(bytes)
            while let (number, wire) = try reader.nextField() {
                switch (number, wire) {
                case (1, .lengthDelimited):
                    context = "pieces[\(pieces.count)]"
                    var sub = try reader.message()
                    pieces.append(try Self.piece(&sub, path: path, context: context))
                case (2, .lengthDelimited):
                    context = "trainer_spec"
                    var sub = try reader.message()
                    trainerSpec = try Self.trainerSpec(&sub, path: path)
                case (3, .lengthDelimited):
                    context = "normalizer_spec"
                    var sub = try reader.message()
                    normalizerSpec = try Self.normalizerSpec(&sub, path: path)
                default:
                    context = "field \(number)"
                    try reader.skip(wire)
                }
            }
        } catch let error as TokenizerError {
            throw error
        } catch {
            throw .invalidFile(path: path, reason: "ModelProto \(context): \(error)")
        }
        guard !pieces.isEmpty else { throw .invalidFile(path: path, reason: "ModelProto has no pieces") }
    }

    private static func piece(
        _ reader: inout ProtobufReader, path: String, context: String
    ) throws -> Piece {
        var result = Piece(piece: "", score: 0, type: .normal)
        while let (number, wire) = try reader.nextField() {
            switch (number, wire) {
            case (1, .lengthDelimited): result.piece = try string(&reader, path: path, field: "\(context).piece")
            case (2, .fixed32): result.score = try reader.float()
            case (3, .varint):
                let raw = try reader.int32()
                guard let type = PieceType(rawValue: raw) else {
                    throw TokenizerError.invalidFile(path: path, reason: "\(context).type: unknown value \(raw)")
                }
                result.type = type
            default: try reader.skip(wire)
            }
        }
        guard !result.piece.isEmpty else {
            throw TokenizerError.invalidFile(path: path, reason: "\(context).piece is empty")
        }
        return result
    }

    private static func trainerSpec(_ reader: inout ProtobufReader, path: String) throws -> TrainerSpec {
        var spec = TrainerSpec()
        while let (number, wire) = try reader.nextField() {
            switch (number, wire) {
            case (3, .varint):
                let raw = try reader.int32()
                guard let type = ModelType(rawValue: raw) else {
                    throw TokenizerError.invalidFile(path: path, reason: "trainer_spec.model_type: unknown value \(raw)")
                }
                spec.modelType = type
            case (24, .varint): spec.treatWhitespaceAsSuffix = try reader.bool()
            case (35, .varint): spec.byteFallback = try reader.bool()
            case (40, .varint): spec.unkID = try reader.int32()
            case (41, .varint): spec.bosID = try reader.int32()
            case (42, .varint): spec.eosID = try reader.int32()
            case (43, .varint): spec.padID = try reader.int32()
            case (44, .lengthDelimited): spec.unkSurface = try string(&reader, path: path, field: "trainer_spec.unk_surface")
            case (45, .lengthDelimited): spec.unkPiece = try string(&reader, path: path, field: "trainer_spec.unk_piece")
            default: try reader.skip(wire)
            }
        }
        return spec
    }

    private static func normalizerSpec(_ reader: inout ProtobufReader, path: String) throws -> NormalizerSpec {
        var spec = NormalizerSpec()
        while let (number, wire) = try reader.nextField() {
            switch (number, wire) {
            case (1, .lengthDelimited): spec.name = try string(&reader, path: path, field: "normalizer_spec.name")
            case (2, .lengthDelimited): spec.precompiledCharsmap = try reader.bytesField()
            case (3, .varint): spec.addDummyPrefix = try reader.bool()
            case (4, .varint): spec.removeExtraWhitespaces = try reader.bool()
            case (5, .varint): spec.escapeWhitespaces = try reader.bool()
            case (6, .lengthDelimited):
                spec.normalizationRuleTSV = try string(&reader, path: path, field: "normalizer_spec.normalization_rule_tsv")
            default: try reader.skip(wire)
            }
        }
        return spec
    }

    /// protobuf `string` fields must be valid UTF-8; a repaired string would silently change the vocabulary.
    private static func string(_ reader: inout ProtobufReader, path: String, field: String) throws -> String {
        let raw = try reader.utf8()
        guard let value = String(validating: raw, as: UTF8.self) else {
            throw TokenizerError.invalidFile(path: path, reason: "\(field) is not valid UTF-8")
        }
        return value
    }
}
