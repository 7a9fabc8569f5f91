// tokenizer_config.json and special_tokens_map.json as transformers 5.24 reads them
// (tokenization_utils_base.py `_from_pretrained`: with `added_tokens_decoder` in the config the map file is
// ignored; without it the map's entries override the config's).
import Foundation
import KotobaJSON

/// The parts of transformers' tokenizer configuration files that change tokenization or decoding.
struct TransformersConfig {
    /// The special-token attributes in transformers' order (`SPECIAL_TOKENS_ATTRIBUTES`).
    static let roleKeys = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]

    private(set) var values: [String: JSONValue] = [:]
    private(set) var addedTokens: [AddedToken] = []
    private(set) var roles: [String: AddedToken] = [:]

    /// Reads the directory's configuration; `defaults` (role key → token) stand in for roles the files leave
    /// unset, as the keyword defaults of a tokenizer class's `__init__` do.
    init(directory: URL, defaults: [String: String] = [:]) throws(TokenizerError) {
        let configURL = directory.appendingPathComponent("tokenizer_config.json")
        let mapURL = directory.appendingPathComponent("special_tokens_map.json")
        if FileManager.default.fileExists(atPath: configURL.path) {
            guard let members = try readJSON(configURL).objectValue else {
                throw .invalidFile(path: configURL.path, reason: "expected an object")
            }
            for (key, value) in members { values[key] = value }
        }
        let decoderTable = values["added_tokens_decoder"]?.objectValue
        if decoderTable == nil, FileManager.default.fileExists(atPath: mapURL.path) {
            guard let members = try readJSON(mapURL).objectValue else {
                throw .invalidFile(path: mapURL.path, reason: "expected an object")
            }
            for (key, value) in members { values[key] = value }
        }
        // `added_tokens_decoder` entries first, by id, then any named special token not among them.
        var tokens: [AddedToken] = []
        for (_, entry) in (decoderTable ?? []).sorted(by: { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }) {
            tokens.append(try Self.addedToken(entry, special: entry["special"]?.boolValue ?? false, file: configURL))
        }
        for key in Self.roleKeys {
            guard let value = values[key].flatMap({ $0.isNull ? nil : $0 }) ?? defaults[key].map(JSONValue.string) else { continue }
            let token = try Self.addedToken(value, special: true, file: configURL)
            roles[key] = token
            if !tokens.contains(where: { $0.content.unicodeScalars.elementsEqual(token.content.unicodeScalars) }) {
                tokens.append(token)
            }
        }
        for key in ["additional_special_tokens", "extra_special_tokens"] {
            for value in values[key]?.arrayValue ?? [] {
                let token = try Self.addedToken(value, special: true, file: configURL)
                if !tokens.contains(where: { $0.content.unicodeScalars.elementsEqual(token.content.unicodeScalars) }) {
                    tokens.append(token)
                }
            }
        }
        addedTokens = tokens
    }

    /// A string (special, not normalized) or an AddedToken dictionary.
    private static func addedToken(_ value: JSONValue, special: Bool, file: URL) throws(TokenizerError) -> AddedToken {
        if let content = value.stringValue { return AddedToken(content, special: special) }
        guard let content = value["content"]?.stringValue else {
            throw .invalidFile(path: file.path, reason: "special token without \"content\"")
        }
        return AddedToken(content, special: special, singleWord: value["single_word"]?.boolValue ?? false,
                          lstrip: value["lstrip"]?.boolValue ?? false, rstrip: value["rstrip"]?.boolValue ?? false,
                          normalized: value["normalized"]?.boolValue)
    }

    func bool(_ key: String) -> Bool? { values[key]?.boolValue }

    /// `split_special_tokens`: match special tokens in the text (false) or treat them as plain text (true).
    var splitSpecialTokens: Bool { bool("split_special_tokens") ?? false }

    /// transformers 5 defaults `clean_up_tokenization_spaces` to false.
    var cleanUpTokenizationSpaces: Bool { bool("clean_up_tokenization_spaces") ?? false }

    var modelMaxLength: Int? {
        guard let n = values["model_max_length"]?.intValue, n < 1_000_000_000 else { return nil }
        return n
    }

    /// Role → token string, falling back to BERT's names where neither the files nor the defaults set one.
    var roleNames: SpecialTokens.Names {
        let d = SpecialTokens.Names.bertDefaults
        return SpecialTokens.Names(cls: roles["cls_token"]?.content ?? d.cls, sep: roles["sep_token"]?.content ?? d.sep,
                                   pad: roles["pad_token"]?.content ?? d.pad, mask: roles["mask_token"]?.content ?? d.mask,
                                   unk: roles["unk_token"]?.content ?? d.unk)
    }

    /// `BertTokenizer.__init__`'s keyword defaults.
    static let bertDefaults = ["unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]",
                               "mask_token": "[MASK]"]
}
