"""Pins the reference peephole LSTM (peephole_lstm.py) to its equations; a plain script with asserts.

    /opt/kotoba-venv/bin/python training/reference/test_peephole.py

The hand-computed case (HAND_* below) is shared with Swift's Tests/KotobaModelsTests/PeepholeCellTests.swift:
keep the two in step. Worked through for unit 0 of step 1:
  i pre = W_i0·x + b_ii0 + U_i0·h + b_hi0 + p_i0·c₋₁ = 0.5 + 0.1 + 0.2 + 0 + 0.5·1.0           = 1.3
  f pre = 0.2 − 0.1 + 0.5 − 0.1 + 0.25 + 1.0·1.0                                               = 1.75
  g pre = 1.0 + 0 + (0.25 − 0.25) + 0.1                                                       = 1.1
  c = σ(1.75)·1.0 + σ(1.3)·tanh(1.1) = 0.8519528 + 0.7858350·0.8004990                        = 1.4810129
  o pre = 0.3 + 0.2 + 0.1 + 0.05 + 0 − 0.5·c  (the NEW cell)                                 = −0.0905065
  h = σ(−0.0905065)·tanh(1.4810129) = 0.4773888·0.9016576                                    = 0.4304413
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peephole_lstm import PeepholeLSTM, peephole_lstm_step  # noqa: E402
from seq2seq import Seq2Seq, Seq2SeqConfig  # noqa: E402

# Input size 2, hidden size 2; gate rows i0 i1 f0 f1 g0 g1 o0 o1.
HAND_W_IH = [[0.5, 0.0], [0.0, 0.5], [0.2, 0.1], [-0.1, 0.3], [1.0, 0.0], [0.0, -1.0], [0.3, -0.2], [0.1, 0.1]]
HAND_W_HH = [[0.4, 0.0], [0.0, 0.4], [0.0, 0.2], [0.2, 0.0], [0.5, 0.5], [-0.5, 0.5], [0.1, 0.0], [0.0, -0.1]]
HAND_B_IH = [0.1, -0.1, 0.5, 0.5, 0.0, 0.0, 0.1, -0.1]
HAND_B_HH = [0.0, 0.1, 0.25, 0.25, 0.1, -0.1, 0.0, 0.0]
HAND_PEEPHOLE = [0.5, -0.25, 1.0, 0.5, -0.5, 0.75]  # p_i, p_f, p_o
HAND_INPUTS = [[1.0, -1.0], [0.5, 2.0]]  # two steps
HAND_H0, HAND_C0 = [0.5, -0.5], [1.0, -2.0]
# (h, c) after each step, to 7 decimals.
HAND_EXPECTED = [([0.4304413, -0.1955107], [1.4810129, -0.5606887]),
                 ([0.2501989, -0.2725550], [1.8474707, -1.1525090])]
# Rounding the expectations to 7 decimals costs 5e-8; float64 evaluation adds nothing visible.
TOLERANCE = 1e-7


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def scalar_step(x, h, c, output_gate_reads_new_cell=True):
    """The equations, one unit at a time, in plain floats (no torch): the independent reading of the paper."""
    hidden = len(h)

    def pre(row):
        return (sum(w * v for w, v in zip(HAND_W_IH[row], x)) + HAND_B_IH[row]
                + sum(u * v for u, v in zip(HAND_W_HH[row], h)) + HAND_B_HH[row])

    new_h, new_c = [], []
    for j in range(hidden):
        i = sigmoid(pre(j) + HAND_PEEPHOLE[j] * c[j])
        f = sigmoid(pre(hidden + j) + HAND_PEEPHOLE[hidden + j] * c[j])
        g = math.tanh(pre(2 * hidden + j))
        cell = f * c[j] + i * g
        peeked = cell if output_gate_reads_new_cell else c[j]
        o = sigmoid(pre(3 * hidden + j) + HAND_PEEPHOLE[2 * hidden + j] * peeked)
        new_h.append(o * math.tanh(cell))
        new_c.append(cell)
    return new_h, new_c


def worst(a, b) -> float:
    return max(abs(x - y) for x, y in zip(torch.as_tensor(a).flatten().tolist(), torch.as_tensor(b).flatten().tolist()))


def hand_module() -> PeepholeLSTM:
    rnn = PeepholeLSTM(2, 2).double()
    with torch.no_grad():
        for name, value in [("weight_ih_l0", HAND_W_IH), ("weight_hh_l0", HAND_W_HH), ("bias_ih_l0", HAND_B_IH),
                            ("bias_hh_l0", HAND_B_HH), ("weight_peephole_l0", HAND_PEEPHOLE)]:
            getattr(rnn, name).copy_(torch.tensor(value, dtype=torch.float64))
    return rnn


def test_scalar_equations_give_the_hand_values():
    h, c = HAND_H0, HAND_C0
    for x, (want_h, want_c) in zip(HAND_INPUTS, HAND_EXPECTED):
        h, c = scalar_step(x, h, c)
        assert worst(h, want_h) <= TOLERANCE and worst(c, want_c) <= TOLERANCE, (h, c, want_h, want_c)


def test_reference_step_and_module_give_the_hand_values():
    rnn = hand_module()
    h, c = torch.tensor([HAND_H0], dtype=torch.float64), torch.tensor([HAND_C0], dtype=torch.float64)
    for x, (want_h, want_c) in zip(HAND_INPUTS, HAND_EXPECTED):
        h, c = peephole_lstm_step(torch.tensor([x], dtype=torch.float64), h, c, *rnn.weights("l0"))
        assert worst(h, want_h) <= TOLERANCE and worst(c, want_c) <= TOLERANCE, (h, c, want_h, want_c)
    with torch.no_grad():
        out, (h_n, c_n) = rnn(torch.tensor([HAND_INPUTS], dtype=torch.float64),
                              (torch.tensor([[HAND_H0]], dtype=torch.float64), torch.tensor([[HAND_C0]], dtype=torch.float64)))
    assert worst(out[0], [h for h, _ in HAND_EXPECTED]) <= TOLERANCE, out
    assert worst(h_n, HAND_EXPECTED[-1][0]) <= TOLERANCE and worst(c_n, HAND_EXPECTED[-1][1]) <= TOLERANCE


def test_hand_case_tells_new_cell_from_previous_cell_in_output_gate():
    """The case can fail a cell whose output gate peeks at c₋₁ (a common slip): its h differs by far more than
    the tolerance."""
    h, _ = scalar_step(HAND_INPUTS[0], HAND_H0, HAND_C0, output_gate_reads_new_cell=False)
    assert worst(h, HAND_EXPECTED[0][0]) > 1e-2, h


def test_zero_peepholes_is_torch_lstm_on_a_packed_bidirectional_stack():
    """With p = 0 the cell is nn.LSTM: same parameters, packing, direction order and (h_n, c_n) layout."""
    torch.manual_seed(5)
    peephole = PeepholeLSTM(5, 11, num_layers=2, bidirectional=True)
    lstm = torch.nn.LSTM(5, 11, num_layers=2, batch_first=True, bidirectional=True)
    with torch.no_grad():
        for name, p in peephole.named_parameters():
            if name.startswith("weight_peephole"):
                p.zero_()
            else:
                p.copy_(getattr(lstm, name))
    lengths = torch.tensor([6, 2, 4])
    x = torch.randn(3, 6, 5)
    init = (torch.randn(4, 3, 11), torch.randn(4, 3, 11))
    with torch.no_grad():
        outs = []
        for rnn in (peephole, lstm):
            packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            out, (h_n, c_n) = rnn(packed, init)
            out, _ = pad_packed_sequence(out, batch_first=True, total_length=6)
            outs.append((out, h_n, c_n))
            # Unpacked input: every sequence runs all six steps.
            outs.append(rnn(x, init)[0])
    (out_p, h_p, c_p), full_p, (out_t, h_t, c_t), full_t = outs
    assert worst(out_p, out_t) <= 1e-6 and worst(h_p, h_t) <= 1e-6 and worst(c_p, c_t) <= 1e-6
    assert worst(full_p, full_t) <= 1e-6


def test_seq2seq_stores_peepholes_and_bridges_the_cell_state():
    config = Seq2SeqConfig(src_vocab_size=10, tgt_vocab_size=12, embedding_size=8, hidden_size=6,
                           cell_type="lstm_peephole", encoder_layers=2, decoder_layers=2, bidirectional_encoder=True)
    shapes = {k: list(v.shape) for k, v in Seq2Seq(config).state_dict().items()}
    assert shapes["encoder.rnn.layers.1.weight_peephole_l0"] == [18]
    assert shapes["encoder.rnn.layers.1.weight_peephole_l0_reverse"] == [18]
    assert shapes["decoder.rnn.layers.0.weight_peephole_l0"] == [18]
    assert shapes["bridge.c.weight"] == [6, 12]


if __name__ == "__main__":
    tests = [(name, fn) for name, fn in sorted(globals().items()) if name.startswith("test_") and callable(fn)]
    for name, fn in tests:
        fn()
        print(f"ok  {name}")
    print(f"{len(tests)} passed")
