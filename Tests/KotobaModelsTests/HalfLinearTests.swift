import Foundation
import KotobaTensor
import Testing
@testable import KotobaModels

/// A linear layer loaded from F16 weights keeps only the halves; every path through it (the few-row kernel, the
/// converted `sgemm`, strided input, stacking) must give what the same values as floats give.
@Suite struct HalfLinearTests {
    /// Exact halves of both signs between 2^-6 and 1, from a fixed seed.
    static func halfValues(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let bits = UInt16(truncatingIfNeeded: state >> 33)
            let magnitude = Float(Float16(bitPattern: (bits & 0x03FF) | (UInt16(9 + (bits >> 10) % 6) << 10)))
            return bits & 0x8000 == 0 ? magnitude : -magnitude
        }
    }

    static func layers(out: Int, in inFeatures: Int, seed: UInt64) throws -> (half: Linear, float: Linear) {
        let weight = try Tensor(shape: [out, inFeatures], storage: ContiguousArray(halfValues(out * inFeatures, seed: seed)))
        let bias = try Tensor(shape: [out], storage: ContiguousArray(halfValues(out, seed: seed + 1)))
        let directory = try SafeTensorsWriter.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.safetensors")
        try SafeTensorsWriter.write([("proj.weight", weight), ("proj.bias", bias)], to: url, halves: ["proj.weight"])
        let store = try WeightStore(paths: [url.path])
        return (try store.linear("proj", in: inFeatures, out: out), Linear(weight: weight, bias: bias))
    }

    static func expectClose(_ a: Tensor, _ b: Tensor, _ comment: Comment) {
        #expect(a.shape == b.shape, comment)
        let worst = zip(a.storage, b.storage).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        #expect(worst <= 1e-5, "\(comment): worst relative difference \(worst)")
    }

    @Test func halfOnlyLayerMatchesFloatsOnEveryPath() throws {
        let (half, float) = try Self.layers(out: 40, in: 24, seed: 7)
        #expect(half.halfWeight?.isMapped == true, "F16 weights are read in place from the checkpoint")
        #expect(half.weight.storage == float.weight.storage, "converting halves to floats is exact")
        // 1 and 32 rows take the few-row kernel, 33 and 100 the converted sgemm.
        for rows in [1, 5, 32, 33, 100] {
            let x = try Tensor(shape: [rows, 24], storage: ContiguousArray(Self.halfValues(rows * 24, seed: UInt64(rows))))
            Self.expectClose(try half(x), try float(x), "\(rows) rows")
        }
    }

    @Test func stridedRowsAndStackingKeepTheHalves() throws {
        let (halfA, floatA) = try Self.layers(out: 16, in: 24, seed: 11)
        let (halfB, floatB) = try Self.layers(out: 8, in: 24, seed: 13)
        let stackedHalf = Linear(stacking: [halfA, halfB])
        let stackedFloat = Linear(stacking: [floatA, floatB])
        #expect(stackedHalf.halfWeight?.count == 24 * 24)
        let rows = 40
        let ldx = 30
        let input = Self.halfValues(rows * ldx, seed: 17)
        var halfOut = [Float](repeating: .nan, count: rows * 24)
        var floatOut = [Float](repeating: .nan, count: rows * 24)
        stackedHalf.apply(input, rows: rows, ldx: ldx, into: &halfOut)
        stackedFloat.apply(input, rows: rows, ldx: ldx, into: &floatOut)
        Self.expectClose(try Tensor(shape: [rows, 24], storage: ContiguousArray(halfOut)),
                         try Tensor(shape: [rows, 24], storage: ContiguousArray(floatOut)), "strided, stacked")
        #expect(!halfOut.contains { $0.isNaN })
    }

    /// A weight larger than one conversion block (a vocabulary projection) is converted and multiplied a block
    /// of output rows at a time; one row takes sgemv, more take sgemm.
    @Test func largeWeightsConvertInBlocks() throws {
        let out = 1_100
        let inFeatures = Linear.conversionBlock / 1_000
        #expect(out * inFeatures > Linear.conversionBlock)
        let (half, float) = try Self.layers(out: out, in: inFeatures, seed: 19)
        for rows in [1, 40] {
            let x = try Tensor(shape: [rows, inFeatures],
                               storage: ContiguousArray(Self.halfValues(rows * inFeatures, seed: UInt64(rows) + 23)))
            Self.expectClose(try half(x), try float(x), "\(rows) rows over two blocks")
        }
    }

    /// An embedding table stored as F16 stays halves: lookups convert the rows they return, and the tied output
    /// projection shares the table.
    @Test func halfEmbeddingsLookUpAndTie() throws {
        let (rows, width) = (50, 12)
        let table = try Tensor(shape: [rows, width], storage: ContiguousArray(Self.halfValues(rows * width, seed: 29)))
        let directory = try SafeTensorsWriter.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.safetensors")
        try SafeTensorsWriter.write([("embed.weight", table)], to: url, halves: ["embed.weight"])
        let half = try WeightStore(paths: [url.path]).embedding("embed", rows: rows, width: width)
        let float = Embedding(table: table)
        let ids = [0, 49, 7, 7, 23]
        #expect(try half(ids).storage == float(ids).storage, "a looked-up row is its halves converted exactly")
        #expect(half.table.storage == table.storage)
        #expect(throws: TensorError.self) { try half([50]) }
        #expect(throws: TensorError.self) { try half([-1]) }
        let tied = half.tiedProjection(bias: nil)
        #expect(tied.halfWeight?.isMapped == true)
        let x = try Tensor(shape: [40, width], storage: ContiguousArray(Self.halfValues(40 * width, seed: 31)))
        Self.expectClose(try tied(x), try float.tiedProjection(bias: nil)(x), "tied projection")
    }

    @Test func wrongShapeIsStillAShapeMismatch() throws {
        let weight = try Tensor(shape: [4, 3], storage: ContiguousArray(Self.halfValues(12, seed: 3)))
        let directory = try SafeTensorsWriter.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.safetensors")
        try SafeTensorsWriter.write([("proj.weight", weight)], to: url, halves: ["proj.weight"])
        let store = try WeightStore(paths: [url.path])
        #expect(throws: ModelError.self) { try store.linear("proj", in: 4, out: 3, bias: false) }
        #expect(try store.halves("proj.weight", shape: [4, 3]) != nil)
    }
}
