// Model directories as transformers 5.24 loads them for BERT (models/bert/tokenization_bert.py `BertTokenizer`,
// tokenization_utils_tokenizers.py `TokenizersBackend`, tokenization_utils_base.py `_from_pretrained`).
import Foundation

extension Tokenizer {
    /// Loads a Hugging Face model directory: tokenizer.json when present (as `tokenizers` reads it), else
    /// vocab.txt + tokenizer_config.json (+ special_tokens_map.json) built as transformers' `BertTokenizer`.
    /// tokenizer_config.json supplies `clean_up_tokenization_spaces`, `model_max_length` and the special-token
    /// roles in both cases.
    package static func load(directory: URL) throws(TokenizerError) -> Tokenizer {
        let tokenizerJSON = directory.appendingPathComponent("tokenizer.json")
        if FileManager.default.fileExists(atPath: tokenizerJSON.path) {
            let config = try TransformersConfig(directory: directory)
            let file = try TokenizerFile.read(tokenizerJSON)
            return try Tokenizer(normalizer: file.normalizer, preTokenizer: file.preTokenizer, model: file.model,
                                 postProcessor: file.postProcessor, decoder: file.decoder, addedTokens: file.addedTokens,
                                 specialTokens: config.roleNames, cleanUpTokenizationSpaces: config.cleanUpTokenizationSpaces,
                                 modelMaxLength: config.modelMaxLength, configuredTruncation: file.truncation,
                                 configuredPadding: file.padding, splitSpecialTokens: config.splitSpecialTokens)
        }
        let vocabFile = directory.appendingPathComponent("vocab.txt")
        guard FileManager.default.fileExists(atPath: vocabFile.path) else {
            throw .noTokenizerFiles(directory: directory.path)
        }
        let config = try TransformersConfig(directory: directory, defaults: TransformersConfig.bertDefaults)
        return try bert(vocabulary: try readVocabularyLines(vocabFile), config: config)
    }

    /// transformers' `BertTokenizer.__init__` over a vocab.txt: WordPiece, BertNormalizer from the config flags,
    /// BertPreTokenizer, `[CLS] $A [SEP]` / `[CLS] $A [SEP] $B [SEP]` templates, WordPiece decoder.
    /// `never_split` and `do_basic_tokenize` are read by transformers 5 only in its legacy Python tokenizer: they
    /// have no effect here either.
    static func bert(vocabulary: [String], config: TransformersConfig) throws(TokenizerError) -> Tokenizer {
        let names = config.roleNames
        let unk = names.unk ?? "[UNK]"
        let model = WordPiece(vocabulary: vocabulary.enumerated().map { ($1, $0) }, unkToken: unk)
        let normalizer = BertNormalizer(cleanText: true, handleChineseChars: config.bool("tokenize_chinese_chars") ?? true,
                                        stripAccents: config.bool("strip_accents"),
                                        lowercase: config.bool("do_lower_case") ?? true)
        // Added before the template is built, so a special token missing from vocab.txt gets its new id first.
        var added = AddedVocabulary()
        try added.add(config.addedTokens, model: model, normalizer: normalizer)
        let cls = names.cls ?? "[CLS]"
        let sep = names.sep ?? "[SEP]"
        let clsId = added.id(forToken: cls) ?? model.id(forToken: cls) ?? 2
        let sepId = added.id(forToken: sep) ?? model.id(forToken: sep) ?? 3
        let special: [String: TemplateProcessing.SpecialToken] = [
            cls: .init(ids: [clsId], tokens: [cls]), sep: .init(ids: [sepId], tokens: [sep]),
        ]
        let template = try TemplateProcessing(
            single: [.specialToken(name: cls, typeId: 0), .sequence(isFirst: true, typeId: 0), .specialToken(name: sep, typeId: 0)],
            pair: [.specialToken(name: cls, typeId: 0), .sequence(isFirst: true, typeId: 0), .specialToken(name: sep, typeId: 0),
                   .sequence(isFirst: false, typeId: 1), .specialToken(name: sep, typeId: 1)],
            specialTokens: special)
        return try Tokenizer(normalizer: normalizer, preTokenizer: BertPreTokenizer(), model: model,
                             postProcessor: template, decoder: WordPieceDecoder(prefix: "##"),
                             addedTokens: config.addedTokens, specialTokens: names,
                             cleanUpTokenizationSpaces: config.cleanUpTokenizationSpaces,
                             modelMaxLength: config.modelMaxLength, splitSpecialTokens: config.splitSpecialTokens)
    }

    /// The vocab.txt reading transformers 5 actually uses: it hands the path to `tokenizers`' `WordPiece::read_file`
    /// (its own Python `load_vocab` is unused): Rust `BufRead::lines` (split on \n, drop one trailing \r), then
    /// `trim_end` (trailing White_Space) on each line; line i is token id i.
    static func readVocabularyLines(_ url: URL) throws(TokenizerError) -> [String] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadableFile(path: url.path, reason: "\(error)")
        }
        guard let text = String(validating: [UInt8](data), as: UTF8.self) else {
            throw .invalidFile(path: url.path, reason: "not UTF-8")
        }
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines.map { line in
            var scalars = Array(line)
            while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
            return String(String.UnicodeScalarView(scalars))
        }
    }
}
