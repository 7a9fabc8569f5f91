// Decoding ids or pieces back to text.
// Reference: sentencepiece v0.2.0 src/sentencepiece_processor.cc, SentencePieceProcessor::Decode
// (DecodeSentencePiece with its has_bos_ws result, and ProcessBytePieces).

extension SentencePieceTokenizer {
    /// `decode(ids)`; ids outside the vocabulary are refused, as the reference refuses them.
    package func decode(_ ids: [Int]) throws(TokenizerError) -> String {
        var entries: [(piece: String, id: Int)] = []
        entries.reserveCapacity(ids.count)
        for id in ids {
            guard let piece = piece(of: id) else {
                throw .invalidConfiguration(stage: "sentencepiece decode", reason: "id \(id) is out of range 0..<\(pieceCount)")
            }
            entries.append((piece, id))
        }
        return decode(entries)
    }

    /// `decode_pieces(pieces)`: each piece is looked up with `PieceToId`.
    package func decode(pieces: [String]) -> String {
        decode(pieces.map { ($0, id(of: $0)) })
    }

    private func decode(_ entries: [(piece: String, id: Int)]) -> String {
        var text: [UInt8] = []
        var pendingBytes: [UInt8] = []
        let space = Array("\u{2581}".utf8)
        let consumesLeadingSpace = model.normalizerSpec.addDummyPrefix || model.normalizerSpec.removeExtraWhitespaces
        // Only the dummy prefix is dropped when extra whitespace is kept: once one leading "▁" is consumed,
        // later pieces keep theirs (`bos_ws_seen`). With extra whitespace removed every leading "▁" goes.
        var leadingSpaceSeen = false
        for (piece, id) in entries {
            let type = model.pieces[id].type
            if type == .byte, let byte = Self.byteValue(ofPiece: piece) {
                pendingBytes.append(byte)
                continue
            }
            Self.appendBytes(pendingBytes, to: &text)
            pendingBytes.removeAll(keepingCapacity: true)
            switch type {
            case .control:
                continue
            case .unknown:
                // The <unk> piece itself shows as unk_surface; a merged unknown surface is kept as it is.
                let isUnkPiece = piece.unicodeScalars.elementsEqual(model.pieces[id].piece.unicodeScalars)
                text += Array((isUnkPiece ? model.trainerSpec.unkSurface : piece).utf8)
            default:
                var bytes = Array(piece.utf8)[...]
                if text.isEmpty && !leadingSpaceSeen && consumesLeadingSpace && bytes.starts(with: space) {
                    bytes = bytes.dropFirst(space.count)
                    if !model.normalizerSpec.removeExtraWhitespaces { leadingSpaceSeen = true }
                }
                var i = bytes.startIndex
                while i < bytes.endIndex {
                    if bytes[i...].starts(with: space) {
                        text.append(0x20)
                        i += space.count
                    } else {
                        text.append(bytes[i])
                        i += 1
                    }
                }
            }
        }
        Self.appendBytes(pendingBytes, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// Byte pieces become their bytes; each byte that does not start a valid UTF-8 character becomes U+FFFD.
    private static func appendBytes(_ bytes: [UInt8], to text: inout [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let length = validUTF8Length(bytes, at: offset)
            if length == 0 {
                text += [0xEF, 0xBF, 0xBD]
                offset += 1
            } else {
                text += bytes[offset..<(offset + length)]
                offset += length
            }
        }
    }

    /// The length of the well-formed UTF-8 character at `offset`, or 0 (RFC 3629: no overlongs, no surrogates).
    static func validUTF8Length(_ bytes: [UInt8], at offset: Int) -> Int {
        let lead = bytes[offset]
        let length: Int
        let minimum: UInt32
        var scalar: UInt32
        switch lead {
        case 0..<0x80: return 1
        case 0xC2..<0xE0: length = 2; minimum = 0x80; scalar = UInt32(lead & 0x1F)
        case 0xE0..<0xF0: length = 3; minimum = 0x800; scalar = UInt32(lead & 0x0F)
        case 0xF0..<0xF5: length = 4; minimum = 0x10000; scalar = UInt32(lead & 0x07)
        default: return 0
        }
        guard offset + length <= bytes.count else { return 0 }
        for i in 1..<length {
            let byte = bytes[offset + i]
            guard byte & 0xC0 == 0x80 else { return 0 }
            scalar = scalar << 6 | UInt32(byte & 0x3F)
        }
        guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { return 0 }
        return length
    }

    /// `PieceToByte`: "<0x41>" → 0x41.
    static func byteValue(ofPiece piece: String) -> UInt8? {
        let utf8 = Array(piece.utf8)
        guard utf8.count == 6, utf8.starts(with: Array("<0x".utf8)), utf8[5] == UInt8(ascii: ">") else { return nil }
        return UInt8(String(decoding: utf8[3..<5], as: UTF8.self), radix: 16)
    }
}
