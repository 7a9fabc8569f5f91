import Foundation
import Testing
import CKernels
@testable import KotobaTensor

@Suite struct VectorMathTests {
    /// Every lane result against libm over a grid wide enough to hit both clamps and the underflow cut.
    @Test func expMatchesLibmWithinTwoUlpsAndSaturates() {
        var worst: (x: Float, relative: Float) = (0, 0)
        for step in stride(from: Float(-100), through: 100, by: 0.0371) {
            let x = VectorMath.Lanes((0..<8).map { step + Float($0) * 0.0046 })
            let y = VectorMath.exp(x)
            for lane in 0..<8 {
                let expected = Foundation.exp(Double(x[lane]))
                if x[lane] < -87.33654 { #expect(y[lane] == 0, "exp(\(x[lane])) should underflow to 0"); continue }
                if x[lane] > 88.72283 { #expect(y[lane] == .infinity); continue }
                let relative = Float(abs(Double(y[lane]) - expected) / expected)
                if relative > worst.relative { worst = (x[lane], relative) }
            }
        }
        #expect(worst.relative <= 2.5e-7, "worst at x = \(worst.x): relative error \(worst.relative)")
    }

    @Test func erfAndTanhAreWithinTheirBounds() {
        var worstErf: Float = 0, worstTanh: Float = 0
        for step in stride(from: Float(-6), through: 6, by: 0.013) {
            let x = VectorMath.Lanes((0..<8).map { step + Float($0) * 0.0016 })
            let (e, t) = (VectorMath.erf(x), VectorMath.tanh(x))
            for lane in 0..<8 {
                worstErf = max(worstErf, Float(abs(Double(e[lane]) - Foundation.erf(Double(x[lane])))))
                worstTanh = max(worstTanh, Float(abs(Double(t[lane]) - Foundation.tanh(Double(x[lane])))))
            }
        }
        #expect(worstErf <= 5e-7, "erf worst absolute error \(worstErf)")
        #expect(worstTanh <= 3e-7, "tanh worst absolute error \(worstTanh)")
    }

    /// The C kernels (whichever clone this CPU picked) agree with the lane code they transcribe.
    @Test func cKernelsMatchTheLaneCode() {
        // -10...10 in 4,001 steps (a ragged tail for every vector width), then the edges of exp's range.
        var values = (0...4_000).map { Float($0) / 200 - 10 }
        var gelu = values
        kotoba_gelu_erf(&gelu, gelu.count)
        var worstGelu: Float = 0
        let laneGelu: Activation = .gelu
        for (i, x) in values.enumerated() {
            worstGelu = max(worstGelu, abs(gelu[i] - laneGelu(VectorMath.Lanes(repeating: x))[0]))
        }
        #expect(worstGelu <= 1e-6, "GELU worst difference \(worstGelu)")

        values += [-.infinity, -200, -87.5, -87.3, 88.7, 88.8, 200, .infinity]
        var exps = values
        kotoba_exp_shifted(&exps, exps.count, 1.5)
        var worstExp: Float = 0
        for (i, x) in values.enumerated() {
            let lane = VectorMath.exp(VectorMath.Lanes(repeating: x - 1.5))[0]
            if lane.isInfinite || lane == 0 {
                #expect(exps[i] == lane, "exp(\(x) - 1.5): \(exps[i]) vs \(lane)")
            } else {
                worstExp = max(worstExp, abs(exps[i] - lane) / lane)
            }
        }
        #expect(worstExp <= 1e-6, "exp worst relative difference \(worstExp)")

        var silu = Array(values.prefix(4_001))
        kotoba_silu(&silu, silu.count)
        let worstSilu = zip(silu, values).map { abs($0 - $1 / (1 + Float(Foundation.exp(-Double($1))))) }.max() ?? .nan
        #expect(worstSilu <= 2e-6, "SiLU worst difference \(worstSilu)")

        // 4,001 values: 250 full groups of 16 and a tail of 1.
        let grid = Array(values.prefix(4_001))
        let sum = kotoba_exp_sum_shifted(grid, grid.count, 10)
        let exact = grid.reduce(0.0) { $0 + Foundation.exp(Double($1) - 10) }
        #expect(abs(Double(sum) - exact) / exact <= 1e-6, "exp sum \(sum) vs \(exact)")
    }

    /// Log-softmax through the kernel: log-probabilities that exponentiate to 1, banned entries kept at -inf,
    /// and a row with nothing allowed left as it was instead of turning into NaN.
    @Test func logSoftmaxKeepsBannedEntriesAndEmptyRows() throws {
        var row: [Float] = (0..<1_000).map { Float($0 % 37) / 3 }
        row[7] = -.infinity
        let logProbabilities = try Tensor(shape: [2, 1_000], storage: ContiguousArray(row + Array(repeating: -.infinity, count: 1_000))).logSoftmax()
        let first = Array(logProbabilities.storage.prefix(1_000))
        let total = first.reduce(0.0) { $0 + Foundation.exp(Double($1)) }
        #expect(abs(total - 1) < 1e-5)
        #expect(first[7] == -.infinity)
        #expect(logProbabilities.storage.suffix(1_000).allSatisfy { $0 == -.infinity })
    }

    @Test func largeActivationSplitAcrossThreadsEqualsSingleThreaded() {
        // 100 003 elements: several Parallel ranges and a ragged SIMD tail.
        var rng = SeededFloats(seed: 21)
        let x = rng.tensor([100_003])
        let saved = BLAS.threadCount
        defer { BLAS.threadCount = saved }
        BLAS.threadCount = 1
        let single = x.applying(.gelu)
        BLAS.threadCount = 2
        let split = x.applying(.gelu)
        // Exact on purpose: GELU is elementwise and both runs use this process's kernel build, so an element's
        // result cannot depend on which thread's range it fell in.
        #expect(single == split)
    }
}
