import KotobaTensor

/// Recurrent layers stacked as PyTorch's `num_layers` does (layer l reads layer l−1's concatenated outputs), with
/// optional GNMT residual connections: layer l ≥ 1 outputs `rnn_l(x) + x`
/// (Wu et al. 2016, "Google's Neural Machine Translation System", §3.1).
public struct StackedRecurrent: Sendable {
    /// Bottom layer first.
    public let layers: [RecurrentLayer]
    /// Whether layers above the first add their input to their output.
    public let residual: Bool

    /// A stack from its layers; sizes are checked by the loader.
    package init(layers: [RecurrentLayer], residual: Bool) {
        precondition(!layers.isEmpty, "empty recurrent stack")
        for (below, above) in zip(layers, layers.dropFirst()) {
            precondition(above.forward.inputSize == below.outputSize, "layer sizes do not chain")
            precondition(!residual || above.outputSize == above.forward.inputSize, "residual needs equal widths")
        }
        self.layers = layers
        self.residual = residual
    }

    /// Which recurrence the layers run.
    public var kind: RecurrentCellKind { layers[0].forward.kind }
    /// Width of the stack's output vectors.
    public var outputSize: Int { layers[layers.count - 1].outputSize }

    /// Runs a padded batch through every layer.
    ///
    /// - Parameters:
    ///   - input: `[B, T, inputSize]`; rows past `lengths[b]` are ignored.
    ///   - lengths: true length of each sequence, in `1...T` (`pack_padded_sequence` semantics: a padded step leaves
    ///     the state alone, and the backward direction starts at each sequence's end).
    ///   - initial: per-layer initial state, zeros when `nil`.
    /// - Returns: the top layer's output `[B, T, directions·H]` (zero at padding) and every layer's final state.
    public func callAsFunction(_ input: Tensor, lengths: [Int], initial: [RecurrentState]? = nil)
        throws(ModelError) -> (output: Tensor, finals: [RecurrentState]) {
        guard input.rank == 3, input.shape[2] == layers[0].forward.inputSize else {
            throw .invalidInput("recurrent input has shape \(input.shape), expected [batch, steps, \(layers[0].forward.inputSize)]")
        }
        let batch = input.shape[0], steps = input.shape[1]
        guard lengths.count == batch, lengths.allSatisfy({ $0 >= 1 && $0 <= steps }) else {
            throw .invalidInput("sequence lengths \(lengths) do not fit a batch of \(batch) × \(steps) steps")
        }
        if let initial {
            for (layer, state) in zip(layers, initial) where state.h.shape != [layer.directions, batch, layer.forward.hiddenSize] {
                throw .invalidInput("initial recurrent state \(state.h.shape) does not fit the layer")
            }
            guard initial.count == layers.count else {
                throw .invalidInput("\(initial.count) initial states for \(layers.count) layers")
            }
        }
        var x = input
        var finals: [RecurrentState] = []
        for (index, layer) in layers.enumerated() {
            var (out, final) = layer.run(x, lengths: lengths, initial: initial?[index])
            if residual && index > 0 { out.addResidual(x) }
            finals.append(final)
            x = out
        }
        return (x, finals)
    }

    /// One time step of a unidirectional stack for `rows` hypotheses: input `[rows, inputSize]`, `states` one
    /// `[1, rows, H]` state per layer (updated) → the top layer's output `[rows, H]`.
    public func step(_ input: Tensor, states: inout [RecurrentState]) -> Tensor {
        precondition(states.count == layers.count, "\(states.count) states for \(layers.count) layers")
        var x = input
        for (index, layer) in layers.enumerated() {
            var out = layer.step(x, state: &states[index])
            if residual && index > 0 { out.addResidual(x) }
            x = out
        }
        return x
    }
}

extension Tensor {
    /// Element-wise `self += other` for tensors of equal element count (residual connections).
    fileprivate mutating func addResidual(_ other: Tensor) {
        precondition(count == other.count, "add: \(shape) vs \(other.shape)")
        storage.withUnsafeMutableBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                for i in 0..<a.count { a[i] += b[i] }
            }
        }
    }
}
