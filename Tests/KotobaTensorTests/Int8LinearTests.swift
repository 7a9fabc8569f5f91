import Testing
import CKernels
@testable import KotobaTensor

/// The int8 linear kernels: every build against the exact product of the quantized values, against each other
/// bit for bit, and the quantization error against the float product.
@Suite struct Int8LinearTests {
    /// Seeded values in [-1, 1) with a few 8× outliers per row, like a transformer's activations.
    private func values(_ count: Int, seed: UInt64, outliers: Bool = false) -> [Float] {
        var state = seed
        return (0..<count).map { i in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let value = Float(Int(state >> 40)) / Float(1 << 23) - 1
            return outliers && i % 97 == 13 ? 8 * value : value
        }
    }

    /// Quantized weights and activations for `x` `[rows, in]`, `w` `[out, in]`.
    private struct Quantized {
        var packed: [Int8], weightScale: [Float], codeSums: [Int32]
        var codes: [UInt8], rowScale: [Float], zero: [Int32]
        init(x: [Float], rows: Int, w: [Float], inFeatures: Int, outFeatures: Int) {
            let paddedIn = kotoba_int8_padded_inputs(inFeatures), paddedOut = kotoba_int8_padded_outputs(outFeatures)
            packed = [Int8](repeating: 0, count: paddedIn * paddedOut)
            weightScale = [Float](repeating: 0, count: paddedOut)
            codeSums = [Int32](repeating: 0, count: paddedOut)
            kotoba_int8_pack_weights(w, outFeatures, inFeatures, &packed, &weightScale, &codeSums)
            codes = [UInt8](repeating: 0, count: rows * paddedIn)
            rowScale = [Float](repeating: 0, count: rows)
            zero = [Int32](repeating: 0, count: rows)
            kotoba_int8_quantize_rows(x, rows, inFeatures, inFeatures, &codes, &rowScale, &zero)
        }

        func run(_ isa: kotoba_isa, rows: Int, inFeatures: Int, outFeatures: Int, bias: [Float]?) -> [Float] {
            var y = [Float](repeating: .nan, count: rows * outFeatures)
            let pairs = kotoba_int8_padded_outputs(outFeatures) / 16
            kotoba_int8_linear_for(isa, codes, rowScale, zero, rows, inFeatures, packed, weightScale, codeSums,
                                   outFeatures, bias, &y, outFeatures, 0, pairs)
            return y
        }

        /// The weights the codes stand for.
        func weights(outFeatures: Int, inFeatures: Int) -> [Float] {
            var w = [Float](repeating: 0, count: outFeatures * inFeatures)
            kotoba_int8_unpack_weights(packed, weightScale, outFeatures, inFeatures, &w)
            return w
        }
    }

    /// Shapes with every remainder: inputs not a multiple of 4, outputs not a multiple of 16 or 8, rows past the
    /// 4-row tile and the 64-row block.
    static let shapes = [(1, 1, 1), (1, 384, 384), (3, 13, 7), (4, 64, 5), (5, 100, 33), (8, 384, 1536), (9, 1536, 40),
                         (70, 40, 17)]

