import Foundation
import Testing
@testable import KotobaTensor

/// A deterministic stream of floats in `[-2, 2)` (64-bit LCG), so every run checks the same inputs.
struct SeededFloats {
    private var state: UInt64
    init(seed: UInt64) { state = seed &* 6364136223846793005 &+ 1442695040888963407 }
    mutating func next() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(state >> 40) / Float(1 << 24) * 4 - 2
    }
    mutating func tensor(_ shape: [Int]) -> Tensor {
        let values = (0..<shape.reduce(1, *)).map { _ in next() }
        return Tensor(uncheckedShape: shape, storage: ContiguousArray(values))
    }
}

/// One tensor op checked against a naive loop: the op's output, the loop's output, and how far apart they may be.
struct OpCase: CustomStringConvertible, Sendable {
    let description: String
    let tolerance: Float
    let run: @Sendable () throws -> (actual: [Float], expected: [Float])
}

private func naiveMatmul(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, bTransposed: Bool) -> [Float] {
    var c = [Float](repeating: 0, count: m * n)
    for i in 0..<m { for j in 0..<n { for p in 0..<k {
        c[i * n + j] += a[i * k + p] * (bTransposed ? b[j * k + p] : b[p * n + j])
    } } }
    return c
}

private func naiveSoftmax(_ row: [Float]) -> [Float] {
    let peak = row.max() ?? 0
    let e = row.map { Foundation.exp(Double($0 - peak)) }
    let sum = e.reduce(0, +)
    return e.map { Float($0 / sum) }
}

private func pointwise(_ name: String, _ activation: Activation, _ reference: @escaping @Sendable (Double) -> Double) -> OpCase {
    OpCase(description: name, tolerance: 1e-6) {
        var rng = SeededFloats(seed: 7)
        let x = rng.tensor([3, 37])
        return (x.applying(activation).storage.map { $0 }, x.storage.map { Float(reference(Double($0))) })
    }
}

