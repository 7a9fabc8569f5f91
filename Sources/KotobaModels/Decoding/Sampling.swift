// Reference: transformers `src/transformers/generation/logits_process.py` at v5.24.0 (`TemperatureLogitsWarper`,
// `TopKLogitsWarper`, `TopPLogitsWarper`, applied in that order by `GenerationMixin._get_logits_processor`) and
// `GenerationMixin._sample` (softmax of the warped scores, then `torch.multinomial`).
import Foundation

/// transformers' `do_sample=True` warpers: the processed scores are divided by `temperature`, cut to the `topK`
/// best, then to the smallest set whose probability reaches `topP`, and a token is drawn from their softmax.
public struct SamplingOptions: Sendable, Equatable {
    /// Divides the scores; below 1 sharpens the distribution, above 1 flattens it. Must be positive.
    public var temperature: Float
    /// Keep only the `topK` highest scores (ties with the last kept stay too); 0 keeps every token.
    public var topK: Int
    /// Keep the fewest highest-probability tokens whose probabilities sum to at least `topP`; 1 keeps every token.
    public var topP: Float

    /// transformers' `GenerationConfig` defaults: temperature 1, top-k 50, top-p 1.
    public init(temperature: Float = 1, topK: Int = 50, topP: Float = 1) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
    }

    func validate() throws(GenerationError) {
        guard temperature.isFinite && temperature > 0 else {
            throw .invalidOption(name: "temperature", reason: "must be a positive number")
        }
        guard topK >= 0 else { throw .invalidOption(name: "topK", reason: "must be ≥ 0") }
        guard topP.isFinite && topP >= 0 && topP <= 1 else {
            throw .invalidOption(name: "topP", reason: "must be from 0 to 1")
        }
    }

    /// Draws a token from `row` (processed log-probabilities or logits; banned tokens are -inf), consuming one
    /// number of `stream`. At least one token always stays, as transformers' `min_tokens_to_keep=1`.
    func draw(_ row: UnsafePointer<Float>, vocabulary: Int, using stream: inout SamplingStream) -> Int {
        // Top-p walks the candidates from the best down; plain temperature sampling needs no order.
        var candidates = kept(row, vocabulary: vocabulary, bestFirst: topP < 1)
        // Every token banned: greedy's argmax would take the first, so does this.
        guard !candidates.isEmpty else { return 0 }
        let top = candidates.map(\.score).max()!
        var probabilities = candidates.map { exp(Double($0.score - top)) }
        let total = probabilities.reduce(0, +)
        for i in probabilities.indices { probabilities[i] /= total }
        if topP < 1 {
            // transformers removes, in ascending order, every token whose cumulative probability is ≤ 1 - top_p;
            // from the best down that keeps each token while the mass of the tokens above it is < top_p.
            var above = 0.0, count = 0
            while count < probabilities.count && (count == 0 || above < Double(topP)) {
                above += probabilities[count]
                count += 1
            }
            if count < probabilities.count {
                candidates.removeLast(candidates.count - count)
                probabilities.removeLast(probabilities.count - count)
                let mass = probabilities.reduce(0, +)
                for i in probabilities.indices { probabilities[i] /= mass }
            }
        }
        let u = stream.nextUnit()
        var cumulative = 0.0
        for (i, p) in probabilities.enumerated() {
            cumulative += p
            if u < cumulative { return candidates[i].token }
        }
        return candidates[probabilities.count - 1].token
    }

    /// The tokens temperature and top-k leave, with their scaled scores: best first with a top-k cut (the k best
    /// are kept in a sorted buffer, so a step costs O(V) comparisons against the k-th score, not a sort of the
    /// vocabulary); without one, in token order unless `bestFirst` asks for the sort.
    private func kept(_ row: UnsafePointer<Float>, vocabulary: Int, bestFirst: Bool) -> [(score: Float, token: Int)] {
        guard topK > 0 && topK < vocabulary else {
            var all: [(score: Float, token: Int)] = []
            all.reserveCapacity(vocabulary)
            for token in 0..<vocabulary where row[token] > -.infinity { all.append((row[token] / temperature, token)) }
            if bestFirst { all.sort(by: Self.better) }
            return all
        }
        // `best` holds the topK highest scores seen, best first; ties with the k-th are gathered separately, as
        // transformers keeps every token scoring at least the k-th score.
        var best: [(score: Float, token: Int)] = []
        best.reserveCapacity(topK + 1)
        for token in 0..<vocabulary where row[token] > -.infinity {
            let score = row[token] / temperature
            if best.count == topK, score <= best[topK - 1].score { continue }
            var at = best.count
            while at > 0 && best[at - 1].score < score { at -= 1 }
            best.insert((score, token), at: at)
            if best.count > topK { best.removeLast() }
        }
        guard let threshold = best.last?.score else { return [] }
        var ties: [(score: Float, token: Int)] = []
        if best.count == topK {
            let inBest = Set(best.map(\.token))
            for token in 0..<vocabulary where row[token] / temperature == threshold && !inBest.contains(token) {
                ties.append((threshold, token))
            }
        }
        return (best + ties).sorted(by: Self.better)
    }

    /// Best first: higher score, equal scores by token id, so the order (and a draw) never depends on the sort.
    private static func better(_ a: (score: Float, token: Int), _ b: (score: Float, token: Int)) -> Bool {
        a.score != b.score ? a.score > b.score : a.token < b.token
    }
}

/// A seeded stream of uniform numbers for one sampled row (SplitMix64, Steele et al. 2014): the same seed gives
/// the same draws on every machine and in any batch, so a request with a `seed` is reproducible.
public struct SamplingStream: Sendable, Equatable {
    private var state: UInt64

    /// A stream starting from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform number in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// The seed of row `replica` of a source with token ids `source` under a request's `seed`: depends only on
    /// those, never on the batch the row runs in.
    public static func seed(_ seed: UInt64, source: [Int], replica: Int) -> UInt64 {
        // FNV-1a over the ids, then the replica, each mixed through a SplitMix64 step.
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for id in source {
            hash ^= UInt64(truncatingIfNeeded: id)
            hash &*= 0x0000_0100_0000_01B3
        }
        var stream = SamplingStream(seed: seed ^ hash)
        stream.state ^= UInt64(truncatingIfNeeded: replica) &* 0xD6E8_FEB8_6659_FD93
        return stream.next()
    }
}

/// The rows a sampled generation runs: each source `replicas` times in a row (transformers repeats the inputs
/// `num_return_sequences` times), each with its own seed.
public struct SampledRows: Sendable {
    /// The sources, each repeated `replicas` times.
    public let sources: [[Int]]
    /// One seed per row of `sources`.
    public let seeds: [UInt64]
    /// Rows per source.
    public let replicas: Int

    /// The rows of `sources` under a request's `seed`; without one, a fresh random seed, so each call differs.
    public init(_ sources: [[Int]], replicas: Int, seed: UInt64?) {
        let seed = seed ?? UInt64.random(in: .min ... .max)
        self.replicas = replicas
        self.sources = sources.flatMap { Array(repeating: $0, count: replicas) }
        seeds = sources.flatMap { source in
            (0..<replicas).map { SamplingStream.seed(seed, source: source, replica: $0) }
        }
    }

    /// The hypotheses of `sources`, one list of `replicas` per original source, in draw order.
    public func grouped(_ hypotheses: [Hypothesis]) -> [[Hypothesis]] {
        stride(from: 0, to: hypotheses.count, by: replicas).map { Array(hypotheses[$0..<min($0 + replicas, hypotheses.count)]) }
    }
}
