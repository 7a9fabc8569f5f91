import KotobaTensor

extension WeightStore {
    /// One direction of a PyTorch recurrent layer at this scope: `weight_ih_{suffix}`, `weight_hh_{suffix}`,
    /// `bias_ih_{suffix}`, `bias_hh_{suffix}`, for instance `suffix` `"l1_reverse"`, and for `lstm_peephole`
    /// `weight_peephole_{suffix}` `[3·H]` (training/reference/peephole_lstm.py).
    public func recurrentCell(_ kind: RecurrentCellKind, suffix: String, inputSize: Int, hiddenSize: Int)
        throws(ModelError) -> RecurrentCell {
        let gates = kind.gateCount * hiddenSize
        let peephole = kind.peepholeCount > 0
            ? try tensor("weight_peephole_" + suffix, shape: [kind.peepholeCount * hiddenSize]) : nil
        return RecurrentCell(kind: kind,
                             weightIH: try tensor("weight_ih_" + suffix, shape: [gates, inputSize]),
                             weightHH: try tensor("weight_hh_" + suffix, shape: [gates, hiddenSize]),
                             biasIH: try tensor("bias_ih_" + suffix, shape: [gates]),
                             biasHH: try tensor("bias_hh_" + suffix, shape: [gates]),
                             peephole: peephole)
    }

    /// A PyTorch `nn.RNN` / `nn.LSTM` / `nn.GRU` module (or the reference `PeepholeLSTM`) with `num_layers` layers at
    /// this scope, keys as its own `state_dict` spells them (`weight_ih_l{k}`, `…_l{k}_reverse`).
    public func torchRecurrent(_ kind: RecurrentCellKind, inputSize: Int, hiddenSize: Int, layers: Int,
                               bidirectional: Bool, residual: Bool = false) throws(ModelError) -> StackedRecurrent {
        var stack: [RecurrentLayer] = []
        for k in 0..<layers {
            let width = k == 0 ? inputSize : hiddenSize * (bidirectional ? 2 : 1)
            let forward = try recurrentCell(kind, suffix: "l\(k)", inputSize: width, hiddenSize: hiddenSize)
            let backward = bidirectional
                ? try recurrentCell(kind, suffix: "l\(k)_reverse", inputSize: width, hiddenSize: hiddenSize) : nil
            stack.append(RecurrentLayer(forward: forward, backward: backward))
        }
        return StackedRecurrent(layers: stack, residual: residual)
    }

    /// Kotoba's seq2seq layout: `layers.{l}` each a one-layer torch module (`layers.{l}.weight_ih_l0`, …), which is
    /// how the reference puts residual connections between layers (training/reference/seq2seq.py `StackedRNN`).
    public func layeredRecurrent(_ kind: RecurrentCellKind, inputSize: Int, hiddenSize: Int, layers: Int,
                                 bidirectional: Bool, residual: Bool) throws(ModelError) -> StackedRecurrent {
        var stack: [RecurrentLayer] = []
        for l in 0..<layers {
            let width = l == 0 ? inputSize : hiddenSize * (bidirectional ? 2 : 1)
            stack += try scoped("layers.\(l)").torchRecurrent(kind, inputSize: width, hiddenSize: hiddenSize,
                                                               layers: 1, bidirectional: bidirectional).layers
        }
        return StackedRecurrent(layers: stack, residual: residual)
    }
}