let opCases: [OpCase] = [
    OpCase(description: "matmul [2,3,5]·[5,7]", tolerance: 1e-5) {
        var rng = SeededFloats(seed: 1)
        let (a, b) = (rng.tensor([2, 3, 5]), rng.tensor([5, 7]))
        let c = try a.matmul(b)
        return (Array(c.storage), naiveMatmul(Array(a.storage), Array(b.storage), m: 6, n: 7, k: 5, bTransposed: false))
    },
    OpCase(description: "matmul with transposed operand", tolerance: 1e-5) {
        var rng = SeededFloats(seed: 2)
        let (a, b) = (rng.tensor([4, 6]), rng.tensor([3, 6]))
        let c = try a.matmul(b, transposeOther: true)
        return (Array(c.storage), naiveMatmul(Array(a.storage), Array(b.storage), m: 4, n: 3, k: 6, bTransposed: true))
    },
    OpCase(description: "linear x·Wᵀ + b", tolerance: 1e-5) {
        var rng = SeededFloats(seed: 3)
        let (x, w, b) = (rng.tensor([2, 3, 6]), rng.tensor([5, 6]), rng.tensor([5]))
        let y = try x.linear(weight: w, bias: b)
        var expected = naiveMatmul(Array(x.storage), Array(w.storage), m: 6, n: 5, k: 6, bTransposed: true)
        for i in expected.indices { expected[i] += b.storage[i % 5] }
        return (Array(y.storage), expected)
    },
    OpCase(description: "batchedMatmul transposeB", tolerance: 1e-5) {
        var rng = SeededFloats(seed: 4)
        let (a, b) = (rng.tensor([3, 2, 4]), rng.tensor([3, 5, 4]))
        let c = try Tensor.batchedMatmul(a, b, transposeB: true)
        var expected: [Float] = []
        for i in 0..<3 {
            expected += naiveMatmul(Array(a.slice(i).storage), Array(b.slice(i).storage), m: 2, n: 5, k: 4, bTransposed: true)
        }
        return (Array(c.storage), expected)
    },
    OpCase(description: "headScores then headContext per head", tolerance: 1e-5) {
        var rng = SeededFloats(seed: 5)
        let (batch, sq, sk, heads, dim) = (2, 3, 4, 2, 3)
        let q = rng.tensor([batch, sq, heads * dim]), k = rng.tensor([batch, sk, heads * dim])
        let v = rng.tensor([batch, sk, heads * dim])
        let scores = try Tensor.headScores(query: q, key: k, heads: heads, scale: 0.5)
        let context = try Tensor.headContext(probabilities: scores, value: v)
        var expectedScores = [Float](repeating: 0, count: batch * heads * sq * sk)
        var expectedContext = [Float](repeating: 0, count: batch * sq * heads * dim)
        for b in 0..<batch { for h in 0..<heads { for i in 0..<sq {
            for j in 0..<sk {
                var s: Float = 0
                for d in 0..<dim { s += q[b, i, h * dim + d] * k[b, j, h * dim + d] }
                expectedScores[((b * heads + h) * sq + i) * sk + j] = 0.5 * s
            }
            for d in 0..<dim {
                var s: Float = 0
                for j in 0..<sk { s += scores[b, h, i, j] * v[b, j, h * dim + d] }
                expectedContext[(b * sq + i) * heads * dim + h * dim + d] = s
            }
        } } }
        return (Array(scores.storage) + Array(context.storage), expectedScores + expectedContext)
    },
    OpCase(description: "headScores then headContext over a stacked q | k | v", tolerance: 1e-5) {
        var rng = SeededFloats(seed: 15)
        let (batch, length, heads, dim) = (2, 5, 3, 4)
        let width = heads * dim
        let qkv = rng.tensor([batch, length, 3 * width])
        let scores = try Tensor.headScores(stacked: qkv, heads: heads, scale: 0.25)
        let context = try Tensor.headContext(probabilities: scores, stacked: qkv)
        var expectedScores = [Float](repeating: 0, count: batch * heads * length * length)
        var expectedContext = [Float](repeating: 0, count: batch * length * width)
        for b in 0..<batch { for h in 0..<heads { for i in 0..<length {
            for j in 0..<length {
                var s: Float = 0
                for d in 0..<dim { s += qkv[b, i, h * dim + d] * qkv[b, j, width + h * dim + d] }
                expectedScores[((b * heads + h) * length + i) * length + j] = 0.25 * s
            }
            for d in 0..<dim {
                var s: Float = 0
                for j in 0..<length { s += scores[b, h, i, j] * qkv[b, j, 2 * width + h * dim + d] }
                expectedContext[(b * length + i) * width + h * dim + d] = s
            }
        } } }
        return (Array(scores.storage) + Array(context.storage), expectedScores + expectedContext)
    },
    OpCase(description: "softmax last axis", tolerance: 1e-6) {
        var rng = SeededFloats(seed: 6)
        let x = rng.tensor([3, 19]) * 10
        let expected = (0..<3).flatMap { naiveSoftmax(Array(x.slice($0).storage)) }
        return (Array(try x.softmax().storage), expected)
    },
    OpCase(description: "softmax with broadcast additive mask [B,1,1,S]", tolerance: 1e-6) {
        var rng = SeededFloats(seed: 8)
        let x = rng.tensor([2, 2, 3, 4])
        let mask = try Tensor(shape: [2, 1, 1, 4], [0, 0, -1e9, -1e9, 0, 0, 0, -1e9])
        var expected: [Float] = []
        for b in 0..<2 { for h in 0..<2 { for i in 0..<3 {
            let row = (0..<4).map { x[b, h, i, $0] + mask[b, 0, 0, $0] }
            expected += naiveSoftmax(row)
        } } }
        return (Array(try x.softmax(additiveMask: mask).storage), expected)
    },
    OpCase(description: "softmax with rank-2 causal mask over [B,H,S,S]", tolerance: 1e-6) {
        var rng = SeededFloats(seed: 9)
        let x = rng.tensor([2, 2, 3, 3])
        let mask = try Tensor(shape: [3, 3], [0, -.infinity, -.infinity, 0, 0, -.infinity, 0, 0, 0])
        var expected: [Float] = []
        for b in 0..<2 { for h in 0..<2 { for i in 0..<3 {
            expected += naiveSoftmax((0..<3).map { x[b, h, i, $0] + mask[i, $0] })
        } } }
        return (Array(try x.softmax(additiveMask: mask).storage), expected)
    },
    OpCase(description: "log-softmax of large logits", tolerance: 1e-4) {
        var rng = SeededFloats(seed: 10)
        let x = rng.tensor([2, 11]) * 200
        let expected = (0..<2).flatMap { r -> [Float] in
            let row = Array(x.slice(r).storage).map(Double.init)
            let peak = row.max()!
            let lse = peak + Foundation.log(row.map { Foundation.exp($0 - peak) }.reduce(0, +))
            return row.map { Float($0 - lse) }
        }
        return (Array(try x.logSoftmax().storage), expected)
    },
    OpCase(description: "layer norm", tolerance: 1e-5) {
        var rng = SeededFloats(seed: 11)
        let (x, g, b) = (rng.tensor([4, 13]), rng.tensor([13]), rng.tensor([13]))
        var expected: [Float] = []
        for r in 0..<4 {
            let row = Array(x.slice(r).storage).map(Double.init)
            let mean = row.reduce(0, +) / 13
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 13
            expected += row.enumerated().map { i, v in
                Float((v - mean) / (variance + 1e-12).squareRoot()) * g.storage[i] + b.storage[i]
            }
        }
        return (Array(try x.layerNorm(weight: g, bias: b, epsilon: 1e-12).storage), expected)
    },
    pointwise("gelu (erf)", .gelu) { 0.5 * $0 * (1 + erf($0 / 2.0.squareRoot())) },
    pointwise("gelu (tanh approximation)", .geluTanh) {
        0.5 * $0 * (1 + tanh((2 / Double.pi).squareRoot() * ($0 + 0.044715 * $0 * $0 * $0)))
    },
    pointwise("relu", .relu) { max(0, $0) },
    pointwise("tanh", .tanh) { tanh($0) },
    pointwise("sigmoid", .sigmoid) { 1 / (1 + exp(-$0)) },
    pointwise("silu", .silu) { $0 / (1 + exp(-$0)) },
    OpCase(description: "add with broadcast row, multiply, scale", tolerance: 0) {
        var rng = SeededFloats(seed: 12)
        let (x, y, row) = (rng.tensor([3, 11]), rng.tensor([3, 11]), rng.tensor([11]))
        let actual = try (try x + row) * y * 0.5
        let expected = (0..<33).map { (x.storage[$0] + row.storage[$0 % 11]) * y.storage[$0] * 0.5 }
        return (Array(actual.storage), expected)
    },
    OpCase(description: "gather rows", tolerance: 0) {
        var rng = SeededFloats(seed: 13)
        let table = rng.tensor([5, 3])
        let ids = [4, 0, 4, 2]
        return (Array(try table.gatherRows(ids).storage), ids.flatMap { Array(table.slice($0).storage) })
    },
    OpCase(description: "top-k values and indices", tolerance: 0) {
        let x = try Tensor(shape: [2, 6], [0.5, 3, -1, 3, 2, 0, 9, 8, 7, 6, 5, 4])
        let top = x.topK(3)
        let actual = top.flatMap { $0.flatMap { [Float($0.index), $0.value] } }
        return (actual, [1, 3, 3, 3, 4, 2, 0, 9, 1, 8, 2, 7])
    },
]

