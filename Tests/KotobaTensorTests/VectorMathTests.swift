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
        #expect(single == split)
    }
}
