import Foundation
import Testing
@testable import KotobaModels
import KotobaTensor

/// torch.nn.RNN / LSTM / GRU, and the reference PeepholeLSTM (2 layers, bidirectional, packed padding), against
/// Swift's Recurrent/ layers. Fixtures: training/fixtures/seq2seq.py `recurrent_fixtures`.
@Suite struct RecurrentParityTests {
    @Test(arguments: RecurrentCellKind.allCases)
    func stackMatchesTorchModuleOnPackedBatch(kind: RecurrentCellKind) throws {
        let name = "recurrent/\(kind.rawValue)"
        let reference = try Seq2SeqFixtures.reference(name)
        let batch = try #require(reference["batch"] as? Int), steps = try #require(reference["steps"] as? Int)
        let inputSize = try #require(reference["input_size"] as? Int), hidden = try #require(reference["hidden_size"] as? Int)
        let weights = try WeightStore(paths: [Seq2SeqFixtures.directory(name).appendingPathComponent("model.safetensors").path])
        let rnn = try weights.torchRecurrent(kind, inputSize: inputSize, hiddenSize: hidden, layers: 2, bidirectional: true)
        let input = try Tensor(shape: [batch, steps, inputSize], floats(reference["input"]))
        let (output, finals) = try rnn(input, lengths: try ints(reference["lengths"]))
        #expect(output.shape == [batch, steps, 2 * hidden])
        let worstOut = expectClose(Array(output.storage), try floats(reference["output"]), tolerance: 1e-5, "\(name) output")
        // torch's h_n is [layers · directions, B, H]: the per-layer finals, concatenated.
        let hN = finals.flatMap { Array($0.h.storage) }
        let worstH = expectClose(hN, try floats(reference["h_n"]), tolerance: 1e-5, "\(name) h_n")
        if kind.hasCellState {
            let cN = finals.flatMap { Array($0.c?.storage ?? []) }
            expectClose(cN, try floats(reference["c_n"]), tolerance: 1e-5, "\(name) c_n")
        }
        print("recurrent \(kind.rawValue): worst |Δ| output \(worstOut), h_n \(worstH)")
    }

    @Test func paddedStepsLeaveOutputsZeroAndStateUnchanged() throws {
        let reference = try Seq2SeqFixtures.reference("recurrent/gru")
        let weights = try WeightStore(paths: [Seq2SeqFixtures.directory("recurrent/gru").appendingPathComponent("model.safetensors").path])
        let rnn = try weights.torchRecurrent(.gru, inputSize: 5, hiddenSize: 11, layers: 2, bidirectional: true)
        let input = try Tensor(shape: [3, 6, 5], floats(reference["input"]))
        let lengths = try ints(reference["lengths"])
        // Garbage in the padding must not change anything (packed semantics, not masking after the fact).
        var noisy = input
        for b in 0..<3 { for t in lengths[b]..<6 { for j in 0..<5 { noisy[b, t, j] = Float(100 + t * j) } } }
        let (clean, cleanFinals) = try rnn(input, lengths: lengths)
        let (dirty, dirtyFinals) = try rnn(noisy, lengths: lengths)
        #expect(clean == dirty)
        #expect(cleanFinals == dirtyFinals)
        for b in 0..<3 { for t in lengths[b]..<6 { for j in 0..<22 { #expect(clean[b, t, j] == 0) } } }
    }

    @Test func rejectsLengthsThatDoNotFitTheBatch() throws {
        let weights = try WeightStore(paths: [Seq2SeqFixtures.directory("recurrent/lstm").appendingPathComponent("model.safetensors").path])
        let rnn = try weights.torchRecurrent(.lstm, inputSize: 5, hiddenSize: 11, layers: 2, bidirectional: true)
        let input = Tensor(shape: [3, 6, 5])
        #expect(throws: ModelError.self) { try rnn(input, lengths: [6, 0, 4]) }
        #expect(throws: ModelError.self) { try rnn(input, lengths: [7, 2, 4]) }
        #expect(throws: ModelError.self) { try rnn(input, lengths: [6, 2]) }
    }

    @Test func wrongLayerSizeIsAShapeErrorNamingTheTensor() throws {
        let weights = try WeightStore(paths: [Seq2SeqFixtures.directory("recurrent/lstm").appendingPathComponent("model.safetensors").path])
        #expect(throws: ModelError.shapeMismatch(tensor: "weight_ih_l0", expected: [44, 6], found: [44, 5],
                                                 file: Seq2SeqFixtures.directory("recurrent/lstm").appendingPathComponent("model.safetensors").path)) {
            try weights.torchRecurrent(.lstm, inputSize: 6, hiddenSize: 11, layers: 2, bidirectional: true)
        }
    }
}