@Suite struct OpsAgainstNaiveLoopsTests {
    @Test(arguments: opCases)
    func opMatchesNaiveLoop(_ op: OpCase) throws {
        let (actual, expected) = try op.run()
        try #require(actual.count == expected.count, "\(op): \(actual.count) elements, expected \(expected.count)")
        var worst = (index: 0, difference: Float(0))
        for i in actual.indices {
            let d = abs(actual[i] - expected[i])
            if !(d <= worst.difference) { worst = (i, d) }
        }
        #expect(worst.difference <= op.tolerance,
                "\(op): worst element \(worst.index): \(actual[worst.index]) vs \(expected[worst.index])")
    }

    @Test func gatherRejectsOutOfRangeIdWithTypedError() throws {
        let table = Tensor(shape: [4, 2])
        #expect(throws: TensorError.indexOutOfRange(operation: "gatherRows", index: 4, bound: 4)) {
            try table.gatherRows([1, 4])
        }
        #expect(throws: TensorError.indexOutOfRange(operation: "gatherRows", index: -1, bound: 4)) {
            try table.gatherRows([-1])
        }
    }

    @Test func fullyMaskedSoftmaxRowIsZeroNotNaN() throws {
        let x = Tensor(shape: [1, 3])
        let mask = try Tensor(shape: [3], [-.infinity, -.infinity, -.infinity])
        #expect(try x.softmax(additiveMask: mask).storage == [0, 0, 0])
    }

    @Test func linearRejectsWeightOfWrongInputWidth() {
        #expect(throws: TensorError.self) {
            try Tensor(shape: [2, 3]).linear(weight: Tensor(shape: [4, 5]), bias: nil)
        }
    }

    @Test func maskThatDoesNotBroadcastIsRejected() {
        #expect(throws: TensorError.self) {
            try Tensor(shape: [2, 3, 4]).softmax(additiveMask: Tensor(shape: [3, 3, 4]))
        }
    }
}
