"""Kotoba's reference RNN encoder–decoder with attention, in PyTorch.

The same module the training scripts use and the parity fixtures are generated from; Swift's
KotobaModels/Seq2Seq must reproduce it. The file format (config.json keys, state_dict names) is
documented in SEQ2SEQ_FORMAT.md beside this file.

Papers:
- Bahdanau, Cho, Bengio 2015, "Neural Machine Translation by Jointly Learning to Align and Translate",
  appendix A.1.2 (additive score vᵀ tanh(W q + U k)).
- Luong, Pham, Manning 2015, "Effective Approaches to Attention-based Neural Machine Translation",
  §3.1 (dot / general scores, attentional vector h̃ = tanh(W_c [c; h]), eq. 5) and §3.3 (input feeding).
- Vaswani et al. 2017, "Attention Is All You Need", §3.2.1 (scaled dot product).
- Wu et al. 2016, "Google's Neural Machine Translation System", §3.1 (residual connections between stacked
  recurrent layers).
- Gers, Schmidhuber 2000, "Recurrent Nets that Time and Count", §2 (the `lstm_peephole` cell, peephole_lstm.py).

Structure (the decoder is Luong's for every score function, as OpenNMT-py's global attention is):
attention is computed from the top decoder layer's output at step t, not from the previous state.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from peephole_lstm import PeepholeLSTM

MODEL_TYPE = "kotoba-seq2seq"
CELL_TYPES = ("rnn_tanh", "rnn_relu", "lstm", "lstm_peephole", "gru")
CELL_STATE_TYPES = ("lstm", "lstm_peephole")  # states are (h, c) pairs
ATTENTION_TYPES = ("bahdanau", "luong_dot", "luong_general", "scaled_dot")


@dataclass
class Seq2SeqConfig:
    """Every key of config.json; see SEQ2SEQ_FORMAT.md."""

    src_vocab_size: int
    tgt_vocab_size: int
    embedding_size: int = 32
    hidden_size: int = 32
    cell_type: str = "lstm"
    encoder_layers: int = 1
    decoder_layers: int = 1
    bidirectional_encoder: bool = False
    attention_type: str = "luong_general"
    attention_size: int | None = None
    input_feeding: bool = True
    tie_embeddings: bool = False
    residual: bool = False
    dropout: float = 0.0
    pad_token_id: int = 0
    bos_token_id: int = 1
    eos_token_id: int = 2
    unk_token_id: int = 3
    decoder_start_token_id: int = 1
    max_length: int = 64
    model_type: str = MODEL_TYPE

    def __post_init__(self):
        if self.model_type != MODEL_TYPE:
            raise ValueError(f"model_type must be {MODEL_TYPE!r}, got {self.model_type!r}")
        if self.cell_type not in CELL_TYPES:
            raise ValueError(f"cell_type {self.cell_type!r} not in {CELL_TYPES}")
        if self.attention_type not in ATTENTION_TYPES:
            raise ValueError(f"attention_type {self.attention_type!r} not in {ATTENTION_TYPES}")
        if self.encoder_layers != self.decoder_layers:
            raise ValueError("encoder_layers must equal decoder_layers: decoder layer l starts from encoder layer l")
        if self.attention_type in ("luong_dot", "scaled_dot") and self.memory_size != self.hidden_size:
            raise ValueError(f"{self.attention_type} needs memory size == hidden_size (use a unidirectional encoder)")
        if self.tie_embeddings and self.embedding_size != self.hidden_size:
            raise ValueError("tie_embeddings needs embedding_size == hidden_size")
        if self.attention_size is None:
            self.attention_size = self.hidden_size

    @property
    def memory_size(self) -> int:
        """Width of the encoder outputs the decoder attends to."""
        return self.hidden_size * (2 if self.bidirectional_encoder else 1)

    @classmethod
    def from_json(cls, path: str | Path) -> "Seq2SeqConfig":
        raw = json.loads(Path(path).read_text())
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})

    def to_json(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n")


def make_rnn(cell_type: str, input_size: int, hidden_size: int, bidirectional: bool) -> nn.RNNBase:
    """One recurrent layer; stacking is done by `StackedRNN` so residual connections can sit between layers."""
    common = dict(input_size=input_size, hidden_size=hidden_size, num_layers=1, batch_first=True,
                  bidirectional=bidirectional)
    if cell_type == "lstm":
        return nn.LSTM(**common)
    if cell_type == "lstm_peephole":
        return PeepholeLSTM(**common)
    if cell_type == "gru":
        return nn.GRU(**common)
    return nn.RNN(nonlinearity=cell_type.removeprefix("rnn_"), **common)


class StackedRNN(nn.Module):
    """`layers` single-layer RNNs; layer l ≥ 1 adds its input to its output when `residual` (GNMT §3.1)."""

    def __init__(self, cell_type, input_size, hidden_size, num_layers, bidirectional, residual, dropout):
        super().__init__()
        directions = 2 if bidirectional else 1
        self.is_lstm = cell_type in CELL_STATE_TYPES
        self.residual = residual
        self.dropout = nn.Dropout(dropout)
        self.layers = nn.ModuleList(
            make_rnn(cell_type, input_size if i == 0 else hidden_size * directions, hidden_size, bidirectional)
            for i in range(num_layers))

    def forward(self, x, lengths=None, state=None):
        """x [B, T, in]; lengths [B] (packed-sequence semantics) or None; state: per-layer h or (h, c), each
        [directions, B, H]. Returns outputs [B, T, directions·H] (zero at padding) and per-layer final states."""
        finals = []
        for i, rnn in enumerate(self.layers):
            layer_in = x if i == 0 else self.dropout(x)
            init = None if state is None else state[i]
            if lengths is not None:
                packed = pack_padded_sequence(layer_in, lengths.cpu(), batch_first=True, enforce_sorted=False)
                out, final = rnn(packed, init)
                out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
            else:
                out, final = rnn(layer_in, init)
            x = out + x if (self.residual and i > 0) else out
            finals.append(final)
        return x, finals


class Encoder(nn.Module):
    """Embedding → stacked (bi)directional RNN over the padded source batch."""

    def __init__(self, c: Seq2SeqConfig):
        super().__init__()
        self.embedding = nn.Embedding(c.src_vocab_size, c.embedding_size, padding_idx=c.pad_token_id)
        self.dropout = nn.Dropout(c.dropout)
        self.rnn = StackedRNN(c.cell_type, c.embedding_size, c.hidden_size, c.encoder_layers,
                              c.bidirectional_encoder, c.residual, c.dropout)

    def forward(self, src, lengths):
        """src [B, S] token ids, lengths [B] → memory [B, S, M] (zero at padding), per-layer final states."""
        return self.rnn(self.dropout(self.embedding(src)), lengths)


class Bridge(nn.Module):
    """Maps a bidirectional encoder's final states to the decoder's initial states.

    For each layer, the forward and backward final states are concatenated and projected: h₀ = W_h [h→; h←] + b_h
    (and c₀ = W_c [c→; c←] + b_c for the LSTMs). Linear without activation, so "sum the directions" is the special case
    W = [I I], b = 0; the same projection serves every layer.
    """

    def __init__(self, c: Seq2SeqConfig):
        super().__init__()
        self.h = nn.Linear(2 * c.hidden_size, c.hidden_size)
        self.c = nn.Linear(2 * c.hidden_size, c.hidden_size) if c.cell_type in CELL_STATE_TYPES else None

    def forward(self, finals):
        def merge(linear, s):  # s [2, B, H] → [1, B, H]
            return linear(torch.cat([s[0], s[1]], dim=-1)).unsqueeze(0)

        if self.c is None:
            return [merge(self.h, s) for s in finals]
        return [(merge(self.h, h), merge(self.c, c)) for h, c in finals]


class Attention(nn.Module):
    """Global attention over the encoder memory with the configured score function.

    bahdanau:      score(q, k) = vᵀ tanh(W_q q + b_q + W_k k)
    luong_dot:     score(q, k) = qᵀ k
    luong_general: score(q, k) = qᵀ (W_k k)
    scaled_dot:    score(q, k) = qᵀ k / √H
    Padding positions get -inf before the softmax, so their weight is exactly 0.
    """

    def __init__(self, c: Seq2SeqConfig):
        super().__init__()
        self.kind = c.attention_type
        self.scale = 1.0 / math.sqrt(c.hidden_size)
        if self.kind == "bahdanau":
            self.query = nn.Linear(c.hidden_size, c.attention_size)
            self.key = nn.Linear(c.memory_size, c.attention_size, bias=False)
            self.v = nn.Linear(c.attention_size, 1, bias=False)
        elif self.kind == "luong_general":
            self.key = nn.Linear(c.memory_size, c.hidden_size, bias=False)

    def keys(self, memory):
        """Per-source precomputation, done once per encode: [B, S, M] → [B, S, A or H or M]."""
        return self.key(memory) if self.kind in ("bahdanau", "luong_general") else memory

    def forward(self, query, keys, memory, mask):
        """query [N, H], keys [N, S, ·], memory [N, S, M], mask [N, S] (True = real token)
        → context [N, M], weights [N, S]."""
        if self.kind == "bahdanau":
            scores = self.v(torch.tanh(self.query(query).unsqueeze(1) + keys)).squeeze(-1)
        else:
            scores = torch.bmm(keys, query.unsqueeze(-1)).squeeze(-1)
            if self.kind == "scaled_dot":
                scores = scores * self.scale
        weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)
        context = torch.bmm(weights.unsqueeze(1), memory).squeeze(1)
        return context, weights


@dataclass
class DecoderState:
    """Everything one decoding step needs, one row per hypothesis."""

    hidden: list  # per layer: h [1, N, H], or (h, c) for the LSTMs
    feed: torch.Tensor  # [N, H] previous attentional vector h̃ (zeros at start; unused without input feeding)
    memory: torch.Tensor  # [N, S, M]
    keys: torch.Tensor  # [N, S, ·]
    mask: torch.Tensor  # [N, S] bool

    def select(self, rows: torch.Tensor) -> "DecoderState":
        """Reorders / expands hypotheses: row i of the result is row rows[i] of this state."""
        pick = (lambda t: t.index_select(1, rows))
        hidden = [tuple(pick(t) for t in s) if isinstance(s, tuple) else pick(s) for s in self.hidden]
        return DecoderState(hidden, self.feed.index_select(0, rows), self.memory.index_select(0, rows),
                            self.keys.index_select(0, rows), self.mask.index_select(0, rows))


class Decoder(nn.Module):
    """Embedding (+ input feed) → stacked RNN → attention → h̃ = tanh(W_c [c; h]) → vocabulary logits."""

    def __init__(self, c: Seq2SeqConfig):
        super().__init__()
        self.config = c
        self.embedding = nn.Embedding(c.tgt_vocab_size, c.embedding_size, padding_idx=c.pad_token_id)
        self.dropout = nn.Dropout(c.dropout)
        rnn_input = c.embedding_size + (c.hidden_size if c.input_feeding else 0)
        self.rnn = StackedRNN(c.cell_type, rnn_input, c.hidden_size, c.decoder_layers, False, c.residual, c.dropout)
        self.attention = Attention(c)
        self.combine = nn.Linear(c.memory_size + c.hidden_size, c.hidden_size, bias=False)
        self.output = nn.Linear(c.hidden_size, c.tgt_vocab_size)
        if c.tie_embeddings:
            self.output.weight = self.embedding.weight

    def step(self, tokens, state: DecoderState):
        """tokens [N] (previous output) → logits [N, V], next state, attention weights [N, S]."""
        x = self.dropout(self.embedding(tokens))
        if self.config.input_feeding:
            x = torch.cat([x, state.feed], dim=-1)
        out, hidden = self.rnn(x.unsqueeze(1), None, state.hidden)
        query = out.squeeze(1)
        context, weights = self.attention(query, state.keys, state.memory, state.mask)
        attentional = torch.tanh(self.combine(torch.cat([context, query], dim=-1)))
        logits = self.output(self.dropout(attentional))
        return logits, DecoderState(hidden, attentional, state.memory, state.keys, state.mask), weights


class Seq2Seq(nn.Module):
    """The whole model; `encode` runs once per source batch, `decoder.step` once per output token."""

    def __init__(self, config: Seq2SeqConfig):
        super().__init__()
        self.config = config
        self.encoder = Encoder(config)
        self.bridge = Bridge(config) if config.bidirectional_encoder else None
        self.decoder = Decoder(config)

    def encode(self, src, lengths) -> DecoderState:
        """src [B, S], lengths [B] → the decoder state for one hypothesis per source."""
        memory, finals = self.encoder(src, lengths)
        hidden = self.bridge(finals) if self.bridge is not None else finals
        mask = torch.arange(src.shape[1])[None, :] < lengths[:, None]
        feed = memory.new_zeros(src.shape[0], self.config.hidden_size)
        return DecoderState(hidden, feed, memory, self.decoder.attention.keys(memory), mask)

    def forward(self, src, lengths, tgt_in):
        """Teacher forcing: tgt_in [B, T] (decoder_start + target[:-1]) → logits [B, T, V]."""
        state = self.encode(src, lengths)
        logits = []
        for t in range(tgt_in.shape[1]):
            step_logits, state, _ = self.decoder.step(tgt_in[:, t], state)
            logits.append(step_logits)
        return torch.stack(logits, dim=1)

    def save_pretrained(self, directory: str | Path) -> None:
        """config.json + model.safetensors; a tied output weight is stored once, as the embedding."""
        from safetensors.torch import save_file

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.config.to_json(directory / "config.json")
        tensors = {k: v.detach().contiguous() for k, v in self.state_dict().items()}
        if self.config.tie_embeddings:
            tensors.pop("decoder.output.weight")
        save_file(tensors, str(directory / "model.safetensors"), metadata={"format": "pt"})

    @classmethod
    def from_pretrained(cls, directory: str | Path) -> "Seq2Seq":
        from safetensors.torch import load_file

        directory = Path(directory)
        model = cls(Seq2SeqConfig.from_json(directory / "config.json"))
        model.load_state_dict(load_file(str(directory / "model.safetensors")), strict=not model.config.tie_embeddings)
        return model.eval()
