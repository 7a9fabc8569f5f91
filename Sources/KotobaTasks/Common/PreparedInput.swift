/// One input tokenized once, as the model will see it: made by a task's `prepare` (which also refuses what the
/// task cannot take), carried through the service's queue, and batched by the task's `run`. Counting tokens for
/// the batch budget and encoding for the model are the same work, so it is done once.
package struct PreparedInput: Sendable, Equatable {
    /// Token ids after truncation, special tokens included.
    package let ids: [Int]
    /// Segment ids (0 for the first text, 1 for a pair's second), as long as `ids`; empty where the model has
    /// no segments (translation sources).
    let typeIds: [Int]
    /// How the input fared: tokens the model sees and tokens truncation removed.
    package let report: InputReport

    /// Tokens the model sees: what the input costs in a padded batch.
    package var tokenCount: Int { ids.count }
}

extension PreparedInput {
    /// `prepare` applied to each of `inputs` in order, an error naming the input it concerns ("input 2: ...");
    /// an empty list is refused. What every task's text-taking `run` does before its batch.
    static func each<Input>(_ inputs: [Input],
                            _ prepare: (Input) throws(TaskError) -> PreparedInput) throws(TaskError) -> [PreparedInput] {
        guard !inputs.isEmpty else { throw .invalidInput("no inputs") }
        var prepared: [PreparedInput] = []
        prepared.reserveCapacity(inputs.count)
        for (index, input) in inputs.enumerated() {
            do { prepared.append(try prepare(input)) } catch { throw error.naming(input: index) }
        }
        return prepared
    }
}
