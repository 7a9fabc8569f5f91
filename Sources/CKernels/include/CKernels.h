// Pointwise kernels that the C compiler builds three times, for baseline x86-64, AVX2 and AVX-512, picking one per
// process at load time (target_clones): Swift compiles SIMD8 code for the baseline only, and these loops are
// where the difference shows (the erf GELU between BERT's feed-forward products, Marian's SiLU, softmax and
// log-softmax exponentials).
#ifndef KOTOBA_CKERNELS_H
#define KOTOBA_CKERNELS_H

#include <stddef.h>

/// x · Φ(x) through erf (Abramowitz & Stegun 7.1.26, |error| ≤ 5e-7), in place on `count` floats.
void kotoba_gelu_erf(float *values, size_t count);

/// values[i] = e^(values[i] - shift) for `count` floats (Cephes expf, ≤ 2 ulp; 0 below e^-87.3, +inf above
/// e^88.7), the exponentials of a softmax row after its maximum is subtracted.
void kotoba_exp_shifted(float *values, size_t count, float shift);

/// Σ e^(values[i] - shift) over `count` floats, summed in 16 interleaved partial sums (the same order on every
/// CPU, whichever clone runs): the normaliser of a log-softmax over a vocabulary.
float kotoba_exp_sum_shifted(const float *values, size_t count, float shift);

/// x / (1 + e^-x) (SiLU, Marian's "swish") in place on `count` floats.
void kotoba_silu(float *values, size_t count);

#endif
