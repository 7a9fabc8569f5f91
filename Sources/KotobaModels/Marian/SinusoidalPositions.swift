// Sinusoidal position encodings, Vaswani et al. 2017 §3.5, in Marian's layout.
// Reference: transformers 5.24.0, models/marian/modeling_marian.py, `MarianSinusoidalPositionalEmbedding.create_weight`.
import Foundation

/// The fixed `[max_position_embeddings, d_model]` position table of a Marian encoder or decoder.
///
/// Unlike XLM/BERT-style tables the features are not interleaved: column `i < ⌈d/2⌉` holds
/// `sin(pos / 10000^(2i/d))` and column `⌈d/2⌉ + i` holds `cos(pos / 10000^(2i/d))`. Checkpoints do not store it
/// (`_keys_to_ignore_on_save`), so it is always computed; in float64 then rounded, as numpy does it there.
public struct SinusoidalPositions: Sendable, Equatable {
    /// Number of rows (positions).
    public let count: Int
    /// Width of a row (`d_model`).
    public let size: Int
    /// `[count, size]`, row-major.
    public let table: ContiguousArray<Float>

    /// Builds the table for `count` positions of width `size`.
    public init(count: Int, size: Int) {
        self.count = count
        self.size = size
        let sinColumns = (size + 1) / 2
        var table = ContiguousArray<Float>(repeating: 0, count: count * size)
        for pos in 0..<count {
            for j in 0..<size {
                // position_enc[pos, j] = pos / 10000^(2 * (j // 2) / dim); even j feed sin, odd j feed cos.
                let angle = Double(pos) / pow(10000, Double(2 * (j / 2)) / Double(size))
                if j % 2 == 0 {
                    table[pos * size + j / 2] = Float(sin(angle))
                } else {
                    table[pos * size + sinColumns + j / 2] = Float(cos(angle))
                }
            }
        }
        self.table = table
    }

}
