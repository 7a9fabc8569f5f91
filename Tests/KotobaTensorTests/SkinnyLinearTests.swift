import Foundation
import Testing
import CKernels
@testable import KotobaTensor

/// The few-rows linear kernel against OpenBLAS's `sgemm`, across its builds, and its half-weight variant
/// against its float one.
@Suite struct SkinnyLinearTests {
    /// Seeded values of magnitude 0.5 to 1 in steps of 1/2048, both signs: exact halves, so the half variant can take
    /// them, and never near zero, so a dropped or repeated product moves a result by at least 0.25. Shared with
    /// the panel kernel's tests.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let magnitude = 0.5 + Float(Int(state >> 54)) / 2048
            return state >> 20 & 1 == 0 ? magnitude : -magnitude
        }
    }

    private func values(_ count: Int, seed: UInt64) -> [Float] { Self.values(count, seed: seed) }

    /// The product through OpenBLAS: y = x · wᵀ + bias.
    private func reference(_ x: [Float], rows: Int, _ w: [Float], inFeatures: Int, outFeatures: Int, bias: [Float]) -> [Float] {
        var y = (0..<rows).flatMap { _ in bias }
        BLAS.sgemm(transposeB: true, m: rows, n: outFeatures, k: inFeatures, a: x, b: w, beta: 1, c: &y)
        return y
    }

    /// Shapes with every remainder: rows not a multiple of 4, an odd output count, widths not a multiple of 8.
    static let shapes = [(1, 8, 1), (1, 384, 384), (3, 13, 7), (4, 64, 5), (5, 100, 33), (8, 384, 1536), (9, 1536, 384),
                         (32, 40, 17)]

    /// Dot products of up to 1536 terms of size 0.25 to 1 summed in another order than sgemm's (whose order
    /// depends on its core type): partial sums reach about 40, where an ulp is 4e-6, so the bound is 1e-4 absolute,
    /// while a dropped or repeated term is off by at least 0.25.
    @Test(arguments: shapes)
    func everyBuildMatchesSgemm(rows: Int, inFeatures: Int, outFeatures: Int) throws {
        let x = values(rows * inFeatures, seed: 1), w = values(outFeatures * inFeatures, seed: 2)
        let bias = values(outFeatures, seed: 3)
        let want = reference(x, rows: rows, w, inFeatures: inFeatures, outFeatures: outFeatures, bias: bias)
        let halves = try #require(SkinnyLinear.exactHalves(ContiguousArray(w)))
        for path in KernelPath.supported {
            var got = [Float](repeating: .nan, count: rows * outFeatures)
            kotoba_linear_rows_for(path.isa, x, rows, inFeatures, w, outFeatures, bias, &got, 0, outFeatures)
            let worst = zip(got, want).map { abs($0 - $1) }.max() ?? .nan
            #expect(worst <= 1e-4, "\(path): worst difference \(worst)")
            // Halves of the same values: the same arithmetic, so the same bits.
            var fromHalves = [Float](repeating: .nan, count: rows * outFeatures)
            kotoba_linear_rows_f16_for(path.isa, x, rows, inFeatures, Array(halves), outFeatures, bias, &fromHalves, 0,
                                       outFeatures)
            #expect(fromHalves == got, "\(path): half weights differ from their float values")
        }
    }

    /// A row's result does not depend on how many rows came with it or on which output range a thread took, so
    /// a request gives the same numbers alone or batched under the kernel.
    @Test func aRowsResultIsTheSameAloneOrWithOthersAndInAnyOutputRange() {
        let (rows, inFeatures, outFeatures) = (7, 200, 21)
        let x = values(rows * inFeatures, seed: 4), w = values(outFeatures * inFeatures, seed: 5)
        var all = [Float](repeating: 0, count: rows * outFeatures)
        kotoba_linear_rows(x, rows, inFeatures, w, outFeatures, nil, &all, 0, outFeatures)
        var split = [Float](repeating: 0, count: rows * outFeatures)
        for (first, end) in [(0, 5), (5, 6), (6, 21)] {
            kotoba_linear_rows(x, rows, inFeatures, w, outFeatures, nil, &split, first, end)
        }
        #expect(split == all)
        // A row alone takes the single-row path (4 weight rows at a time), here from unaligned output starts too.
        for row in 0..<rows {
            let input = Array(x[(row * inFeatures)..<((row + 1) * inFeatures)])
            let want = Array(all[(row * outFeatures)..<((row + 1) * outFeatures)])
            for ranges in [[(0, outFeatures)], [(0, 5), (5, 6), (6, outFeatures)], [(0, 3), (3, outFeatures)]] {
                var alone = [Float](repeating: 0, count: outFeatures)
                for (first, end) in ranges {
                    kotoba_linear_rows(input, 1, inFeatures, w, outFeatures, nil, &alone, first, end)
                }
                #expect(alone == want, "row \(row), output ranges \(ranges)")
            }
        }
    }

    @Test func exactHalvesRefusesValuesAHalfCannotHold() {
        #expect(SkinnyLinear.exactHalves([0.5, -2, 0, 65504]) == [0x3800, 0xC000, 0x0000, 0x7BFF])
        #expect(SkinnyLinear.exactHalves([0.5, 0.1]) == nil)
        #expect(SkinnyLinear.exactHalves([1e6]) == nil)
    }

    /// `Tensor.linear` takes the kernel for a few rows and sgemm above the limit; both agree.
    @Test func tensorLinearAgreesOnBothSidesOfTheRowLimit() throws {
        for rows in [SkinnyLinear.rowLimit, SkinnyLinear.rowLimit + 1] {
            let x = try Tensor(shape: [rows, 48], storage: ContiguousArray(values(rows * 48, seed: 6)))
            let w = try Tensor(shape: [10, 48], storage: ContiguousArray(values(480, seed: 7)))
            let bias = try Tensor(shape: [10], storage: ContiguousArray(values(10, seed: 8)))
            let got = try x.linear(weight: w, bias: bias)
            let want = reference(Array(x.storage), rows: rows, Array(w.storage), inFeatures: 48, outFeatures: 10,
                                 bias: Array(bias.storage))
            #expect(got.shape == [rows, 10])
            #expect(zip(got.storage, want).allSatisfy { abs($0 - $1) <= 1e-4 }, "rows \(rows)")
        }
    }
}
