import Foundation
import Testing
import CKernels
@testable import KotobaTensor

/// The panel kernel (weights packed at load, register-blocked) against OpenBLAS's `sgemm`, across its builds; its
/// half variant against its float one; and the packing round trip.
@Suite struct PanelWeightsTests {
    /// The skinny kernel tests' values: exact halves of magnitude 0.5 to 1, so a dropped or repeated product moves
    /// a result by at least 0.25.
    private func values(_ count: Int, seed: UInt64) -> [Float] { SkinnyLinearTests.values(count, seed: seed) }

    private func halves(_ w: [Float]) throws -> [UInt16] {
        try Array(#require(SkinnyLinear.exactHalves(ContiguousArray(w))))
    }

    /// The panels `w` packs into.
    private func packed(_ w: [Float], inFeatures: Int, outFeatures: Int) -> [Float] {
        var p = [Float](repeating: .nan, count: kotoba_panel_count(outFeatures) * 16 * inFeatures)
        kotoba_pack_panels(w, inFeatures, outFeatures, &p)
        return p
    }

    /// Shapes with every remainder: row tiles of 6 (8 with AVX-512) with 1…7 left over, a single row with and
    /// without 4 whole panels, panel pairs with an odd panel left (AVX-512), outputs not a multiple of 16, more
    /// rows than one row block (96), and a long input.
    static let shapes = [(1, 8, 1), (1, 384, 64), (1, 100, 70), (2, 13, 7), (5, 64, 33), (6, 40, 16), (7, 384, 384),
                         (8, 64, 32), (9, 100, 48), (15, 40, 70), (16, 256, 1024), (17, 1536, 40), (100, 64, 50)]

    /// Sums of up to 1536 terms of size 0.25 to 1 in another order than sgemm's: partial sums reach about 40, where
    /// an ulp is 4e-6, so the bound is 1e-4 absolute, while a dropped or repeated term is off by at least 0.25.
    @Test(arguments: shapes)
    func everyBuildMatchesSgemm(rows: Int, inFeatures: Int, outFeatures: Int) throws {
        // x rows 3 floats wider than the input: the kernel must follow ldx, not assume packed rows.
        let ldx = inFeatures + 3
        let x = values(rows * ldx, seed: 1), w = values(outFeatures * inFeatures, seed: 2)
        let bias = values(outFeatures, seed: 3)
        var want = (0..<rows).flatMap { _ in bias }
        BLAS.sgemm(transposeB: true, m: rows, n: outFeatures, k: inFeatures, a: x, lda: ldx, b: w, beta: 1, c: &want)
        let panels = packed(w, inFeatures: inFeatures, outFeatures: outFeatures)
        var halfPanels = [UInt16](repeating: 0, count: panels.count)
        kotoba_pack_panels_f16(try halves(w), inFeatures, outFeatures, &halfPanels)
        let count = kotoba_panel_count(outFeatures)
        for path in KernelPath.supported {
            var got = [Float](repeating: .nan, count: rows * outFeatures)
            kotoba_linear_panels_for(path.isa, x, rows, ldx, inFeatures, panels, outFeatures, bias, &got, 0, count)
            let worst = zip(got, want).map { abs($0 - $1) }.max() ?? .nan
            #expect(worst <= 1e-4, "\(path): worst difference \(worst)")
            // Halves of the same values: the same arithmetic, so the same bits.
            var fromHalves = [Float](repeating: .nan, count: rows * outFeatures)
            kotoba_linear_panels_f16_for(path.isa, x, rows, ldx, inFeatures, halfPanels, outFeatures, bias,
                                         &fromHalves, 0, count)
            #expect(fromHalves == got, "\(path): half weights differ from their float values")
        }
    }

    /// A row's result does not depend on how many rows came with it, on which tile took it or on the panel
    /// ranges the threads took: a sentence decodes to the same numbers alone or in a batch.
    @Test func aRowsResultIsTheSameAloneOrWithOthersAndInAnyPanelRange() {
        let (rows, inFeatures, outFeatures) = (13, 200, 90)
        let x = values(rows * inFeatures, seed: 4), w = values(outFeatures * inFeatures, seed: 5)
        let bias = values(outFeatures, seed: 6)
        let panels = packed(w, inFeatures: inFeatures, outFeatures: outFeatures)
        let count = kotoba_panel_count(outFeatures)
        var all = [Float](repeating: .nan, count: rows * outFeatures)
        kotoba_linear_panels(x, rows, inFeatures, inFeatures, panels, outFeatures, bias, &all, 0, count)
        for row in 0..<rows {
            let input = Array(x[(row * inFeatures)..<((row + 1) * inFeatures)])
            let want = Array(all[(row * outFeatures)..<((row + 1) * outFeatures)])
            // All six panels at once takes the four-panel single-row tile; split ranges take single panels.
            for ranges in [[(0, count)], [(0, 1), (1, 2), (2, count)], [(0, 5), (5, count)]] {
                var alone = [Float](repeating: .nan, count: outFeatures)
                for (first, end) in ranges {
                    kotoba_linear_panels(input, 1, inFeatures, inFeatures, panels, outFeatures, bias, &alone, first, end)
                }
                #expect(alone == want, "row \(row), panel ranges \(ranges)")
            }
        }
    }

    /// The AVX2 and AVX-512 builds hold a panel in two 8-float registers or one 16-float one, and tile rows and
    /// panels differently, but every output is the same chain of fused multiply-adds: the same bits from both.
    @Test(.enabled(if: KernelPath.supported.contains(.avx512), "needs an AVX-512 CPU"), arguments: shapes)
    func theFMABuildsGiveTheSameBits(rows: Int, inFeatures: Int, outFeatures: Int) {
        let fma: [KernelPath] = [.avx2, .avx512]
        let x = values(rows * inFeatures, seed: 9), w = values(outFeatures * inFeatures, seed: 10)
        let bias = values(outFeatures, seed: 11)
        let panels = packed(w, inFeatures: inFeatures, outFeatures: outFeatures)
        let results = fma.map { path in
            var y = [Float](repeating: .nan, count: rows * outFeatures)
            kotoba_linear_panels_for(path.isa, x, rows, inFeatures, inFeatures, panels, outFeatures, bias, &y, 0,
                                     kotoba_panel_count(outFeatures))
            return y
        }
        #expect(results[0] == results[1])
    }

    /// Outputs past `out` in the last panel are padding: never written, so a `y` exactly `[rows, out]` is safe.
    @Test func theLastPanelWritesOnlyRealOutputs() {
        let (rows, inFeatures, outFeatures) = (3, 24, 20)
        let x = values(rows * inFeatures, seed: 7), w = values(outFeatures * inFeatures, seed: 8)
        let panels = packed(w, inFeatures: inFeatures, outFeatures: outFeatures)
        var y = [Float](repeating: .nan, count: rows * outFeatures + 16)
        kotoba_linear_panels(x, rows, inFeatures, inFeatures, panels, outFeatures, nil, &y, 0, 2)
        let written = y[0..<(rows * outFeatures)].filter { !$0.isNaN }.count
        let beyond = y[(rows * outFeatures)...].filter { !$0.isNaN }.count
        #expect(written == rows * outFeatures)
        #expect(beyond == 0)
    }

    @Test func packingRoundTripsFloatsAndHalves() throws {
        let (inFeatures, outFeatures) = (37, 41)
        let w = values(outFeatures * inFeatures, seed: 9)
        let floats = w.withUnsafeBufferPointer { PanelWeights(floats: $0, outFeatures: outFeatures, inFeatures: inFeatures) }
        #expect(!floats.isHalves)
        #expect(Array(floats.floats) == w)
        let bits = try halves(w)
        let fromHalves = bits.withUnsafeBufferPointer {
            PanelWeights(halves: $0, outFeatures: outFeatures, inFeatures: inFeatures)
        }
        #expect(fromHalves.isHalves)
        #expect(Array(fromHalves.floats) == w)
    }

    /// `apply` splits the panels across the BLAS threads (two on a 2-core machine): its result must be one call
    /// over every panel's, bit for bit, since each output is computed whole by one thread.
    @Test func applyGivesTheResultsOfOneCallOverEveryPanel() {
        let (rows, inFeatures, outFeatures) = (16, 512, 1000)
        let x = values(rows * inFeatures, seed: 10), w = values(outFeatures * inFeatures, seed: 11)
        let bias = values(outFeatures, seed: 12)
        let weights = w.withUnsafeBufferPointer { PanelWeights(floats: $0, outFeatures: outFeatures, inFeatures: inFeatures) }
        var got = [Float](repeating: .nan, count: rows * outFeatures)
        got.withUnsafeMutableBufferPointer { out in
            weights.apply(x, rows: rows, ldx: inFeatures, bias: bias, into: out.baseAddress!)
        }
        var want = [Float](repeating: .nan, count: rows * outFeatures)
        kotoba_linear_panels(x, rows, inFeatures, inFeatures, packed(w, inFeatures: inFeatures, outFeatures: outFeatures),
                             outFeatures, bias, &want, 0, kotoba_panel_count(outFeatures))
        #expect(got == want)
    }
}
