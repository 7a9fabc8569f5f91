import Foundation
import Testing
import KotobaTensor
@testable import KotobaModels

/// Models loaded with `Quantization.int8` against transformers' float outputs on the parity fixtures: close (the
/// quantization error, not a bug, separates them), with the layers that should be int8 holding int8 and the heads
/// holding their checkpoint weights.
@Suite struct Int8ModelTests {
    /// Relative RMS difference ‖a − b‖ / ‖b‖.
    private func relativeError(_ actual: [Float], _ expected: [Float]) -> Double {
        var error = 0.0, energy = 0.0
        for (a, e) in zip(actual, expected) {
            error += Double(a - e) * Double(a - e)
            energy += Double(e) * Double(e)
        }
        return (error / max(energy, .leastNonzeroMagnitude)).squareRoot()
    }

    /// Every output within 15% relative RMS of transformers. fp32 matches it within 1e-4, so what is left is the
    /// quantization: the fixtures are 32 wide, so each product sums only 32 or 64 terms (1–2% error, not the 1% of
    /// a 768-wide one) and six of them compound per layer; measured 2–10%. A wiring mistake (a wrong scale, a
    /// dropped bias or zero point, a transposed weight) is off by 50% or more. Accuracy on real checkpoints is
    /// measured by bench/int8 (SST-2, MLM top-5, BLEU), not here.
    @Test(arguments: ["bert-mlm", "bert-classifier", "bert-pretraining", "distilbert-mlm", "distilbert-classifier"])
    func encoderOutputsStayCloseToTransformers(_ name: String) throws {
        let directory = BertFixtures.directory(name)
        for reference in try BertFixtures.reference(name) {
            var inputs = reference.inputs
            if name.hasPrefix("distilbert") { inputs["token_type_ids"] = nil }
            let batch = try BertFixtures.batch(inputs)
            let outputs: [String: Tensor] = switch name {
            case "bert-mlm": ["logits": try BertForMaskedLM(directory: directory, quantization: .int8)(batch)]
            case "bert-classifier": ["logits": try BertForSequenceClassification(directory: directory, quantization: .int8)(batch)]
            case "bert-pretraining":
                try {
                    let out = try BertForPreTraining(directory: directory, quantization: .int8)(batch)
                    return ["prediction_logits": out.predictionLogits, "seq_relationship_logits": out.seqRelationshipLogits]
                }()
            case "distilbert-mlm": ["logits": try DistilBertForMaskedLM(directory: directory, quantization: .int8)(batch)]
            default: ["logits": try DistilBertForSequenceClassification(directory: directory, quantization: .int8)(batch)]
            }
            for (key, expected) in reference.outputs {
                guard let array = expected.array, let actual = outputs[key] else { continue }
                let error = relativeError(Array(actual.storage), array.data)
                #expect(error < 0.15, "\(name) \(reference.name) \(key): relative RMS error \(error)")
                #expect(error > 0, "\(name) \(reference.name) \(key): identical to fp32, so int8 did not run")
            }
        }
    }

    @Test func encoderLayersAreInt8AndHeadsKeepTheirPrecision() throws {
        let model = try BertForSequenceClassification(directory: BertFixtures.directory("bert-classifier"),
                                                      quantization: .int8)
        for layer in model.bert.layers {
            let linears = [layer.attention.queryKeyValue, layer.attention.output, layer.feedForward.up,
                           layer.feedForward.down]
            #expect(linears.allSatisfy { $0.quantization == .int8 })
        }
        #expect(model.classifier.quantization == Quantization.none)
        let pooler = try #require(model.bert.pooler)
        #expect(pooler.quantization == Quantization.none)
    }

    /// Marian with int8 projections: encoder states and teacher-forced logits close to transformers, and the
    /// stacked q/k/v quantized as one.
    @Test func marianStaysCloseToTransformers() throws {
        let fixture = try MarianFixture()
        let model = try MarianMTModel(directory: MarianFixture.directory, quantization: .int8)
        let encoded = try model.encode(fixture.sources)
        let hidden = fixture.references.encoder_hidden.flatMap { $0.flatMap { $0 } }
        let hiddenError = relativeError(Array(encoded.hidden), hidden)
        #expect(hiddenError < 0.15 && hiddenError > 0, "encoder relative RMS error \(hiddenError)")
        let logits = try model.decoder.logits(targets: fixture.references.decoder_input_ids, encoded: encoded)
        let expected = fixture.references.decoder_logits.flatMap { $0.flatMap { $0 } }
        let logitsError = relativeError(Array(logits.storage), expected)
        #expect(logitsError < 0.15 && logitsError > 0, "decoder logits relative RMS error \(logitsError)")
    }

    /// Stacking int8 projections gives the layer that quantizing their float stack gives.
    @Test func stackedInt8PartsEqualTheQuantizedStack() throws {
        func part(_ seed: Float) throws -> Linear {
            Linear(weight: try Tensor(shape: [24, 20], storage: ContiguousArray((0..<480).map { sin(Float($0) * seed) })),
                   bias: try Tensor(shape: [24], storage: ContiguousArray((0..<24).map { Float($0) * 0.01 })))
        }
        let parts = try [part(0.37), part(1.13), part(2.9)]
        let fromInt8 = Linear(stacking: parts.map { $0.quantized(.int8) })
        let fromFloat = Linear(stacking: parts).quantized(.int8)
        #expect(fromInt8.quantization == .int8 && fromFloat.quantization == .int8)
        let x = try Tensor(shape: [5, 20], storage: ContiguousArray((0..<100).map { cos(Float($0) * 0.7) }))
        let (a, b) = (try fromInt8(x), try fromFloat(x))
        let worst = zip(a.storage, b.storage).map { abs($0 - $1) }.max() ?? .nan
        #expect(worst <= 1e-5, "worst difference \(worst)")
    }
}
