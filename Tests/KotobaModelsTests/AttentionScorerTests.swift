import Foundation
import Testing
@testable import KotobaModels
import KotobaTensor

/// Attention score functions and the masked softmax against naive loops.
@Suite struct AttentionScorerTests {
    private func tensor(_ shape: [Int], seed: Int) -> Tensor {
        let count = shape.reduce(1, *)
        return Tensor(uncheckedShape: shape, storage: ContiguousArray((0..<count).map { Float(sin(Double($0 * 7 + seed))) }))
    }

    @Test func additiveScoresMatchTheFormula() {
        let (hidden, memorySize, inner, length) = (3, 4, 5, 6)
        let scorer = AdditiveAttention(queryWeight: tensor([inner, hidden], seed: 1), queryBias: tensor([inner], seed: 2),
                                       keyWeight: tensor([inner, memorySize], seed: 3), v: tensor([1, inner], seed: 4))
        let memory = tensor([2, length, memorySize], seed: 5), queries = tensor([3, hidden], seed: 6)
        let sources = [1, 0, 1]
        let scores = scorer.scores(queries: queries, keys: scorer.keys(memory: memory), sources: sources)
        for n in 0..<3 {
            for s in 0..<length {
                var total: Float = 0
                for a in 0..<inner {
                    var pre = scorer.queryBias[a]
                    for j in 0..<hidden { pre += scorer.queryWeight[a, j] * queries[n, j] }
                    for j in 0..<memorySize { pre += scorer.keyWeight[a, j] * memory[sources[n], s, j] }
                    total += scorer.v[0, a] * tanhf(pre)
                }
                #expect(abs(scores[n, s] - total) <= 1e-5, "score[\(n), \(s)]")
            }
        }
    }

    @Test func generalAndScaledScoresMatchTheFormula() {
        let (hidden, memorySize, length) = (3, 4, 5)
        let weight = tensor([hidden, memorySize], seed: 8)
        let memory = tensor([2, length, memorySize], seed: 9), queries = tensor([2, hidden], seed: 10)
        let general = MultiplicativeAttention.general(keyWeight: weight)
        let scores = general.scores(queries: queries, keys: general.keys(memory: memory), sources: [1, 0])
        let squareMemory = tensor([2, length, hidden], seed: 11)
        let scaled = MultiplicativeAttention.scaledDot(size: hidden)
        let scaledScores = scaled.scores(queries: queries, keys: scaled.keys(memory: squareMemory), sources: [0, 1])
        for n in 0..<2 {
            for s in 0..<length {
                var expected: Float = 0
                for i in 0..<hidden { for j in 0..<memorySize { expected += queries[n, i] * weight[i, j] * memory[1 - n, s, j] } }
                #expect(abs(scores[n, s] - expected) <= 1e-5)
                var dot: Float = 0
                for i in 0..<hidden { dot += queries[n, i] * squareMemory[n, s, i] }
                #expect(abs(scaledScores[n, s] - dot / Float(hidden).squareRoot()) <= 1e-5)
            }
        }
    }

    @Test func paddedPositionsGetZeroWeightAndTheRestSumToOne() {
        let memory = tensor([2, 4, 3], seed: 12), queries = tensor([2, 3], seed: 13)
        let attention = GlobalAttention(scorer: MultiplicativeAttention.dot(size: 3))
        let prepared = attention.prepare(memory: memory, lengths: [4, 2])
        let (context, weights) = attention.attend(queries: queries, memory: prepared, sources: [0, 1])
        #expect(weights[1, 2] == 0 && weights[1, 3] == 0)
        for n in 0..<2 {
            #expect(abs((0..<4).map { weights[n, $0] }.reduce(0, +) - 1) <= 1e-6)
            for j in 0..<3 {
                let expected = (0..<4).map { weights[n, $0] * memory[n, $0, j] }.reduce(0, +)
                #expect(abs(context[n, j] - expected) <= 1e-6)
            }
        }
    }
}