    /// The kernels multiply codes exactly: each result equals, in double precision, the product of the values the
    /// codes stand for, up to the float epilogue's rounding (a few ulps of the sum of |terms|, bound 1e-5 of it).
    /// Every build gives the same bits, since integer sums have no order to differ in.
    @Test(arguments: shapes)
    func everyBuildComputesTheQuantizedProductExactly(rows: Int, inFeatures: Int, outFeatures: Int) {
        let x = values(rows * inFeatures, seed: 1, outliers: true), w = values(outFeatures * inFeatures, seed: 2)
        let bias = values(outFeatures, seed: 3)
        let q = Quantized(x: x, rows: rows, w: w, inFeatures: inFeatures, outFeatures: outFeatures)
        let wq = q.weights(outFeatures: outFeatures, inFeatures: inFeatures)
        let paddedIn = kotoba_int8_padded_inputs(inFeatures)
        let baseline = q.run(KOTOBA_ISA_BASELINE, rows: rows, inFeatures: inFeatures, outFeatures: outFeatures, bias: bias)
        for r in 0..<rows {
            for o in 0..<outFeatures {
                var sum = Double(bias[o]), magnitude = abs(Double(bias[o]))
                for k in 0..<inFeatures {
                    let xq = Double(q.rowScale[r]) * Double(Int32(q.codes[r * paddedIn + k]) - q.zero[r])
                    sum += xq * Double(wq[o * inFeatures + k])
                    magnitude += abs(xq * Double(wq[o * inFeatures + k]))
                }
                let got = Double(baseline[r * outFeatures + o])
                #expect(abs(got - sum) <= 1e-5 * magnitude, "row \(r) output \(o): \(got) vs \(sum)")
            }
        }
        for path in KernelPath.supported {
            let got = q.run(path.isa, rows: rows, inFeatures: inFeatures, outFeatures: outFeatures, bias: bias)
            #expect(got == baseline, "\(path) differs from the baseline build")
        }
    }

    /// The extreme codes (activations 255 against weights ±63 in every position) are where vpmaddubsw's int16
    /// pairs are largest; the 7-bit weight range keeps them below saturation, so the sums stay exact.
    @Test func extremeCodesDoNotSaturate() {
        let (rows, inFeatures, outFeatures) = (4, 256, 16)
        let x = [Float](repeating: 1, count: rows * inFeatures)              // codes 255, zero point 0
        let w = (0..<(outFeatures * inFeatures)).map { i in i / inFeatures % 2 == 0 ? Float(0.5) : -0.5 }  // ±63
        let q = Quantized(x: x, rows: rows, w: w, inFeatures: inFeatures, outFeatures: outFeatures)
        #expect(q.codes.allSatisfy { $0 == 255 } && q.zero.allSatisfy { $0 == 0 })
        for path in KernelPath.supported {
            let y = q.run(path.isa, rows: rows, inFeatures: inFeatures, outFeatures: outFeatures, bias: nil)
            for (i, value) in y.enumerated() {
                let want: Float = i % outFeatures % 2 == 0 ? 128 : -128               // 256 inputs × 1 × ±0.5
                #expect(abs(value - want) <= 1e-3, "\(path) output \(i): \(value)")
            }
        }
    }

    /// Quantization error against the float product: 7-bit weights per channel and 8-bit activations per row
    /// keep the relative RMS error near 1% on outlier-heavy rows; 3% would mean a lost bit.
    @Test func errorAgainstTheFloatProductIsAboutOnePercent() {
        let (rows, inFeatures, outFeatures) = (16, 768, 96)
        let x = values(rows * inFeatures, seed: 4, outliers: true), w = values(outFeatures * inFeatures, seed: 5)
        let q = Quantized(x: x, rows: rows, w: w, inFeatures: inFeatures, outFeatures: outFeatures)
        let y = q.run(KOTOBA_ISA_BASELINE, rows: rows, inFeatures: inFeatures, outFeatures: outFeatures, bias: nil)
        var error = 0.0, energy = 0.0
        for r in 0..<rows {
            for o in 0..<outFeatures {
                var sum = 0.0
                for k in 0..<inFeatures { sum += Double(x[r * inFeatures + k]) * Double(w[o * inFeatures + k]) }
                error += (Double(y[r * outFeatures + o]) - sum) * (Double(y[r * outFeatures + o]) - sum)
                energy += sum * sum
            }
        }
        let relative = (error / energy).squareRoot()
        #expect(relative < 0.03, "relative RMS error \(relative)")
    }

