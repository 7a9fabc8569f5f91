/// The recurrence a layer runs, named as Kotoba's config.json `cell_type` spells it.
///
/// PyTorch: `nn.RNN(nonlinearity: "tanh" | "relu")`, `nn.LSTM`, `nn.GRU`
/// (torch/nn/modules/rnn.py at v2.13.0; the per-gate equations are in each class's docstring). PyTorch has no
/// peephole LSTM; `lstm_peephole` follows training/reference/peephole_lstm.py.
public enum RecurrentCellKind: String, Sendable, CaseIterable, Codable {
    /// Elman RNN, `h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`.
    case rnnTanh = "rnn_tanh"
    /// Elman RNN with ReLU instead of tanh.
    case rnnRelu = "rnn_relu"
    /// LSTM, gate rows ordered i, f, g, o.
    case lstm
    /// LSTM with peephole connections (Gers & Schmidhuber 2000): `lstm` plus diagonal cell-to-gate weights.
    case lstmPeephole = "lstm_peephole"
    /// GRU, gate rows ordered r, z, n.
    case gru

    /// Number of `hidden_size` row blocks in `weight_ih` / `weight_hh`.
    public var gateCount: Int {
        switch self {
        case .rnnTanh, .rnnRelu: 1
        case .lstm, .lstmPeephole: 4
        case .gru: 3
        }
    }

    /// Whether the state carries a cell vector `c` beside `h`.
    public var hasCellState: Bool { self == .lstm || self == .lstmPeephole }

    /// Number of `hidden_size` blocks in `weight_peephole` (p_i, p_f, p_o), 0 for cells without peepholes.
    public var peepholeCount: Int { self == .lstmPeephole ? 3 : 0 }
}
