import Foundation
import KotobaTasks

/// Translation over a Marian checkpoint; decoding stops when nobody waits for any input of its group.
struct TranslationModel: ServedModel {
    struct Item: Sendable {
        var text: String
        var options: TranslationOptions
    }

    static let task = "translation"
    let model: TranslationTask
    let metadata: ModelMetadata

    init(directory: URL, facts: CheckpointFacts) throws {
        model = try TranslationTask.load(directory: directory)
        metadata = ModelMetadata(facts, maxInputTokens: model.maxInputTokens)
    }

    var maxInputTokens: Int { model.maxInputTokens }

    func tokenCount(_ text: String, pair: String?) throws(TaskError) -> Int {
        guard pair == nil else { throw .invalidInput("translation takes no text pairs") }
        return model.tokenCount(text)
    }

    func runBatch(_ items: [Item], isCancelled: @escaping @Sendable (Int) -> Bool) -> [Result<TranslationResult, any Error>] {
        GroupedRun.run(items, key: \.options, isCancelled: isCancelled) { group, groupCancelled in
            try model.run(group.map(\.text), options: group[0].options, isCancelled: groupCancelled)
        }
    }
}
