// BertProcessing, as tokenizers v0.23.3 tokenizers/src/processors/bert.rs
// (https://github.com/huggingface/tokenizers/blob/v0.23.3/tokenizers/src/processors/bert.rs).

/// `[CLS] A [SEP]` and `[CLS] A [SEP] B [SEP]`; the sequences keep their own type ids (0 for A, 1 for B),
/// the first `[CLS]`/`[SEP]` get 0 and the last `[SEP]` 1.
package struct BertProcessing: PostProcessor {
    package let sep: (token: String, id: Int)
    package let cls: (token: String, id: Int)

    package init(sep: (String, Int), cls: (String, Int)) {
        self.sep = sep
        self.cls = cls
    }

    init(_ config: StageConfig) throws(TokenizerError) {
        func pair(_ key: String) throws(TokenizerError) -> (String, Int) {
            let items = try config.array(key)
            guard items.count == 2, let token = items[0].stringValue, let id = items[1].intValue else {
                throw .invalidConfiguration(stage: "post_processor BertProcessing", reason: "\"\(key)\" must be [token, id]")
            }
            return (token, id)
        }
        self.init(sep: try pair("sep"), cls: try pair("cls"))
    }

    package func addedTokens(isPair: Bool) -> Int { isPair ? 3 : 2 }

    package func process(_ first: Encoding, _ second: Encoding?, addSpecialTokens: Bool) -> Encoding {
        guard addSpecialTokens else {
            var result = first
            if let second { result.append(second) }
            return result
        }
        var result = Encoding.special(ids: [cls.id], tokens: [cls.token], typeId: 0)
        result.append(first)
        result.append(.special(ids: [sep.id], tokens: [sep.token], typeId: 0))
        if let second {
            result.append(second)
            result.append(.special(ids: [sep.id], tokens: [sep.token], typeId: 1))
        }
        return result
    }
}
