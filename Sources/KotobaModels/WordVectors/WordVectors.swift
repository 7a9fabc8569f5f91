// Reference: the word2vec C tool's vector files (Mikolov et al. 2013, "Efficient Estimation of Word
// Representations in Vector Space"; word2vec.c writes them) as gensim 4 reads and writes them
// (`KeyedVectors.load_word2vec_format` / `save_word2vec_format`, gensim/models/keyedvectors.py): a header line
// "<words> <dimensions>", then per word either "<word> <v1> … <vD>" on its own line (text), or "<word> " followed
// by D little-endian float32 values and, as gensim writes them, a newline (binary).
import Foundation
import KotobaTensor

/// Word vectors from word2vec's exchange formats: the vectors as stored, and unit-length copies for cosine
/// similarity (gensim's `get_normed_vectors`).
public struct WordVectors: Sendable {
    /// Vocabulary in file order; a word's row is its position.
    public let words: [String]
    /// Vector length.
    public let dimensions: Int
    /// `[words, dimensions]` as stored.
    public let vectors: Tensor
    /// `[words, dimensions]`, each row scaled to length 1 (an all-zero row stays zero).
    public let normalized: Tensor
    private let rows: [String: Int]

    /// File names a word-vector folder may hold, in the order they are looked for.
    public static let fileNames = ["vectors.bin", "vectors.txt"]

    /// The row of `word`, or nil.
    public func row(of word: String) -> Int? { rows[word] }

    /// Reads `vectors.bin` or `vectors.txt` from `directory` (no config.json needed).
    public static func load(directory: URL) throws(ModelError) -> WordVectors {
        for name in fileNames {
            let url = directory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let bytes: [UInt8]
            do { bytes = Array(try Data(contentsOf: url)) } catch {
                throw .unreadableFile(path: url.path, reason: error.localizedDescription)
            }
            return try WordVectors(word2vec: bytes, binary: name.hasSuffix(".bin"), path: url.path)
        }
        throw .unreadableFile(path: directory.path, reason: "no \(fileNames.joined(separator: " or ")) in it")
    }

    /// Parses a word2vec file held in `bytes`; `path` names it in errors, which also give the line (text) or the
    /// byte offset (binary) where the file went wrong.
    public init(word2vec bytes: [UInt8], binary: Bool, path: String) throws(ModelError) {
        var reader = Word2VecReader(bytes: bytes, path: path)
        let (count, dimensions) = try reader.header()
        var words: [String] = []
        var values = ContiguousArray<Float>()
        words.reserveCapacity(count)
        values.reserveCapacity(count * dimensions)
        var rows: [String: Int] = [:]
        for index in 0..<count {
            let (word, place) = binary ? try reader.binaryRecord(dimensions: dimensions, into: &values, index: index, count: count)
                                       : try reader.textRecord(dimensions: dimensions, into: &values, index: index, count: count)
            if let first = rows[word] {
                throw .invalidFile(path: path, reason: "\(place): the word \"\(word)\" repeats entry \(first + 1)")
            }
            rows[word] = index
            words.append(word)
        }
        try reader.expectEnd(count: count)
        self.words = words
        self.dimensions = dimensions
        self.rows = rows
        vectors = Tensor(uncheckedShape: [count, dimensions], storage: values)
        var unit = values
        unit.withUnsafeMutableBufferPointer { buffer in
            for row in 0..<count {
                let start = row * dimensions
                var squares: Float = 0
                for i in start..<(start + dimensions) { squares += buffer[i] * buffer[i] }
                guard squares > 0 else { continue }
                let scale = 1 / squares.squareRoot()
                for i in start..<(start + dimensions) { buffer[i] *= scale }
            }
        }
        normalized = Tensor(uncheckedShape: [count, dimensions], storage: unit)
    }
}