    /// Every build quantizes a row to the same codes, scale and zero point (exact IEEE steps, no contraction),
    /// over widths with and without an 8-wide tail and rows holding NaN and infinities.
    @Test func everyBuildQuantizesRowsIdentically() {
        for inFeatures in [1, 7, 8, 13, 384, 3072] {
            var x = values(5 * inFeatures, seed: UInt64(inFeatures), outliers: true)
            x[inFeatures] = .nan
            x[2 * inFeatures] = .infinity
            let paddedIn = kotoba_int8_padded_inputs(inFeatures)
            func quantize(_ isa: kotoba_isa) -> ([UInt8], [Float], [Int32]) {
                var codes = [UInt8](repeating: 7, count: 5 * paddedIn)
                var scale = [Float](repeating: 0, count: 5), zero = [Int32](repeating: 0, count: 5)
                kotoba_int8_quantize_rows_for(isa, x, 5, inFeatures, inFeatures, &codes, &scale, &zero)
                return (codes, scale, zero)
            }
            let baseline = quantize(KOTOBA_ISA_BASELINE)
            for path in KernelPath.supported {
                let got = quantize(path.isa)
                #expect(got.0 == baseline.0 && got.2 == baseline.2, "\(path), width \(inFeatures): codes differ")
                #expect(zip(got.1, baseline.1).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) },
                        "\(path), width \(inFeatures): scales differ")
            }
            // The clean rows round-trip within half a step.
            for r in [0, 3, 4] {
                for k in 0..<inFeatures {
                    let restored = baseline.1[r] * Float(Int32(baseline.0[r * paddedIn + k]) - baseline.2[r])
                    #expect(abs(restored - x[r * inFeatures + k]) <= baseline.1[r] * 0.5001)
                }
            }
        }
    }

    /// A row of zeros, a constant row and non-finite values quantize without a trap, and zero stays exact.
    @Test func degenerateRowsQuantizeSafely() {
        let inFeatures = 9
        let x: [Float] = Array(repeating: 0, count: inFeatures) + Array(repeating: -2, count: inFeatures)
            + [.nan, .infinity, -.infinity, 1, 0, 0, 0, 0, 0]
        var codes = [UInt8](repeating: 0, count: 3 * kotoba_int8_padded_inputs(inFeatures))
        var scale = [Float](repeating: 0, count: 3), zero = [Int32](repeating: 0, count: 3)
        kotoba_int8_quantize_rows(x, 3, inFeatures, inFeatures, &codes, &scale, &zero)
        #expect(scale[0] == 1 && codes.prefix(inFeatures).allSatisfy { Int32($0) == zero[0] })
        #expect(abs(scale[1] * Float(Int32(codes[12]) - zero[1]) + 2) < 1e-6)
        #expect((0...255).contains(zero[2]))
    }

    /// `Int8Weights` through the Swift entry point (threads split the outputs) gives the kernel's results.
    @Test func int8WeightsApplyMatchesTheKernel() {
        let (rows, inFeatures, outFeatures) = (12, 200, 150)
        let x = values(rows * inFeatures, seed: 6), w = values(outFeatures * inFeatures, seed: 7)
        let bias = values(outFeatures, seed: 8)
        let weights = w.withUnsafeBufferPointer { Int8Weights(weight: $0, outFeatures: outFeatures, inFeatures: inFeatures) }
        var y = [Float](repeating: .nan, count: rows * outFeatures)
        x.withUnsafeBufferPointer { x in
            bias.withUnsafeBufferPointer { b in
                y.withUnsafeMutableBufferPointer { y in
                    weights.apply(x.baseAddress!, rows: rows, ldx: inFeatures, bias: b.baseAddress, into: y.baseAddress!)
                }
            }
        }
        let q = Quantized(x: x, rows: rows, w: w, inFeatures: inFeatures, outFeatures: outFeatures)
        #expect(y == q.run(kotoba_isa_active(), rows: rows, inFeatures: inFeatures, outFeatures: outFeatures, bias: bias))
        let restored = weights.dequantized
        #expect(zip(restored, w).allSatisfy { abs($0 - $1) <= 1.0 / 126 + 1e-6 })   // half a step of max|w| / 63
    }
}
