"""LSTM with peephole connections, in PyTorch (which has none), for Kotoba's `cell_type: "lstm_peephole"`.

Paper: Gers, Schmidhuber 2000, "Recurrent Nets that Time and Count" (IJCNN), §2: the gates see the cell state
through diagonal ("peephole") weights; the input and forget gates the previous cell, the output gate the new one:

    i  = σ(W_i x + b_ii + U_i h₋₁ + b_hi + p_i ⊙ c₋₁)
    f  = σ(W_f x + b_if + U_f h₋₁ + b_hf + p_f ⊙ c₋₁)
    g  = tanh(W_g x + b_ig + U_g h₋₁ + b_hg)
    c  = f ⊙ c₋₁ + i ⊙ g
    o  = σ(W_o x + b_io + U_o h₋₁ + b_ho + p_o ⊙ c)
    h  = o ⊙ tanh(c)

Everything but the peepholes is `nn.LSTM`'s (torch/nn/modules/rnn.py at v2.13.0): the same parameters, names,
gate order (i, f, g, o), initialisation, `batch_first` layout, packed-sequence semantics and `(h_n, c_n)` layout,
so with `p = 0` it computes exactly what `nn.LSTM` does. Each direction of each layer adds one parameter,
`weight_peephole_l{k}` (`_reverse` for the backward direction), `[3·H]` holding p_i, p_f, p_o in that order.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence


def peephole_lstm_step(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh, weight_peephole):
    """One step for a batch: x [B, in], h and c [B, H] → new (h, c), each [B, H]."""
    gates = x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh
    i, f, g, o = gates.chunk(4, dim=1)
    p_i, p_f, p_o = weight_peephole.chunk(3)
    i = torch.sigmoid(i + p_i * c)
    f = torch.sigmoid(f + p_f * c)
    c = f * c + i * torch.tanh(g)
    o = torch.sigmoid(o + p_o * c)  # the output gate peeks at the new cell
    return o * torch.tanh(c), c


class PeepholeLSTM(nn.Module):
    """Drop-in for `nn.LSTM(input_size, hidden_size, num_layers, batch_first=True, bidirectional=…)` with
    peephole connections. Accepts a padded batch or a `PackedSequence`, returns the same kind."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, batch_first: bool = True,
                 bidirectional: bool = False):
        super().__init__()
        if not batch_first:
            raise ValueError("PeepholeLSTM is batch_first only, as Kotoba's reference uses it")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bidirectional = bidirectional
        self.directions = 2 if bidirectional else 1
        self.suffixes = []  # per layer, per direction: "l0", "l0_reverse", …
        for layer in range(num_layers):
            width = input_size if layer == 0 else hidden_size * self.directions
            row = []
            for direction in range(self.directions):
                suffix = f"l{layer}" + ("_reverse" if direction else "")
                setattr(self, f"weight_ih_{suffix}", nn.Parameter(torch.empty(4 * hidden_size, width)))
                setattr(self, f"weight_hh_{suffix}", nn.Parameter(torch.empty(4 * hidden_size, hidden_size)))
                setattr(self, f"bias_ih_{suffix}", nn.Parameter(torch.empty(4 * hidden_size)))
                setattr(self, f"bias_hh_{suffix}", nn.Parameter(torch.empty(4 * hidden_size)))
                setattr(self, f"weight_peephole_{suffix}", nn.Parameter(torch.empty(3 * hidden_size)))
                row.append(suffix)
            self.suffixes.append(row)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """nn.LSTM's initialisation, peepholes included: uniform(−1/√H, 1/√H)."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def weights(self, suffix: str):
        return tuple(getattr(self, f"{name}_{suffix}")
                     for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_peephole"))

    def forward(self, input, hx=None):
        """input [B, T, in] or a PackedSequence of it; hx None or (h_0, c_0), each [layers·directions, B, H].
        Returns (output [B, T, directions·H] or packed, (h_n, c_n)); h_n, c_n are taken at each sequence's
        true end, and the backward direction starts there (pack_padded_sequence semantics)."""
        packed = isinstance(input, PackedSequence)
        if packed:
            x, lengths = pad_packed_sequence(input, batch_first=True)
        else:
            x = input
            lengths = torch.full((x.shape[0],), x.shape[1], dtype=torch.long)
        batch, steps = x.shape[0], x.shape[1]
        if hx is None:
            zeros = x.new_zeros(self.num_layers * self.directions, batch, self.hidden_size)
            hx = (zeros, zeros)
        # live[t] [B, 1]: whether step t is inside the sequence; outside it the state is carried unchanged.
        live = (torch.arange(steps)[:, None] < lengths[None, :]).unsqueeze(-1).to(x.device)
        h_n, c_n = [], []
        for layer, suffixes in enumerate(self.suffixes):
            outputs = []
            for direction, suffix in enumerate(suffixes):
                k = layer * self.directions + direction
                h, c = hx[0][k], hx[1][k]
                out = x.new_zeros(batch, steps, self.hidden_size)
                order = range(steps) if direction == 0 else reversed(range(steps))
                for t in order:
                    h_new, c_new = peephole_lstm_step(x[:, t], h, c, *self.weights(suffix))
                    h = torch.where(live[t], h_new, h)
                    c = torch.where(live[t], c_new, c)
                    out[:, t] = torch.where(live[t], h, torch.zeros_like(h))
                outputs.append(out)
                h_n.append(h)
                c_n.append(c)
            x = torch.cat(outputs, dim=-1)
        final = (torch.stack(h_n), torch.stack(c_n))
        if packed:
            x = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        return x, final
