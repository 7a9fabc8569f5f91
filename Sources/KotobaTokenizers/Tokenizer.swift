// Mirrors tokenizers/src/tokenizer/mod.rs (TokenizerImpl) at tokenizers v0.23.3
// (https://github.com/huggingface/tokenizers/blob/v0.23.3/tokenizers/src/tokenizer/mod.rs):
// added tokens → normalizer → pre-tokenizer → model → truncation → post-processor → padding.
import Foundation

/// A tokenizer pipeline built from tokenizer.json (or BERT's vocab.txt), giving `tokenizers`' encodings exactly.
package final class Tokenizer: Sendable {
    package let normalizer: (any Normalizer)?
    package let preTokenizer: (any PreTokenizer)?
    package let model: any TokenizerModel
    package let postProcessor: (any PostProcessor)?
    package let decoder: (any TokenDecoder)?
    package let addedVocabulary: AddedVocabulary
    /// Ids of the roles tasks need (cls, sep, pad, mask, unk), where the tokenizer has them.
    package let specialTokens: SpecialTokens
    /// transformers' `clean_up_tokenization_spaces`, applied by `decode` after the decoder.
    package let cleanUpTokenizationSpaces: Bool
    /// transformers' `model_max_length` from tokenizer_config.json, when given.
    package let modelMaxLength: Int?
    /// The `truncation` and `padding` tokenizer.json declares; `encode` only applies what its caller passes.
    package let configuredTruncation: Truncation?
    package let configuredPadding: Padding?

    /// Assembles a pipeline; `addedTokens` are registered as `Tokenizer::add_tokens` would.
    package init(normalizer: (any Normalizer)?, preTokenizer: (any PreTokenizer)?, model: any TokenizerModel,
                postProcessor: (any PostProcessor)?, decoder: (any TokenDecoder)?, addedTokens: [AddedToken],
                specialTokens: SpecialTokens.Names = .init(), cleanUpTokenizationSpaces: Bool = false,
                modelMaxLength: Int? = nil, configuredTruncation: Truncation? = nil,
                configuredPadding: Padding? = nil, splitSpecialTokens: Bool = false) throws(TokenizerError) {
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.model = model
        self.postProcessor = postProcessor
        self.decoder = decoder
        var added = AddedVocabulary()
        try added.add(addedTokens, model: model, normalizer: normalizer)
        added.encodeSpecialTokens = splitSpecialTokens
        self.addedVocabulary = added
        self.cleanUpTokenizationSpaces = cleanUpTokenizationSpaces
        self.modelMaxLength = modelMaxLength
        self.configuredTruncation = configuredTruncation
        self.configuredPadding = configuredPadding
        func lookup(_ name: String?) -> Int? {
            guard let name else { return nil }
            return added.id(forToken: name) ?? model.id(forToken: name)
        }
        self.specialTokens = SpecialTokens(cls: lookup(specialTokens.cls), sep: lookup(specialTokens.sep),
                                           pad: lookup(specialTokens.pad), mask: lookup(specialTokens.mask),
                                           unk: lookup(specialTokens.unk))
    }

    /// Loads tokenizer.json exactly as `tokenizers.Tokenizer.from_file` does (no transformers overrides).
    package static func load(tokenizerJSON url: URL) throws(TokenizerError) -> Tokenizer {
        let file = try TokenizerFile.read(url)
        return try Tokenizer(normalizer: file.normalizer, preTokenizer: file.preTokenizer, model: file.model,
                             postProcessor: file.postProcessor, decoder: file.decoder, addedTokens: file.addedTokens,
                             specialTokens: .bertDefaults, configuredTruncation: file.truncation,
                             configuredPadding: file.padding)
    }

    /// `Tokenizer::token_to_id`: added tokens first, then the model's vocabulary.
    package func id(forToken token: String) -> Int? {
        addedVocabulary.id(forToken: token) ?? model.id(forToken: token)
    }

    /// `Tokenizer::id_to_token`: added tokens first, then the model's vocabulary.
    package func token(forId id: Int) -> String? {
        addedVocabulary.token(forId: id) ?? model.token(forId: id)
    }

    /// `Tokenizer::get_vocab_size(with_added_tokens: true)`: model entries plus added tokens not in the model.
    package var vocabularySize: Int {
        model.vocabularySize + addedVocabulary.tokens.filter { model.id(forToken: $0.token.content) == nil }.count
    }

    /// One past the largest id encoding can produce, added tokens included: the embedding rows a model needs.
    package var idLimit: Int {
        max(model.idLimit, (addedVocabulary.tokens.map(\.id).max() ?? -1) + 1)
    }
}

/// Ids of the special-token roles a task needs; nil where the tokenizer has no such token.
package struct SpecialTokens: Sendable, Equatable {
    package var cls: Int?
    package var sep: Int?
    package var pad: Int?
    package var mask: Int?
    package var unk: Int?

    /// The token strings of those roles, as tokenizer_config.json / special_tokens_map.json name them.
    package struct Names: Sendable, Equatable {
        package var cls: String?
        package var sep: String?
        package var pad: String?
        package var mask: String?
        package var unk: String?

        package init(cls: String? = nil, sep: String? = nil, pad: String? = nil, mask: String? = nil, unk: String? = nil) {
            self.cls = cls
            self.sep = sep
            self.pad = pad
            self.mask = mask
            self.unk = unk
        }
    }
}

extension SpecialTokens.Names {
    /// BERT's names, the defaults of transformers' `BertTokenizer`.
    package static let bertDefaults = SpecialTokens.Names(cls: "[CLS]", sep: "[SEP]", pad: "[PAD]", mask: "[MASK]", unk: "[UNK]")
}
