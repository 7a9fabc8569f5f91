// Reads tokenizer.json as `tokenizers` v0.23.3 does (tokenizers/src/tokenizer/serialization.rs) and builds
// each stage through the one factory below.
import Foundation
import KotobaJSON

/// The one factory: tokenizer.json `type` → stage. Adding a stage is a new file in its folder plus one
/// `case` here; anything else is `TokenizerError.unsupported(stage:type:)`, never a silent approximation.
package enum StageFactory {
    package static func normalizer(_ json: JSONValue) throws(TokenizerError) -> any Normalizer {
        let config = try StageConfig(json, stage: "normalizer")
        switch config.type {
        case "BertNormalizer": return try BertNormalizer(config)
        case "NFC": return NFC()
        case "NFD": return NFD()
        case "NFKC": return NFKC()
        case "Lowercase": return Lowercase()
        case "Strip": return try Strip(config)
        case "Replace": return try Replace(config)
        case "Precompiled": return try Precompiled(config)
        case "Sequence": return try NormalizerSequence(config)
        default: throw .unsupported(stage: "normalizer", type: config.type)
        }
    }

    package static func preTokenizer(_ json: JSONValue) throws(TokenizerError) -> any PreTokenizer {
        let config = try StageConfig(json, stage: "pre_tokenizer")
        switch config.type {
        case "BertPreTokenizer": return BertPreTokenizer()
        case "Metaspace": return try Metaspace(config)
        case "Whitespace": return Whitespace()
        case "WhitespaceSplit": return WhitespaceSplit()
        case "Punctuation": return try Punctuation(config)
        case "ByteLevel": return try ByteLevel(config)
        case "Split": return try Split(config)
        case "Sequence": return try PreTokenizerSequence(config)
        default: throw .unsupported(stage: "pre_tokenizer", type: config.type)
        }
    }

    package static func model(_ json: JSONValue) throws(TokenizerError) -> any TokenizerModel {
        let config = try StageConfig(json, stage: "model")
        switch config.type {
        case "WordPiece": return try WordPiece(config)
        case "Unigram": return try Unigram(config)
        case "BPE": return try BPE(config)
        default: throw .unsupported(stage: "model", type: config.type)
        }
    }

    package static func postProcessor(_ json: JSONValue) throws(TokenizerError) -> any PostProcessor {
        let config = try StageConfig(json, stage: "post_processor")
        switch config.type {
        case "TemplateProcessing": return try TemplateProcessing(config)
        case "BertProcessing": return try BertProcessing(config)
        default: throw .unsupported(stage: "post_processor", type: config.type)
        }
    }

    package static func decoder(_ json: JSONValue) throws(TokenizerError) -> any TokenDecoder {
        let config = try StageConfig(json, stage: "decoder")
        switch config.type {
        case "WordPiece": return try WordPieceDecoder(config)
        case "Metaspace": return try MetaspaceDecoder(config)
        case "ByteLevel": return ByteLevelDecoder()
        case "BPEDecoder": return try BPEDecoder(config)
        case "Replace": return try ReplaceDecoder(config)
        case "ByteFallback": return ByteFallbackDecoder()
        case "Fuse": return FuseDecoder()
        case "Strip": return try StripDecoder(config)
        case "Sequence": return try SequenceDecoder(config)
        default: throw .unsupported(stage: "decoder", type: config.type)
        }
    }
}

/// A parsed tokenizer.json: its stages plus the added tokens, truncation and padding it declares.
struct TokenizerFile {
    var normalizer: (any Normalizer)?
    var preTokenizer: (any PreTokenizer)?
    var model: any TokenizerModel
    var postProcessor: (any PostProcessor)?
    var decoder: (any TokenDecoder)?
    var addedTokens: [AddedToken]
    var truncation: Truncation?
    var padding: Padding?

