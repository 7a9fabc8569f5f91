// Reference: gensim 4.3 `KeyedVectors.most_similar` and `most_similar_cosmul` (gensim/models/keyedvectors.py).
// most_similar: the mean of the unit vectors of the positive words and the negated unit vectors of the
// negative ones, scaled to unit length, against every unit vector (cosine). most_similar_cosmul (Levy and
// Goldberg 2014, eq. 4, with cosines shifted to [0, 1] as their footnote 7 does): the product of
// (1 + cos(w, p)) / 2 over positives over the product over negatives plus 1e-6. Both leave out the query words.
import KotobaTensor

/// How `mostSimilar` combines the query words.
public enum SimilarityMethod: String, Sendable, Equatable, CaseIterable {
    /// gensim's `most_similar` (3CosAdd).
    case add = "3cosadd"
    /// gensim's `most_similar_cosmul` (3CosMul).
    case multiply = "3cosmul"
}

/// One query in vocabulary rows.
public struct SimilarityQuery: Sendable, Equatable {
    public var positive: [Int]
    public var negative: [Int]
    public var method: SimilarityMethod
    public var topK: Int

    public init(positive: [Int], negative: [Int] = [], method: SimilarityMethod = .add, topK: Int = 10) {
        self.positive = positive
        self.negative = negative
        self.method = method
        self.topK = topK
    }
}

/// A word of the answer: its row and score.
public struct SimilarWord: Sendable, Equatable {
    public var row: Int
    public var score: Float
}

extension WordVectors {
    /// Answers `queries` together: one matrix product of the unit vectors with every query's columns (its
    /// unit mean for 3CosAdd, one column per word for 3CosMul), then a partial top-k per query.
    public func mostSimilar(_ queries: [SimilarityQuery]) -> [[SimilarWord]] {
        let count = words.count
        guard count > 0, !queries.isEmpty else { return queries.map { _ in [] } }
        var columns = ContiguousArray<Float>()
        var firstColumn: [Int] = []
        for query in queries {
            firstColumn.append(columns.count / dimensions)
            switch query.method {
            case .add: appendUnitMean(query, to: &columns)
            case .multiply: for row in query.positive + query.negative { appendRow(row, to: &columns) }
            }
        }
        let columnCount = columns.count / dimensions
        // scores[w, c] = unit(w) · column c
        var scores = ContiguousArray<Float>(repeating: 0, count: count * columnCount)
        normalized.storage.withUnsafeBufferPointer { unit in
            columns.withUnsafeBufferPointer { query in
                scores.withUnsafeMutableBufferPointer { out in
                    BLAS.sgemm(transposeB: true, m: count, n: columnCount, k: dimensions,
                               a: unit.baseAddress!, b: query.baseAddress!, c: out.baseAddress!)
                }
            }
        }
        // Each query's scores as one contiguous row, then a partial top-k over it.
        var row = [Float](repeating: 0, count: count)
        return queries.enumerated().map { index, query in
            let start = firstColumn[index]
            scores.withUnsafeBufferPointer { all in
                switch query.method {
                case .add:
                    for word in 0..<count { row[word] = all[word * columnCount + start] }
                case .multiply:
                    let positives = query.positive.count
                    let terms = positives + query.negative.count
                    for word in 0..<count {
                        var numerator: Float = 1
                        var denominator: Float = 1
                        for term in 0..<terms {
                            let shifted = (1 + all[word * columnCount + start + term]) / 2
                            if term < positives { numerator *= shifted } else { denominator *= shifted }
                        }
                        row[word] = numerator / (denominator + 0.000001)
                    }
                }
            }
            return row.withUnsafeBufferPointer { Self.topK(query.topK, of: $0, excluding: query.positive + query.negative) }
        }
    }

    /// True when no word has an upper-case letter (queries are then lower-cased before lookup).
    public var isLowercase: Bool {
        words.allSatisfy { $0 == $0.lowercased() }
    }

    private func appendRow(_ row: Int, to columns: inout ContiguousArray<Float>) {
        let start = row * dimensions
        columns.append(contentsOf: normalized.storage[start..<(start + dimensions)])
    }

    /// gensim: `unitvec(mean([±unit(w) for w in query]))`, in Float as gensim's float32 arrays.
    private func appendUnitMean(_ query: SimilarityQuery, to columns: inout ContiguousArray<Float>) {
        var mean = [Float](repeating: 0, count: dimensions)
        let terms = query.positive.map { ($0, Float(1)) } + query.negative.map { ($0, Float(-1)) }
        normalized.storage.withUnsafeBufferPointer { unit in
            for (row, weight) in terms {
                let start = row * dimensions
                for i in 0..<dimensions { mean[i] += weight * unit[start + i] }
            }
        }
        let scale = 1 / Float(max(terms.count, 1))
        var squares: Float = 0
        for i in 0..<dimensions {
            mean[i] *= scale
            squares += mean[i] * mean[i]
        }
        let norm = squares.squareRoot()
        if norm > 0 { for i in 0..<dimensions { mean[i] /= norm } }
        columns.append(contentsOf: mean)
    }

    /// The `k` best of `scores`, best first (ties: the lower row first), leaving out `excluded`; a bounded
    /// min-heap whose root is checked first, so most rows cost one comparison.
    static func topK(_ k: Int, of scores: UnsafeBufferPointer<Float>, excluding excluded: [Int]) -> [SimilarWord] {
        guard k > 0 else { return [] }
        // Heap order: the worst kept candidate at the root. "Worse" is a lower score, or on a tie a higher row.
        func worse(_ a: SimilarWord, _ b: SimilarWord) -> Bool { a.score < b.score || (a.score == b.score && a.row > b.row) }
        var heap: [SimilarWord] = []
        heap.reserveCapacity(k)
        for row in 0..<scores.count {
            let score = scores[row]
            // Rows arrive in increasing order, so a tie with the root never displaces it.
            if heap.count == k, score <= heap[0].score { continue }
            if excluded.contains(row) { continue }
            let candidate = SimilarWord(row: row, score: score)
            if heap.count < k {
                heap.append(candidate)
                var child = heap.count - 1
                while child > 0 {
                    let parent = (child - 1) / 2
                    guard worse(heap[child], heap[parent]) else { break }
                    heap.swapAt(child, parent)
                    child = parent
                }
            } else {
                heap[0] = candidate
                var parent = 0
                while true {
                    let left = 2 * parent + 1, right = left + 1
                    var smallest = parent
                    if left < heap.count, worse(heap[left], heap[smallest]) { smallest = left }
                    if right < heap.count, worse(heap[right], heap[smallest]) { smallest = right }
                    guard smallest != parent else { break }
                    heap.swapAt(parent, smallest)
                    parent = smallest
                }
            }
        }
        return heap.sorted { worse($1, $0) }
    }
}
