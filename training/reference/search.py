"""Greedy and beam search for the reference seq2seq model, following transformers' conventions.

The beam search is a line-by-line port of transformers' vectorised `GenerationMixin._beam_search`
(transformers 5.24.0, src/transformers/generation/utils.py: `_get_top_k_continuations`,
`_get_running_beams_for_next_iteration`, `_update_finished_beams`, `_check_early_stop_heuristic`,
`_beam_search_has_unfinished_sequences`), with the decoder prompt being the single decoder_start token:
- length penalty: a finished hypothesis scores sum(log p) / generated_len ** length_penalty, where
  generated_len counts the tokens after decoder_start, EOS included (transformers' `sequences_scores`);
- early_stopping: True (stop a source once it has `num_beams` finished hypotheses), False (stop when the best
  running beam, penalised at the current length, cannot beat the worst finished one) or "never" (as False, but
  with a positive length penalty the running beam is penalised at max_length);
- no_repeat_ngram_size: `NoRepeatNGramLogitsProcessor`, applied to the log-softmaxed scores (beam) or the raw
  logits (greedy), over the decoder sequence including decoder_start.
Kotoba's Swift Decoding/ module ports the same algorithm; the fixtures pin both to each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F


def ban_repeated_ngrams(sequences: torch.Tensor, scores: torch.Tensor, n: int) -> torch.Tensor:
    """sequences [N, L] (decoder_start first), scores [N, V] → scores with -inf on every token that would complete
    an n-gram already present in its row (transformers' NoRepeatNGramLogitsProcessor)."""
    if n <= 0 or sequences.shape[1] < n:
        return scores
    scores = scores.clone()
    for row, seq in enumerate(sequences.tolist()):
        prefix = seq[len(seq) - n + 1:]
        for start in range(len(seq) - n + 1):
            if seq[start:start + n - 1] == prefix:
                scores[row, seq[start + n - 1]] = float("-inf")
    return scores


@dataclass
class SearchResult:
    """Per source: up to n hypotheses (generated ids without decoder_start, EOS kept), scores, alignments."""

    sequences: list  # [B][n] list of token ids
    scores: list  # [B][n] float
    alignments: list  # [B][n] list of per-token attention rows (each a list of S floats)


@torch.no_grad()
def greedy_search(model, src, lengths, max_new_tokens: int, no_repeat_ngram_size: int = 0) -> SearchResult:
    """transformers' greedy `_sample`: argmax of the (processed) logits, pad after EOS, stop when all are done.
    The score is the sum of log-softmax probabilities of the emitted tokens (EOS included), after n-gram banning."""
    c = model.config
    state = model.encode(src, lengths)
    batch = src.shape[0]
    seq = torch.full((batch, 1), c.decoder_start_token_id, dtype=torch.long)
    unfinished = torch.ones(batch, dtype=torch.bool)
    scores = torch.zeros(batch)
    outputs = [[] for _ in range(batch)]
    aligns = [[] for _ in range(batch)]
    for _ in range(max_new_tokens):
        logits, state, weights = model.decoder.step(seq[:, -1], state)
        processed = ban_repeated_ngrams(seq, logits, no_repeat_ngram_size)
        log_probs = ban_repeated_ngrams(seq, F.log_softmax(logits, dim=-1), no_repeat_ngram_size)
        nxt = processed.argmax(dim=-1)
        for b in range(batch):
            if unfinished[b]:
                outputs[b].append(int(nxt[b]))
                aligns[b].append(weights[b].tolist())
                scores[b] += log_probs[b, nxt[b]]
        nxt = torch.where(unfinished, nxt, torch.full_like(nxt, c.pad_token_id))
        seq = torch.cat([seq, nxt[:, None]], dim=1)
        unfinished &= nxt != c.eos_token_id
        if not unfinished.any():
            break
    return SearchResult([[o] for o in outputs], [[float(s)] for s in scores], [[a] for a in aligns])


def _gather(t: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
    """transformers' `_gather_beams`: t [B, K, ...], idx [B, K'] → [B, K', ...]."""
    while idx.dim() < t.dim():
        idx = idx.unsqueeze(-1)
    return torch.take_along_dim(t, idx, dim=1)


@torch.no_grad()
def beam_search(model, src, lengths, num_beams: int, max_new_tokens: int, length_penalty: float = 1.0,
                early_stopping: bool | str = False, no_repeat_ngram_size: int = 0,
                num_return_sequences: int = 1) -> SearchResult:
    """transformers' `_beam_search` (see module docstring) over the reference decoder."""
    c = model.config
    batch, nb = src.shape[0], num_beams
    prompt_len, max_length = 1, 1 + max_new_tokens
    state = model.encode(src, lengths).select(torch.arange(batch).repeat_interleave(nb))
    src_len = src.shape[1]
    beams_to_keep = 2 * nb  # max(2, 1 + number of EOS ids) * num_beams with one EOS id
    top_num_beam_mask = torch.cat([torch.ones(nb, dtype=torch.bool), torch.zeros(beams_to_keep - nb, dtype=torch.bool)])

    running_seq = torch.full((batch, nb, max_length), c.pad_token_id, dtype=torch.long)
    running_seq[:, :, 0] = c.decoder_start_token_id
    sequences = running_seq.clone()
    running_align = torch.zeros((batch, nb, max_length, src_len))
    alignments = running_align.clone()
    running_scores = torch.zeros((batch, nb))
    running_scores[:, 1:] = -1e9
    beam_scores = torch.full((batch, nb), -1e9)
    finished = torch.zeros((batch, nb), dtype=torch.bool)
    heuristic_unsatisfied = torch.ones((batch, 1), dtype=torch.bool)
    # Per running beam, the flat row of the previous step it came from (transformers' beam_indices, last column).
    cur_len = 1
    while True:
        flat_seq = running_seq[:, :, :cur_len].reshape(batch * nb, cur_len)
        logits, state, weights = model.decoder.step(flat_seq[:, -1], state)
        log_probs = F.log_softmax(logits.float(), dim=-1)
        log_probs = ban_repeated_ngrams(flat_seq, log_probs, no_repeat_ngram_size)
        vocab = log_probs.shape[-1]
        log_probs = log_probs.view(batch, nb, vocab) + running_scores[:, :, None]
        log_probs = log_probs.reshape(batch, nb * vocab)

        # c. top-K continuations
        topk_log_probs, topk_indices = torch.topk(log_probs, k=beams_to_keep)
        topk_beam = topk_indices // vocab
        topk_ids = topk_indices % vocab
        topk_seq = _gather(running_seq, topk_beam)
        topk_seq[:, :, cur_len] = topk_ids
        topk_align = _gather(running_align, topk_beam)
        topk_align[:, :, cur_len] = _gather(weights.view(batch, nb, src_len), topk_beam)
        topk_rows = topk_beam + torch.arange(batch)[:, None] * nb

        # d. stopping criteria on the K candidates: EOS or max length
        hits = (topk_ids == c.eos_token_id) | (cur_len + 1 >= max_length)

        # e. running beams for the next step
        topk_running_log_probs = topk_log_probs + hits.float() * -1.0e9
        next_idx = torch.topk(topk_running_log_probs, k=nb)[1]
        running_seq = _gather(topk_seq, next_idx)
        running_align = _gather(topk_align, next_idx)
        running_scores = _gather(topk_running_log_probs, next_idx)
        running_rows = _gather(topk_rows, next_idx)

        # f. finished beams
        just_finished = hits & top_num_beam_mask[None, :]
        cand = topk_log_probs / ((cur_len + 1 - prompt_len) ** length_penalty)
        full = torch.all(finished, dim=-1, keepdim=True) & (early_stopping is True)
        cand = cand + full.float() * -1.0e9
        cand = cand + (~heuristic_unsatisfied).float() * -1.0e9
        cand = cand + (~just_finished) * -1.0e9
        merged_scores = torch.cat([beam_scores, cand], dim=1)
        keep = torch.topk(merged_scores, k=nb)[1]
        sequences = _gather(torch.cat([sequences, topk_seq], dim=1), keep)
        alignments = _gather(torch.cat([alignments, topk_align], dim=1), keep)
        beam_scores = _gather(merged_scores, keep)
        finished = _gather(torch.cat([finished, just_finished], dim=1), keep)

        # g. reorder the decoder state, advance, check the stopping conditions
        state = state.select(running_rows.reshape(-1))
        cur_len += 1
        if early_stopping == "never" and length_penalty > 0.0:
            best_len = max_length - prompt_len
        else:
            best_len = cur_len - prompt_len
        best_running = running_scores[:, :1] / (best_len ** length_penalty)
        worst_finished = torch.where(finished, torch.min(beam_scores, dim=1, keepdim=True)[0], -1.0e9)
        heuristic_unsatisfied = heuristic_unsatisfied & torch.any(best_running > worst_finished, dim=-1, keepdim=True)
        improvement_possible = bool(torch.any(heuristic_unsatisfied))
        open_beam = not (bool(torch.all(finished)) and early_stopping is True)
        valid_continuations = not bool(torch.all(hits))
        if not (improvement_possible and open_beam and valid_continuations):
            break

    out_seq, out_scores, out_align = [], [], []
    for b in range(batch):
        rows_seq, rows_score, rows_align = [], [], []
        for k in range(num_return_sequences):
            ids = sequences[b, k, 1:].tolist()
            n = next((i + 1 for i, t in enumerate(ids) if t == c.eos_token_id), None)
            if n is None:  # ran to max_length without EOS: every slot after decoder_start is generated
                n = len(ids)
            rows_seq.append(ids[:n])
            rows_score.append(float(beam_scores[b, k]))
            rows_align.append(alignments[b, k, 1:1 + n].tolist())
        out_seq.append(rows_seq)
        out_scores.append(rows_score)
        out_align.append(rows_align)
    return SearchResult(out_seq, out_scores, out_align)
