// Pointwise kernels built three times, for baseline x86-64, AVX2 + FMA and AVX-512, with one build chosen per
// process by a dispatch table (Swift compiles SIMD8 code for the baseline only, and these loops are where the
// difference shows: the erf GELU between BERT's feed-forward products, Marian's SiLU, softmax and log-softmax
// exponentials). The table starts on the best build the CPU runs, or on the one `KOTOBA_CPU` names
// (`baseline`, `avx2`, `avx512`), so a float-exact assumption can be made to fail on any machine.
#ifndef KOTOBA_CKERNELS_H
#define KOTOBA_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

/// x · Φ(x) through erf (Abramowitz & Stegun 7.1.26, |error| ≤ 5e-7), in place on `count` floats.
void kotoba_gelu_erf(float *values, size_t count);

/// values[i] = e^(values[i] - shift) for `count` floats (Cephes expf, ≤ 2 ulp; 0 below e^-87.3, +inf above
/// e^88.7), the exponentials of a softmax row after its maximum is subtracted.
void kotoba_exp_shifted(float *values, size_t count, float shift);

/// Σ e^(values[i] - shift) over `count` floats, summed in 16 interleaved partial sums (the same order on every
/// CPU, whichever build runs): the normaliser of a log-softmax over a vocabulary.
float kotoba_exp_sum_shifted(const float *values, size_t count, float shift);

/// x / (1 + e^-x) (SiLU, Marian's "swish") in place on `count` floats.
void kotoba_silu(float *values, size_t count);

/// An instruction set the kernels are built for.
typedef enum kotoba_isa {
    KOTOBA_ISA_BASELINE = 0,
    KOTOBA_ISA_AVX2 = 1,
    KOTOBA_ISA_AVX512 = 2,
} kotoba_isa;

/// What became of the `KOTOBA_CPU` variable when the table was set up.
typedef enum kotoba_isa_request {
    /// Unset or empty: the best build the CPU runs is active.
    KOTOBA_ISA_REQUEST_NONE = 0,
    /// The named build is active.
    KOTOBA_ISA_REQUEST_HONOURED = 1,
    /// Not one of `baseline`, `avx2`, `avx512`; the best build is active instead.
    KOTOBA_ISA_REQUEST_UNKNOWN = 2,
    /// A build this CPU cannot run (it would stop on SIGILL); the best build is active instead.
    KOTOBA_ISA_REQUEST_UNSUPPORTED = 3,
} kotoba_isa_request;

/// One build's entry points, with the signatures of the functions above.
struct kotoba_pointwise_table {
    void (*gelu_erf)(float *values, size_t count);
    void (*exp_shifted)(float *values, size_t count, float shift);
    float (*exp_sum_shifted)(const float *values, size_t count, float shift);
    void (*silu)(float *values, size_t count);
};

/// 1 when this CPU (and OS) can run the build for `isa`.
int kotoba_isa_supported(kotoba_isa isa);

/// 1 when this CPU (and OS) has the AVX-512 subsets of Skylake-SP and later Xeons (F, CD, BW, DQ, VL): what
/// OpenBLAS's SkylakeX kernels need.
int kotoba_cpu_has_avx512_skylake(void);

/// The build the four functions above run.
kotoba_isa kotoba_isa_active(void);

/// How `KOTOBA_CPU` was read.
kotoba_isa_request kotoba_isa_request_status(void);

/// One build's entry points, for tests that compare builds in one process; NULL when the CPU cannot run it.
const struct kotoba_pointwise_table *kotoba_pointwise_for(kotoba_isa isa);

/// y[r, o] = bias[o] + Σ_k x[r, k] · w[o, k] for r < rows and first_output ≤ o < end_output: the `nn.Linear`
/// product with `w` in its `[out, in]` layout, read in place. For a few rows, where a BLAS library spends more time
/// copying the weights into its own layout than multiplying. `bias` may be NULL; `y` is `[rows, out]`.
void kotoba_linear_rows(const float *x, size_t rows, size_t in, const float *w, size_t out, const float *bias,
                        float *y, size_t first_output, size_t end_output);

/// `kotoba_linear_rows` with `w` stored as IEEE half floats (bit patterns): half the bytes to stream, and exactly
/// the results `kotoba_linear_rows` gives on the same values as floats.
void kotoba_linear_rows_f16(const float *x, size_t rows, size_t in, const uint16_t *w, size_t out,
                            const float *bias, float *y, size_t first_output, size_t end_output);

/// `count` IEEE halves at `halves` (little-endian, any alignment) as floats: exact, so every build gives the same.
void kotoba_halves_to_floats(const void *halves, float *out, size_t count);

/// `values` as IEEE half bit patterns in `out` when every one converts exactly (returns 1); 0 as soon as one does
/// not (a value a half cannot hold, or NaN), leaving `out` partly written.
int kotoba_floats_to_halves_exact(const float *values, uint16_t *out, size_t count);

/// `kotoba_linear_rows_f16` in the build for `isa`, for tests that compare builds.
void kotoba_linear_rows_f16_for(kotoba_isa isa, const float *x, size_t rows, size_t in, const uint16_t *w,
                                size_t out, const float *bias, float *y, size_t first_output, size_t end_output);

/// `kotoba_linear_rows` in the build for `isa`, for tests that compare builds; the caller checks
/// `kotoba_isa_supported` first.
void kotoba_linear_rows_for(kotoba_isa isa, const float *x, size_t rows, size_t in, const float *w, size_t out,
                            const float *bias, float *y, size_t first_output, size_t end_output);

/// Panels of 16 outputs in a matrix of `out` outputs packed for `kotoba_linear_panels` (the last one padded with
/// zero weights): the packed matrix holds `panel_count(out) × 16 × in` elements.
size_t kotoba_panel_count(size_t out);

