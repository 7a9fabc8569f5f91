import Foundation
import KotobaTasks

/// A loaded model that answers one task's requests in batches.
///
/// Each request's inputs are tokenized once, by the task's `prepare` on the preparation queue (which also
/// refuses what the task cannot take, before anything waits in a queue); the queue items carry those prepared
/// inputs, and `runBatch` hands whole batches of them to the task on the inference pool.
protocol ServedModel: LoadedModel {
    associatedtype Item: Sendable
    associatedtype Output: Sendable
    /// The task name as the configuration's `models[].task` spells it.
    static var task: String { get }
    /// One result per item, in order; `isCancelled(i)` turns true once nobody waits for item `i`.
    func runBatch(_ items: [Item], isCancelled: @escaping @Sendable (Int) -> Bool) -> [Result<Output, any Error>]
}

/// A queue item: one prepared input and the request's options, which decide what it may be batched with.
struct PreparedItem<Options: Sendable & Equatable>: Sendable {
    var input: PreparedInput
    var options: Options
}

/// Running a batch whose requests may carry different options.
enum GroupedRun {
    /// Runs `items` in groups of equal `key` (one call each, first-seen order), since a task call takes one set
    /// of options. A group whose call throws is retried item by item, so an input the task refuses (a mask
    /// lost to truncation) fails its own request and not the others it happened to be batched with.
    /// `body`'s second argument turns true once nobody waits for any item of its group.
    static func run<Item, Key: Equatable, Output>(
        _ items: [Item], key: (Item) -> Key, isCancelled: @escaping @Sendable (Int) -> Bool,
        _ body: ([Item], _ groupCancelled: @escaping @Sendable () -> Bool) throws -> [Output]
    ) -> [Result<Output, any Error>] {
        var results = [Result<Output, any Error>?](repeating: nil, count: items.count)
        var keys: [Key] = []
        for item in items where !keys.contains(key(item)) { keys.append(key(item)) }
        for groupKey in keys {
            let indices = items.indices.filter { key(items[$0]) == groupKey && !isCancelled($0) }
            guard !indices.isEmpty else { continue }
            let groupCancelled: @Sendable () -> Bool = { indices.allSatisfy(isCancelled) }
            do {
                let outputs = try body(indices.map { items[$0] }, groupCancelled)
                guard outputs.count == indices.count else {
                    throw ResultCountMismatch(returned: outputs.count, expected: indices.count)
                }
                for (index, output) in zip(indices, outputs) { results[index] = .success(output) }
            } catch {
                for index in indices {
                    results[index] = Result { () throws -> Output in
                        guard let only = try body([items[index]], { isCancelled(index) }).first else {
                            throw ResultCountMismatch(returned: 0, expected: 1)
                        }
                        return only
                    }
                }
            }
        }
        return results.map { $0 ?? .failure(TaskError.cancelled) }
    }
}

/// A task broke its contract of one result per input: ours, so the batcher answers 500, not 422.
struct ResultCountMismatch: Error, CustomStringConvertible {
    var returned: Int
    var expected: Int
    var description: String { "the task returned \(returned) results for \(expected) inputs" }
}

/// A loader for one task: reads the checkpoint's facts, then builds the served model; it can also answer one
/// request body against a model it loaded, as the task's endpoint would (for the command-line task commands).
struct TaskModelLoader: ModelLoader {
    let build: @Sendable (URL, CheckpointFacts, Quantization) throws -> any LoadedModel
    let respond: @Sendable (_ body: [UInt8], _ model: any LoadedModel, _ name: String) throws(APIError) -> [UInt8]

    func load(_ spec: ModelSpec) throws -> any LoadedModel {
        let directory = URL(fileURLWithPath: spec.path)
        return try build(directory, try CheckpointFacts.read(directory: directory), spec.quantization)
    }
}

extension TaskModelLoader {
    /// Loads a model with `make`, then runs the directory's golden self-check through the endpoint's own `call`.
    static func selfChecked<Model: ServedModel, Parsed: Sendable>(
        _ make: @escaping @Sendable (URL, CheckpointFacts, Quantization) throws -> Model, _ call: TaskCall<Model, Parsed>
    ) -> TaskModelLoader {
        TaskModelLoader(build: { directory, facts, quantization in
            let model = try make(directory, facts, quantization)
            try GoldenCheck.run(call, model: model, directory: directory)
            return model
        }, respond: { body, loaded, name throws(APIError) in
            guard let model = loaded as? Model else { throw .internalError("\(name) is not a \(Model.task) model") }
            return try call.respond(to: body, model: model, name: name)
        })
    }
}

extension ModelMetadata {
    init(_ facts: CheckpointFacts, maxInputTokens: Int, labels: [String]? = nil, quantization: Quantization) {
        self.init(architecture: facts.architecture, parameterCount: facts.parameterCount,
                  maxInputTokens: maxInputTokens, weightsSHA256: facts.weightsSHA256, labels: labels)
        attentionHeads = facts.attentionHeads
        self.quantization = quantization
    }
}
