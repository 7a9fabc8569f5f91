import KotobaTokenizers

/// Rules every `Encoding` must keep, whatever the tokenizer: parallel arrays of one length, ids the
/// tokenizer can name, offsets inside the input they index and, for ordinary tokens, in reading order.
enum EncodingRules {
    static func check(_ encoding: Encoding, of tokenizer: Tokenizer, texts: [String]) throws(InvariantFailure) {
        let count = encoding.ids.count
        try expect([encoding.tokens.count, encoding.offsets.count, encoding.typeIds.count,
                    encoding.specialTokensMask.count, encoding.sequenceIds.count].allSatisfy { $0 == count },
                   "arrays of different lengths for \(count) ids")
        let lengths = texts.map { $0.unicodeScalars.count }
        var lastStart = [Int](repeating: 0, count: texts.count)
        for index in 0..<count {
            let id = encoding.ids[index]
            try expect(id >= 0 && id < tokenizer.idLimit, "id \(id) outside 0..<\(tokenizer.idLimit)")
            // Unigram names an unknown piece by its text, as `tokenizers` does; every other token and its id
            // name each other, one way at least (a vocabulary may give two tokens one id, as `tokenizers` allows).
            let token = encoding.tokens[index]
            let isUnigramUnknown = (tokenizer.model as? Unigram)?.unknownID == id
            try expect(isUnigramUnknown || tokenizer.token(forId: id) == token || tokenizer.id(forToken: token) == id,
                       "token \(encoding.tokens[index]) but id \(id) names \(tokenizer.token(forId: id) ?? "nothing")")
            guard encoding.specialTokensMask[index] == 0, let sequence = encoding.sequenceIds[index] else { continue }
            let offsets = encoding.offsets[index]
            try expect(sequence >= 0 && sequence < texts.count, "sequence id \(sequence)")
            try expect(offsets.start >= 0 && offsets.start <= offsets.end && offsets.end <= lengths[sequence],
                       "offsets \(offsets) outside the \(lengths[sequence]) scalars of input \(sequence)")
            try expect(offsets.start >= lastStart[sequence],
                       "offsets go backwards at token \(index): \(offsets) after start \(lastStart[sequence])")
            lastStart[sequence] = offsets.start
        }
    }
}
