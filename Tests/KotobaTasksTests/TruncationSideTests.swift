import Foundation
import KotobaTokenizers
import Testing
@testable import KotobaTasks

/// `truncation_side` "left" through the tasks: the model sees the ids the tokenizer's own left truncation gives.
@Suite struct TruncationSideTests {
    static let long = "[MASK] " + String(repeating: "the cat sat on the mat. ", count: 8) + "a [MASK]"

    @Test func leftTruncationFeedsTheTokenizersLeftTruncatedIds() throws {
        let task = try FillMaskTask.load(directory: BertTaskFixtures.model("bert-mlm"))
        let encoder = task.encoder
        for side in TruncationSide.allCases {
            let direction: Truncation.Direction = side == .left ? .left : .right
            let expected = try encoder.tokenizer.encode(Self.long, pair: nil, addSpecialTokens: true,
                                                        truncation: Truncation(maxLength: encoder.maxLength, direction: direction))
            let input = try encoder.prepare(Self.long, truncate: true, side: side)
            let batch = try encoder.batch([input])
            #expect(input.ids == expected.ids, "\(side)")
            #expect(Array(batch.ids.prefix(input.ids.count)) == expected.ids, "\(side)")
            #expect(input.report.truncated)
        }
        let left = try encoder.prepare(Self.long, truncate: true, side: .left).ids
        let right = try encoder.prepare(Self.long, truncate: true, side: .right).ids
        #expect(left != right)
        // Special tokens survive either cut: [CLS] first, [SEP] last.
        #expect(left.first == right.first && left.last == right.last)
    }

    @Test func fillMaskKeepsTheMaskOnTheSideThatSurvives() throws {
        let task = try FillMaskTask.load(directory: BertTaskFixtures.model("bert-mlm"))
        let tailMask = String(repeating: "the cat sat on the mat. ", count: 8) + "a [MASK]"
        let left = try task.run([tailMask], options: FillMaskOptions(truncate: true, side: .left))[0]
        #expect(left.input.truncated && left.masks.count == 1)
        #expect(throws: TaskError.invalidInput("input 0: no [MASK] token left after truncation to 40 tokens")) {
            try task.run([tailMask], options: FillMaskOptions(truncate: true, side: .right))
        }
        let both = try task.run([Self.long], options: FillMaskOptions(truncate: true, side: .left))[0]
        #expect(both.masks.count == 1)   // the leading mask is cut away, the trailing one kept
    }

    @Test func classificationScoresTheLeftTruncatedInput() throws {
        let task = try TextClassificationTask.load(directory: BertTaskFixtures.model("bert-classifier"))
        let left = try task.run([Self.long], options: TextClassificationOptions(side: .left))[0]
        let right = try task.run([Self.long], options: TextClassificationOptions(side: .right))[0]
        #expect(left.input == right.input && left.input.truncated)
        #expect(left.labels.map(\.score) != right.labels.map(\.score))
    }

    @Test func translationCutsTheSourceOnEitherSideKeepingEOS() throws {
        let task = try TranslationTask.load(directory: TranslationTaskTests.directory)
        let long = Array(repeating: "Tom is here.", count: 40).joined(separator: " ")
        let options = TranslationOptions(maxNewTokens: 4, truncate: true, side: .left)
        let cut = try task.run([long], options: options)[0]
        #expect(cut.input.truncated && cut.input.inputTokens == task.maxInputTokens)
        // Left truncation keeps the end, so text put in front of the source changes nothing.
        let prefixed = try task.run(["Where is Mary? " + long], options: options)[0]
        #expect(prefixed.translations.map(\.tokens) == cut.translations.map(\.tokens))
        #expect(prefixed.input.inputTokens == cut.input.inputTokens)
    }
}
