// Byte-pair encoding over a merge table, as tokenizer.json's BPE model.
// Sennrich et al., "Neural Machine Translation of Rare Words with Subword Units", ACL 2016.
// Reference: tokenizers v0.23.3 tokenizers/src/models/bpe/model.rs (BpeBuilder::build, merge_word, tokenize)
// https://github.com/huggingface/tokenizers/blob/v0.23.3/tokenizers/src/models/bpe/model.rs
// Dropout is refused: with it the reference samples merges at random, so no fixed output exists to match.

/// tokenizer.json `"type": "BPE"`.
package struct BPE: TokenizerModel {
    package let unknownToken: String?
    package let continuingSubwordPrefix: String?
    package let endOfWordSuffix: String?
    package let fuseUnknown: Bool
    package let byteFallback: Bool
    package let ignoreMerges: Bool
    let ids: [ScalarKey: Int]
    let tokens: [Int: String]
    /// (left id, right id) packed as left << 32 | right → (rank, merged id).
    let merges: [UInt64: (rank: Int32, id: Int32)]

    package var vocabularySize: Int { ids.count }
    package let idLimit: Int

    package init(vocabulary: [(String, Int)], merges: [(String, String)], unknownToken: String?,
                continuingSubwordPrefix: String?, endOfWordSuffix: String?, fuseUnknown: Bool,
                byteFallback: Bool, ignoreMerges: Bool) throws(TokenizerError) {
        var ids: [ScalarKey: Int] = [:]
        var tokens: [Int: String] = [:]
        for (token, id) in vocabulary {
            // The merge table packs ids into 32 bits.
            guard (0...Int(Int32.max)).contains(id) else {
                throw .invalidConfiguration(stage: "model BPE", reason: "vocab entry \"\(token)\" has id \(id), outside 0...\(Int32.max)")
            }
            ids[ScalarKey(token)] = id
            tokens[id] = token
        }
        idLimit = (ids.values.max() ?? -1) + 1
        let prefixLength = continuingSubwordPrefix?.unicodeScalars.count ?? 0
        var table: [UInt64: (rank: Int32, id: Int32)] = [:]
        for (rank, (a, b)) in merges.enumerated() {
            guard let left = ids[ScalarKey(a)] else { throw .missingToken(stage: "model BPE merges", token: a) }
            guard let right = ids[ScalarKey(b)] else { throw .missingToken(stage: "model BPE merges", token: b) }
            // The reference drops the prefix's length from `b` whether or not `b` starts with it.
            let bScalars = Array(b.unicodeScalars)
            guard prefixLength <= bScalars.count else {
                throw .invalidConfiguration(stage: "model BPE", reason: "merge \"\(a) \(b)\" is shorter than the prefix")
            }
            let merged = a + String(String.UnicodeScalarView(bScalars[prefixLength...]))
            guard let id = ids[ScalarKey(merged)] else { throw .missingToken(stage: "model BPE merges", token: merged) }
            // A repeated pair keeps its last rank, as the reference's HashMap collect does.
            table[UInt64(UInt32(left)) << 32 | UInt64(UInt32(right))] = (Int32(rank), Int32(id))
        }
        self.ids = ids
        self.tokens = tokens
        self.merges = table
        self.unknownToken = unknownToken
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.endOfWordSuffix = endOfWordSuffix
        self.fuseUnknown = fuseUnknown
        self.byteFallback = byteFallback
        self.ignoreMerges = ignoreMerges
    }

    init(_ config: StageConfig) throws(TokenizerError) {
        if let dropout = config.value("dropout")?.doubleValue, dropout != 0 {
            throw .unsupportedOption(stage: "model BPE", option: "dropout", value: String(dropout))
        }
        var vocabulary: [(String, Int)] = []
        for (token, value) in try config.object("vocab") {
            guard let id = value.intValue, id >= 0 else {
                throw .invalidConfiguration(stage: "model BPE", reason: "vocab entry \"\(token)\" has no integer id")
            }
            vocabulary.append((token, id))
        }
        var merges: [(String, String)] = []
        for (index, item) in try config.array("merges").enumerated() {
            // tokenizers writes ["a", "b"]; files from before 0.20 write "a b".
            if let pair = item.arrayValue, pair.count == 2, let a = pair[0].stringValue, let b = pair[1].stringValue {
                merges.append((a, b))
            } else if let line = item.stringValue {
                // Split on the space scalar (Rust `split(' ')`); Character splitting would miss a space that a
                // combining mark follows.
                let parts = line.unicodeScalars.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2 else {
                    throw .invalidConfiguration(stage: "model BPE", reason: "merges[\(index)] \"\(line)\" is not \"a b\"")
                }
                merges.append((String(String.UnicodeScalarView(parts[0])), String(String.UnicodeScalarView(parts[1]))))
            } else {
                throw .invalidConfiguration(stage: "model BPE", reason: "merges[\(index)] is not a pair")
            }
        }
        try self.init(vocabulary: vocabulary, merges: merges, unknownToken: try config.optionalString("unk_token"),
                      continuingSubwordPrefix: try config.optionalString("continuing_subword_prefix"),
                      endOfWordSuffix: try config.optionalString("end_of_word_suffix"),
                      fuseUnknown: try config.bool("fuse_unk", default: false),
                      byteFallback: try config.bool("byte_fallback", default: false),
                      ignoreMerges: try config.bool("ignore_merges", default: false))
    }

    package func id(forToken token: String) -> Int? { ids[ScalarKey(token)] }
    package func token(forId id: Int) -> String? { tokens[id] }
}
