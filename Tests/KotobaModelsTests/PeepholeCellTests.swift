import Foundation
import Testing
@testable import KotobaModels
import KotobaTensor

/// The peephole LSTM cell on hand-computed values: the same case as training/reference/test_peephole.py, which
/// works unit 0 of step 1 through by hand and pins the reference to the same numbers; keep the two in step.
@Suite struct PeepholeCellTests {
    /// Input size 2, hidden size 2; gate rows i0 i1 f0 f1 g0 g1 o0 o1.
    static let weightIH: [[Float]] = [[0.5, 0.0], [0.0, 0.5], [0.2, 0.1], [-0.1, 0.3], [1.0, 0.0], [0.0, -1.0],
                                      [0.3, -0.2], [0.1, 0.1]]
    static let weightHH: [[Float]] = [[0.4, 0.0], [0.0, 0.4], [0.0, 0.2], [0.2, 0.0], [0.5, 0.5], [-0.5, 0.5],
                                      [0.1, 0.0], [0.0, -0.1]]
    static let biasIH: [Float] = [0.1, -0.1, 0.5, 0.5, 0.0, 0.0, 0.1, -0.1]
    static let biasHH: [Float] = [0.0, 0.1, 0.25, 0.25, 0.1, -0.1, 0.0, 0.0]
    static let peephole: [Float] = [0.5, -0.25, 1.0, 0.5, -0.5, 0.75]  // p_i, p_f, p_o
    static let inputs: [[Float]] = [[1.0, -1.0], [0.5, 2.0]]
    static let h0: [Float] = [0.5, -0.5], c0: [Float] = [1.0, -2.0]
    /// (h, c) after each step, to 7 decimals.
    static let expected: [(h: [Float], c: [Float])] = [([0.4304413, -0.1955107], [1.4810129, -0.5606887]),
                                                        ([0.2501989, -0.2725550], [1.8474707, -1.1525090])]
    /// Float32 gate math on values near 1 is good to a few 1e-7 (VectorMath's lane exp is within 4e-7 relative);
    /// the expectations are rounded to 5e-8.
    static let tolerance: Float = 2e-6

    /// The hand cell repeated `copies` times side by side: unit `2k + j` is unit `j` of copy `k`, and `W_hh` is
    /// block-diagonal so each copy only reads its own pair of `h` values; every copy must give the hand values.
    static func cell(copies: Int = 1) throws -> RecurrentCell {
        let hidden = 2 * copies
        var wih: [Float] = [], whh: [Float] = [], bih: [Float] = [], bhh: [Float] = [], p: [Float] = []
        for gate in 0..<4 {
            for unit in 0..<hidden {
                let row = 2 * gate + unit % 2, block = unit / 2
                wih += weightIH[row]
                whh += (0..<hidden).map { $0 / 2 == block ? weightHH[row][$0 % 2] : 0 }
                bih.append(biasIH[row])
                bhh.append(biasHH[row])
                if gate < 3 { p.append(peephole[2 * gate + unit % 2]) }
            }
        }
        return RecurrentCell(kind: .lstmPeephole, weightIH: try Tensor(shape: [4 * hidden, 2], wih),
                             weightHH: try Tensor(shape: [4 * hidden, hidden], whh),
                             biasIH: try Tensor(shape: [4 * hidden], bih), biasHH: try Tensor(shape: [4 * hidden], bhh),
                             peephole: try Tensor(shape: [3 * hidden], p))
    }

    static func tiled(_ values: [Float], _ copies: Int) -> [Float] {
        Array((0..<copies).map { _ in values }.joined())
    }

    @Test func stepByStepMatchesHandComputedValues() throws {
        let layer = RecurrentLayer(forward: try Self.cell(), backward: nil)
        var state = RecurrentState(h: try Tensor(shape: [1, 1, 2], Self.h0), c: try Tensor(shape: [1, 1, 2], Self.c0))
        for (t, (x, want)) in zip(Self.inputs, Self.expected).enumerated() {
            let out = layer.step(try Tensor(shape: [1, 2], x), state: &state)
            expectClose(Array(out.storage), want.h, tolerance: Self.tolerance, "step \(t) h")
            expectClose(Array(state.c?.storage ?? []), want.c, tolerance: Self.tolerance, "step \(t) c")
        }
    }

    /// Hidden size 10: units 0–7 run the eight-lane gate loop, 8–9 its scalar tail; the sequence path (one sgemm for
    /// all inputs, then the recurrence) must agree with the hand values too.
    @Test func laneLoopAndScalarTailMatchHandComputedValuesOverASequence() throws {
        let copies = 5, hidden = 10
        let stack = StackedRecurrent(layers: [RecurrentLayer(forward: try Self.cell(copies: copies), backward: nil)],
                                     residual: false)
        let initial = RecurrentState(h: try Tensor(shape: [1, 1, hidden], Self.tiled(Self.h0, copies)),
                                     c: try Tensor(shape: [1, 1, hidden], Self.tiled(Self.c0, copies)))
        let input = try Tensor(shape: [1, 2, 2], Self.inputs.flatMap { $0 })
        let (output, finals) = try stack(input, lengths: [2], initial: [initial])
        let wantOutput = Self.expected.flatMap { Self.tiled($0.h, copies) }
        expectClose(Array(output.storage), wantOutput, tolerance: Self.tolerance, "outputs of both steps")
        expectClose(Array(finals[0].c?.storage ?? []), Self.tiled(Self.expected[1].c, copies), tolerance: Self.tolerance,
                    "final c")
    }

    @Test func peepholeTensorOfWrongShapeIsALoadErrorNamingIt() throws {
        let directory = try SafeTensorsWriter.temporaryDirectory()
        let url = directory.appendingPathComponent("model.safetensors")
        let cell = try Self.cell()
        try SafeTensorsWriter.write([("weight_ih_l0", cell.weightIH), ("weight_hh_l0", cell.weightHH),
                                     ("bias_ih_l0", cell.biasIH), ("bias_hh_l0", cell.biasHH),
                                     ("weight_peephole_l0", try Tensor(shape: [2, 3], Self.peephole))], to: url)
        let weights = try WeightStore(paths: [url.path])
        #expect(throws: ModelError.shapeMismatch(tensor: "weight_peephole_l0", expected: [6], found: [2, 3], file: url.path)) {
            try weights.torchRecurrent(.lstmPeephole, inputSize: 2, hiddenSize: 2, layers: 1, bidirectional: false)
        }
    }
}
