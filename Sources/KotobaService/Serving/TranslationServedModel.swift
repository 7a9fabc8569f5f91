import Foundation
import KotobaTasks

/// Translation over a Marian or recurrent checkpoint; decoding stops when nobody waits for any input of its group.
struct TranslationModel: ServedModel {
    typealias Item = PreparedItem<TranslationOptions>

    static let task = "translation"
    let model: TranslationTask
    let metadata: ModelMetadata

    init(directory: URL, facts: CheckpointFacts, quantization: Quantization = .none) throws {
        model = try TranslationTask.load(directory: directory, quantization: quantization)
        metadata = ModelMetadata(facts, maxInputTokens: model.maxInputTokens, quantization: quantization)
    }

    func runBatch(_ items: [Item], isCancelled: @escaping @Sendable (Int) -> Bool) -> [Result<TranslationResult, any Error>] {
        GroupedRun.run(items, key: \.options, isCancelled: isCancelled) { group, groupCancelled in
            try model.run(group.map(\.input), options: group[0].options, isCancelled: groupCancelled)
        }
    }
}