/// Packs `w` (`[out, in]`, `nn.Linear`'s layout) into panels of 16 outputs, input-major: element (o, k) at
/// `((o / 16) · in + k) · 16 + o % 16`, the padding outputs zero.
void kotoba_pack_panels(const float *w, size_t in, size_t out, float *packed);

/// `kotoba_pack_panels` for IEEE half bit patterns.
void kotoba_pack_panels_f16(const uint16_t *w, size_t in, size_t out, uint16_t *packed);

/// The `[out, in]` matrix a packed one holds.
void kotoba_unpack_panels(const float *packed, size_t in, size_t out, float *w);

/// `kotoba_unpack_panels` for IEEE half bit patterns.
void kotoba_unpack_panels_f16(const uint16_t *packed, size_t in, size_t out, uint16_t *w);

/// y[r, o] = bias[o] + Σ_k x[r, k] · w[o, k] for r < rows and the outputs of panels first_panel ..< end_panel
/// (outputs past `out` are not written), `x` rows `ldx` apart, `y` `[rows, out]`, `packed` from
/// `kotoba_pack_panels`. Each output is summed over k in order: its value does not depend on `rows`, on the other
/// rows or on the panel range. `bias` may be NULL.
void kotoba_linear_panels(const float *x, size_t rows, size_t ldx, size_t in, const float *packed, size_t out,
                          const float *bias, float *y, size_t first_panel, size_t end_panel);

/// `kotoba_linear_panels` over halves packed by `kotoba_pack_panels_f16`: exactly the results of their float values.
void kotoba_linear_panels_f16(const float *x, size_t rows, size_t ldx, size_t in, const uint16_t *packed,
                              size_t out, const float *bias, float *y, size_t first_panel, size_t end_panel);

/// `kotoba_linear_panels` in the build for `isa`, for tests that compare builds; the caller checks
/// `kotoba_isa_supported` first.
void kotoba_linear_panels_for(kotoba_isa isa, const float *x, size_t rows, size_t ldx, size_t in,
                              const float *packed, size_t out, const float *bias, float *y, size_t first_panel,
                              size_t end_panel);

/// `kotoba_linear_panels_f16` in the build for `isa`.
void kotoba_linear_panels_f16_for(kotoba_isa isa, const float *x, size_t rows, size_t ldx, size_t in,
                                  const uint16_t *packed, size_t out, const float *bias, float *y,
                                  size_t first_panel, size_t end_panel);

/// Inputs per packed int8 weight row: `in` rounded up to a multiple of 4 (the kernels take 4 inputs per step).
size_t kotoba_int8_padded_inputs(size_t in);

/// Outputs in a packed int8 weight matrix: `out` rounded up to a multiple of 16 (the kernels take 16 at a time).
size_t kotoba_int8_padded_outputs(size_t out);

/// Quantizes `w` (`[out, in]` floats, `nn.Linear`'s layout) per output channel, symmetrically to ±63 (7 bits, so
/// vpmaddubsw never saturates), into `packed` (`padded_outputs(out) × padded_inputs(in)` bytes, the kernels'
/// layout), `scale` and `colsum` (Σ of each channel's codes; both `padded_outputs(out)` long).
void kotoba_int8_pack_weights(const float *w, size_t out, size_t in, int8_t *packed, float *scale, int32_t *colsum);

/// The weights packed codes stand for, scale · code, as `[out, in]` floats.
void kotoba_int8_unpack_weights(const int8_t *packed, const float *scale, size_t out, size_t in, float *w);

/// Quantizes `rows` rows of `in` floats (`ldx` apart) to u8 codes, each row with its own scale and zero point
/// (x ≈ scale · (q − zero)); `q` is `rows × padded_inputs(in)`, the padding zeroed.
void kotoba_int8_quantize_rows(const float *x, size_t rows, size_t in, size_t ldx, uint8_t *q, float *scale,
                               int32_t *zero);

/// `kotoba_int8_quantize_rows` on the build for `isa`, for tests that compare builds (all give the same codes); the
/// caller checks `kotoba_isa_supported` first.
void kotoba_int8_quantize_rows_for(kotoba_isa isa, const float *x, size_t rows, size_t in, size_t ldx, uint8_t *q,
                                   float *scale, int32_t *zero);

/// y[r, o] = bias[o] + x_scale[r] · w_scale[o] · (Σ_k q[r, k] · w[o, k] − x_zero[r] · w_colsum[o]) for the outputs
/// of the 16-output pairs `first_pair ..< end_pair` (outputs past `out` are not written), `y` rows `ldy` apart.
/// The sums are exact integers and the float steps the same on every path: every build gives the same bits.
void kotoba_int8_linear(const uint8_t *q, const float *x_scale, const int32_t *x_zero, size_t rows, size_t in,
                        const int8_t *packed, const float *w_scale, const int32_t *w_colsum, size_t out,
                        const float *bias, float *y, size_t ldy, size_t first_pair, size_t end_pair);

/// `kotoba_int8_linear` on the build for `isa` (the AVX2 kernel for AVX2 and AVX-512), for tests that compare
/// builds; the caller checks `kotoba_isa_supported` first.
void kotoba_int8_linear_for(kotoba_isa isa, const uint8_t *q, const float *x_scale, const int32_t *x_zero,
                            size_t rows, size_t in, const int8_t *packed, const float *w_scale,
                            const int32_t *w_colsum, size_t out, const float *bias, float *y, size_t ldy,
                            size_t first_pair, size_t end_pair);


/// A hint to the CPU that the caller is spinning on a flag (x86 `pause`): it saves power and lets the sibling
/// hyperthread run, and leaves the spin promptly when the flag changes.
static inline void kotoba_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
