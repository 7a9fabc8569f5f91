import KotobaJSON

// TemplateProcessing, as tokenizers v0.23.3 tokenizers/src/processors/template.rs
// (https://github.com/huggingface/tokenizers/blob/v0.23.3/tokenizers/src/processors/template.rs).

/// Lays out the sequences and special tokens as the `single` / `pair` templates say, with their type ids.
package struct TemplateProcessing: PostProcessor {
    /// One template item: a sequence ($A or $B) or a named special token, each with a type id.
    package enum Piece: Sendable, Equatable {
        case sequence(isFirst: Bool, typeId: Int)
        case specialToken(name: String, typeId: Int)
    }

    /// A template special token: it may stand for several ids.
    package struct SpecialToken: Sendable, Equatable {
        package var ids: [Int]
        package var tokens: [String]
    }

    package let single: [Piece]
    package let pair: [Piece]
    package let specialTokens: [String: SpecialToken]

    package init(single: [Piece], pair: [Piece], specialTokens: [String: SpecialToken]) throws(TokenizerError) {
        for case let .specialToken(name, _) in single + pair where specialTokens[name] == nil {
            throw .missingToken(stage: "post_processor TemplateProcessing", token: name)
        }
        self.single = single
        self.pair = pair
        self.specialTokens = specialTokens
    }

    init(_ config: StageConfig) throws(TokenizerError) {
        func pieces(_ key: String) throws(TokenizerError) -> [Piece] {
            try config.array(key).map { (item) throws(TokenizerError) in try Self.piece(item) }
        }
        var specials: [String: SpecialToken] = [:]
        for (name, value) in try config.object("special_tokens") {
            guard let ids = value["ids"]?.arrayValue?.compactMap(\.intValue),
                  let tokens = value["tokens"]?.arrayValue?.compactMap(\.stringValue),
                  ids.count == tokens.count else {
                throw .invalidConfiguration(stage: "post_processor TemplateProcessing", reason: "special token \"\(name)\" needs ids and tokens of equal length")
            }
            specials[name] = SpecialToken(ids: ids, tokens: tokens)
        }
        try self.init(single: try pieces("single"), pair: try pieces("pair"), specialTokens: specials)
    }

    private static func piece(_ json: JSONValue) throws(TokenizerError) -> Piece {
        if let sequence = json["Sequence"], let id = sequence["id"]?.stringValue, id == "A" || id == "B" {
            return .sequence(isFirst: id == "A", typeId: sequence["type_id"]?.intValue ?? 0)
        }
        if let special = json["SpecialToken"], let id = special["id"]?.stringValue {
            return .specialToken(name: id, typeId: special["type_id"]?.intValue ?? 0)
        }
        throw .invalidConfiguration(stage: "post_processor TemplateProcessing", reason: "template piece is neither Sequence A/B nor SpecialToken")
    }

    package func addedTokens(isPair: Bool) -> Int {
        (isPair ? pair : single).reduce(0) { count, piece in
            if case let .specialToken(name, _) = piece { return count + (specialTokens[name]?.ids.count ?? 0) }
            return count
        }
    }

    package func process(_ first: Encoding, _ second: Encoding?, addSpecialTokens: Bool) -> Encoding {
        var parts: [Encoding] = []
        for piece in second == nil ? single : pair {
            switch piece {
            case let .sequence(isFirst, typeId):
                guard var part = isFirst ? first : second else { continue }
                part.assign(typeId: typeId, sequenceId: isFirst ? 0 : 1)
                parts.append(part)
            case let .specialToken(name, typeId):
                guard addSpecialTokens, let special = specialTokens[name] else { continue }
                parts.append(.special(ids: special.ids, tokens: special.tokens, typeId: typeId))
            }
        }
        return .concatenating(parts)
    }
}