    /// Reads and parses `url`; every failure names the file.
    static func read(_ url: URL) throws(TokenizerError) -> TokenizerFile {
        let json = try readJSON(url)
        do {
            return try TokenizerFile(json)
        } catch let error {
            if case let .invalidConfiguration(stage, reason) = error {
                throw .invalidFile(path: url.path, reason: "\(stage): \(reason)")
            }
            throw error
        }
    }

    init(_ json: JSONValue) throws(TokenizerError) {
        guard json.objectValue != nil else { throw .invalidConfiguration(stage: "tokenizer", reason: "expected an object") }
        guard let modelJSON = json["model"] else { throw .invalidConfiguration(stage: "tokenizer", reason: "missing \"model\"") }
        func stage<T>(_ key: String, _ make: (JSONValue) throws(TokenizerError) -> T) throws(TokenizerError) -> T? {
            guard let v = json[key], !v.isNull else { return nil }
            return try make(v)
        }
        normalizer = try stage("normalizer", StageFactory.normalizer)
        preTokenizer = try stage("pre_tokenizer", StageFactory.preTokenizer)
        model = try StageFactory.model(modelJSON)
        postProcessor = try stage("post_processor", StageFactory.postProcessor)
        decoder = try stage("decoder", StageFactory.decoder)
        addedTokens = try (json["added_tokens"]?.arrayValue ?? []).map { (entry) throws(TokenizerError) in
            try Self.addedToken(entry)
        }
        truncation = try stage("truncation", Self.truncation)
        padding = try stage("padding", Self.padding)
    }

    static func addedToken(_ json: JSONValue) throws(TokenizerError) -> AddedToken {
        guard let content = json["content"]?.stringValue else {
            throw .invalidConfiguration(stage: "added_tokens", reason: "entry without \"content\"")
        }
        let special = json["special"]?.boolValue ?? false
        return AddedToken(content, special: special, singleWord: json["single_word"]?.boolValue ?? false,
                          lstrip: json["lstrip"]?.boolValue ?? false, rstrip: json["rstrip"]?.boolValue ?? false,
                          normalized: json["normalized"]?.boolValue)
    }

    private static func truncation(_ json: JSONValue) throws(TokenizerError) -> Truncation {
        guard let maxLength = json["max_length"]?.intValue,
              let strategy = Truncation.Strategy(rawValue: json["strategy"]?.stringValue ?? "LongestFirst"),
              let direction = Truncation.Direction(rawValue: json["direction"]?.stringValue ?? "Right") else {
            throw .invalidConfiguration(stage: "truncation", reason: "bad max_length, strategy or direction")
        }
        if let stride = json["stride"]?.intValue, stride != 0 {
            throw .unsupportedOption(stage: "truncation", option: "stride", value: String(stride))
        }
        return Truncation(maxLength: maxLength, strategy: strategy, direction: direction)
    }

    private static func padding(_ json: JSONValue) throws(TokenizerError) -> Padding {
        var strategy = Padding.Strategy.batchLongest
        if let fixed = json["strategy"]?["Fixed"]?.intValue { strategy = .fixed(fixed) }
        guard let direction = Padding.Direction(rawValue: json["direction"]?.stringValue ?? "Right") else {
            throw .invalidConfiguration(stage: "padding", reason: "bad direction")
        }
        return Padding(strategy: strategy, direction: direction, padToMultipleOf: json["pad_to_multiple_of"]?.intValue,
                       padId: json["pad_id"]?.intValue ?? 0, padTypeId: json["pad_type_id"]?.intValue ?? 0,
                       padToken: json["pad_token"]?.stringValue ?? "[PAD]")
    }
}

/// Reads and parses a JSON file, naming it in any error.
func readJSON(_ url: URL) throws(TokenizerError) -> JSONValue {
    let data: Data
    do {
        data = try Data(contentsOf: url)
    } catch {
        throw .unreadableFile(path: url.path, reason: "\(error)")
    }
    do {
        return try JSONValue.parse(data)
    } catch {
        throw .invalidFile(path: url.path, reason: "JSON error at byte \(error.offset): \(error.reason)")
    }
}
