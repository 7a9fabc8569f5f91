import Foundation
import KotobaTensor
import Testing
@testable import KotobaModels

/// A linear layer packed in panels (a decoder's projections) keeps only the panels, as halves when it held halves,
/// and every path through it gives what the unpacked layer gives.
@Suite struct PanelLinearTests {
    @Test func packedLayerMatchesTheUnpackedOneOnEveryPath() throws {
        let (half, float) = try HalfLinearTests.layers(out: 40, in: 24, seed: 31)
        for layer in [half, float] {
            let packed = layer.packedInPanels()
            #expect(packed.isPackedInPanels)
            #expect(packed.halfWeight == nil && packed.int8Weight == nil, "the panels are the only copy")
            #expect(packed.panelWeight?.isHalves == (layer.halfWeight != nil), "halves stay halves")
            #expect(packed.weight.storage == layer.weight.storage, "unpacking gives the weights back exactly")
            // 1 row, a row tile and a half, and more rows than one row block of the kernel.
            for rows in [1, 9, 100] {
                let x = try Tensor(shape: [rows, 24],
                                   storage: ContiguousArray(HalfLinearTests.halfValues(rows * 24, seed: UInt64(rows) + 37)))
                HalfLinearTests.expectClose(try packed(x), try layer(x), "\(rows) rows")
            }
        }
    }

    /// Packing releases the checkpoint pages it copied (`HalfWeights.releaseMappedPages`); anything that still
    /// reads them (here the unpacked layer) gets them back from the file unchanged.
    @Test func releasedMappedPagesReadBackUnchanged() throws {
        let (half, float) = try HalfLinearTests.layers(out: 128, in: 256, seed: 53)  // 64 KB of halves: whole pages
        #expect(half.halfWeight?.isMapped == true)
        let packed = half.packedInPanels()
        #expect(half.weight.storage == float.weight.storage)
        #expect(packed.weight.storage == float.weight.storage)
        let x = try Tensor(shape: [3, 256], storage: ContiguousArray(HalfLinearTests.halfValues(3 * 256, seed: 59)))
        HalfLinearTests.expectClose(try half(x), try float(x), "the released layer")
        HalfLinearTests.expectClose(try packed(x), try float(x), "the packed layer")
    }

    @Test func stridedRowsGoThroughThePanels() throws {
        let (_, float) = try HalfLinearTests.layers(out: 20, in: 24, seed: 41)
        let packed = float.packedInPanels()
        let (rows, ldx) = (7, 30)
        let input = HalfLinearTests.halfValues(rows * ldx, seed: 43)
        var want = [Float](repeating: .nan, count: rows * 20)
        var got = [Float](repeating: .nan, count: rows * 20)
        float.apply(input, rows: rows, ldx: ldx, into: &want)
        packed.apply(input, rows: rows, ldx: ldx, into: &got)
        HalfLinearTests.expectClose(try Tensor(shape: [rows, 20], storage: ContiguousArray(got)),
                                    try Tensor(shape: [rows, 20], storage: ContiguousArray(want)), "strided")
    }

    @Test func int8AndAlreadyPackedLayersStayAsTheyAre() throws {
        let (_, float) = try HalfLinearTests.layers(out: 16, in: 24, seed: 47)
        let int8 = float.quantized(.int8)
        #expect(!int8.packedInPanels().isPackedInPanels)
        #expect(int8.packedInPanels().quantization == .int8)
        let packed = float.packedInPanels()
        #expect(packed.packedInPanels().weight.storage == float.weight.storage)
    }
}

/// The Marian decoder runs every step's projections on panels, so the parity suites exercise the panel kernel;
/// the encoder and the cross-attention keys and values (many rows, once per source) stay on `sgemm`.
@Suite struct MarianPanelLayoutTests {
    @Test func decoderStepProjectionsArePackedAndTheRestIsNot() throws {
        let model = try MarianFixture().model
        let decoder = model.decoder
        #expect(decoder.outputProjection.isPackedInPanels)
        for layer in decoder.layers {
            for linear in [layer.selfAttention.query, layer.selfAttention.output, layer.crossAttention.query,
                           layer.crossAttention.output, layer.fc1, layer.fc2] {
                #expect(linear.isPackedInPanels)
            }
            #expect(layer.crossAttention.keyValue?.isPackedInPanels == false)
        }
        for layer in model.encoder.layers {
            #expect(!layer.selfAttention.query.isPackedInPanels)
        }
    }
}

/// BERT's and DistilBERT's encoder layers run every projection on panels, q, k and v stacked into one, (short inputs are a few rows, and large
/// batches measured level with `sgemm`), so the parity suites exercise the panel kernel through them too.
@Suite struct EncoderPanelLayoutTests {
    private func expectPacked(_ layers: [PostNormEncoderLayer]) {
        #expect(!layers.isEmpty)
        for layer in layers {
            let attention = layer.attention, ffn = layer.feedForward
            for linear in [attention.queryKeyValue, attention.output, ffn.up, ffn.down] {
                #expect(linear.isPackedInPanels)
            }
            #expect(attention.queryKeyValue.outFeatures == 3 * attention.output.inFeatures, "q, k and v stacked")
        }
    }

    @Test func bertAndDistilBertProjectionsArePacked() throws {
        let bert = try BertModel(directory: BertFixtures.directory("bert-model"))
        expectPacked(bert.layers)
        #expect(bert.pooler?.isPackedInPanels == true)
        expectPacked(try DistilBertModel(directory: BertFixtures.directory("distilbert-model")).layers)
    }
}
