// int8 linear products: weights quantized per output channel at load, activations per row at each call, int32
// sums, and a float epilogue. The integer sums are exact on every path, and the float steps around them run the
// same IEEE operations in the same order on every path (no FMA contraction here), so the AVX2 kernel, the AVX-512
// VNNI one and the portable one give bit-identical results.
//
// The AVX2 kernel multiplies with vpmaddubsw, which adds two u8 × s8 products into a *saturating* int16. An
// activation reaches 255 and a weight ±63, so a pair is at most 2 · 255 · 63 = 32,130 < 32,767: the weights are
// kept to 7 bits (±63) and nothing ever saturates. The activations keep all 8 bits, because per-row ranges in a
// transformer are set by a few outlier features and need the resolution more.
#include "CKernels.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

/// Largest quantized weight magnitude (see above).
#define KOTOBA_INT8_WEIGHT_LIMIT 63
/// Rows quantized together and multiplied against one weight panel while they sit in the L2 cache.
#define ROW_BLOCK 64

size_t kotoba_int8_padded_inputs(size_t in) { return (in + 3) & ~(size_t)3; }
size_t kotoba_int8_padded_outputs(size_t out) { return (out + 15) & ~(size_t)15; }

/// Where weight (o, k) sits in the packed layout, rows `kp` (padded) inputs long: groups of 8 outputs, and in a
/// group, for each 4 inputs, 8 × 4 bytes (output-major), so one 32-byte load gives 8 outputs × 4 inputs for
/// vpmaddubsw against 4 broadcast activation bytes. Every reader and writer of the layout goes through this.
static inline size_t packed_index(size_t o, size_t k, size_t kp) {
    return (o / 8) * kp * 8 + (k / 4) * 32 + (o % 8) * 4 + k % 4;
}

/// v rounded to the nearest integer, ties to even, for |v| < 2^22: adding 1.5 · 2^23 leaves no fraction bits,
/// so the addition itself rounds (in the current mode, nearest-even). Vectorises, unlike nearbyintf without
/// SSE4.1, and needs no libm.
static inline float round_even(float v) {
#pragma clang fp contract(off)
    const float magic = 12582912.0f;
    return (v + magic) - magic;
}

void kotoba_int8_pack_weights(const float *w, size_t out, size_t in, int8_t *packed, float *scale, int32_t *colsum) {
#pragma clang fp contract(off)
    const size_t kp = kotoba_int8_padded_inputs(in), np = kotoba_int8_padded_outputs(out);
    memset(packed, 0, np * kp);
    for (size_t o = 0; o < np; o++) {
        float amax = 0;
        if (o < out) {
            for (size_t k = 0; k < in; k++) {
                const float a = fabsf(w[o * in + k]);
                amax = a > amax ? a : amax;
            }
        }
        const float s = amax > 0 && isfinite(amax) ? amax / KOTOBA_INT8_WEIGHT_LIMIT : 1.0f;
        scale[o] = s;
        int32_t sum = 0;
        if (o < out) {
            for (size_t k = 0; k < in; k++) {
                float v = round_even(w[o * in + k] / s);
                v = fminf(fmaxf(v, -KOTOBA_INT8_WEIGHT_LIMIT), KOTOBA_INT8_WEIGHT_LIMIT);
                const int8_t q = (int8_t)v;
                packed[packed_index(o, k, kp)] = q;
                sum += q;
            }
        }
        colsum[o] = sum;
    }
}

void kotoba_int8_unpack_weights(const int8_t *packed, const float *scale, size_t out, size_t in, float *w) {
#pragma clang fp contract(off)
    const size_t kp = kotoba_int8_padded_inputs(in);
    for (size_t o = 0; o < out; o++) {
        for (size_t k = 0; k < in; k++) w[o * in + k] = scale[o] * packed[packed_index(o, k, kp)];
    }
}

typedef float kotoba_f8 __attribute__((vector_size(32)));
typedef int kotoba_i8 __attribute__((vector_size(32)));
typedef uint8_t kotoba_b8 __attribute__((vector_size(8)));

#pragma clang diagnostic ignored "-Wpsabi"  // vectors only pass between static functions of this file

// quantize_row_baseline / _avx2 / _avx512: one row as u8 codes with its own scale and zero point (asymmetric,
// 0 always exact): x ≈ scale · (q − zero).
#define KOTOBA_BODIES "Int8Bodies.h"
#include "EachISA.h"

/// The float epilogue every path shares: y = scale_x · scale_w · (Σ q·w − zero · Σ w) + bias.
static void finish_tile(const int32_t sums[4][16], size_t rows, const float *x_scale, const int32_t *x_zero,
                        size_t first_output, size_t outputs, const float *w_scale, const int32_t *w_colsum,
                        const float *bias, float *y, size_t ldy) {
#pragma clang fp contract(off)
    for (size_t r = 0; r < rows; r++) {
        const int32_t zero = x_zero[r];
        const float row_scale = x_scale[r];
        float *out = y + r * ldy + first_output;
        const float *w = w_scale + first_output;
        const int32_t *c = w_colsum + first_output;
        for (size_t j = 0; j < outputs; j++) out[j] = (float)(sums[r][j] - zero * c[j]) * (row_scale * w[j]);
        if (bias) {
            for (size_t j = 0; j < outputs; j++) out[j] += bias[first_output + j];
        }
    }
}

/// Σ_k q[r, k] · w[o, k] for `rows` (≤ 4) rows and the 16 outputs of the group pair at `w`, in plain C.
static void tile_portable(const uint8_t *q, size_t rows, size_t kp, const int8_t *w, int32_t sums[4][16]) {
    for (size_t r = 0; r < rows; r++) {
        for (size_t j = 0; j < 16; j++) {
            int32_t sum = 0;
            for (size_t k = 0; k < kp; k++) sum += (int32_t)q[r * kp + k] * w[packed_index(j, k, kp)];
            sums[r][j] = sum;
        }
    }
}

#if defined(__x86_64__)
/// `tile_portable` with 256-bit integer products: `ROWS` rows × 16 outputs in 2 × `ROWS` accumulators. One body
/// per row count, so a single row (a decoding step, a masked position) does a quarter of the 4-row work, not all
/// of it. Two steps: AVX2's vpmaddubsw (u8 × s8 pairs to int16, never saturating with 7-bit weights) and vpmaddwd
/// (pairs of those to int32), and AVX-512 VNNI's vpdpbusd, which adds the four u8 × s8 products of each lane
/// straight into its int32 sum with no int16 step. Both give the same exact integers, so the same results.
#define KOTOBA_STEP_AVX2(acc, x, v) acc = _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(x, v), ones))
#define KOTOBA_STEP_VNNI(acc, x, v) acc = _mm256_dpbusd_epi32(acc, x, v)
#define KOTOBA_ROW(STEP, acc0, acc1, row)                                                              \
    {                                                                                                  \
        int32_t bytes;                                                                                 \
        memcpy(&bytes, (row) + k, 4);                                                                  \
        const __m256i x = _mm256_set1_epi32(bytes);                                                    \
        STEP(acc0, x, v0);                                                                             \
        STEP(acc1, x, v1);                                                                             \
    }
#define KOTOBA_TILE(NAME, TARGET, STEP, ROWS)                                                                      \
    __attribute__((target(TARGET))) static void NAME##_##ROWS(const uint8_t *q, size_t kp, const int8_t *w,       \
                                                             int32_t sums[4][16]) {                               \
        const __m256i ones = _mm256_set1_epi16(1);                                                                \
        (void)ones;                                                                                               \
        __m256i a00 = _mm256_setzero_si256(), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00,   \
                a31 = a00;                                                                                        \
        const int8_t *w0 = w, *w1 = w + kp * 8;                                                                   \
        const uint8_t *q0 = q, *q1 = q + kp, *q2 = q + 2 * kp, *q3 = q + 3 * kp;                                  \
        for (size_t k = 0; k < kp; k += 4) {                                                                      \
            const __m256i v0 = _mm256_loadu_si256((const __m256i *)(w0 + k * 8));                                 \
            const __m256i v1 = _mm256_loadu_si256((const __m256i *)(w1 + k * 8));                                 \
            KOTOBA_ROW(STEP, a00, a01, q0)                                                                        \
            if (ROWS > 1) KOTOBA_ROW(STEP, a10, a11, q1)                                                          \
            if (ROWS > 2) KOTOBA_ROW(STEP, a20, a21, q2)                                                          \
            if (ROWS > 3) KOTOBA_ROW(STEP, a30, a31, q3)                                                          \
        }                                                                                                         \
        _mm256_storeu_si256((__m256i *)&sums[0][0], a00); _mm256_storeu_si256((__m256i *)&sums[0][8], a01);       \
        _mm256_storeu_si256((__m256i *)&sums[1][0], a10); _mm256_storeu_si256((__m256i *)&sums[1][8], a11);       \
        _mm256_storeu_si256((__m256i *)&sums[2][0], a20); _mm256_storeu_si256((__m256i *)&sums[2][8], a21);       \
        _mm256_storeu_si256((__m256i *)&sums[3][0], a30); _mm256_storeu_si256((__m256i *)&sums[3][8], a31);       \
    }
/// The four row counts of one step, and the tile that picks among them.
#define KOTOBA_TILES(NAME, TARGET, STEP)                                                                           \
    KOTOBA_TILE(NAME, TARGET, STEP, 1)                                                                             \
    KOTOBA_TILE(NAME, TARGET, STEP, 2)                                                                             \
    KOTOBA_TILE(NAME, TARGET, STEP, 3)                                                                             \
    KOTOBA_TILE(NAME, TARGET, STEP, 4)                                                                             \
    __attribute__((target(TARGET))) static void NAME(const uint8_t *q, size_t rows, size_t kp, const int8_t *w,    \
                                                    int32_t sums[4][16]) {                                        \
        switch (rows) {                                                                                            \
        case 1: NAME##_1(q, kp, w, sums); return;                                                                  \
        case 2: NAME##_2(q, kp, w, sums); return;                                                                  \
        case 3: NAME##_3(q, kp, w, sums); return;                                                                  \
        default: NAME##_4(q, kp, w, sums); return;                                                                 \
        }                                                                                                          \
    }
KOTOBA_TILES(tile_avx2, "avx2", KOTOBA_STEP_AVX2)
KOTOBA_TILES(tile_vnni, "avx512f,avx512vl,avx512vnni", KOTOBA_STEP_VNNI)
#undef KOTOBA_TILES
#undef KOTOBA_TILE
#undef KOTOBA_ROW
#undef KOTOBA_STEP_AVX2
#undef KOTOBA_STEP_VNNI

/// Whether this CPU has AVX-512 VNNI (with VL, for its 256-bit form).
static int has_vnni(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vl");
}
#endif

typedef void (*tile_fn)(const uint8_t *, size_t, size_t, const int8_t *, int32_t[4][16]);

/// The tile kernel for `isa`, which the caller has checked the CPU runs (as for the other `_for` entry points):
/// the AVX-512 build takes the VNNI tile where the CPU has VNNI, the AVX2 one otherwise.
static tile_fn tile_for(kotoba_isa isa) {
#if defined(__x86_64__)
    if (isa == KOTOBA_ISA_AVX512 && has_vnni()) return tile_vnni;
    if (isa != KOTOBA_ISA_BASELINE) return tile_avx2;
#endif
    (void)isa;
    return tile_portable;
}

typedef void (*quantize_fn)(const float *, size_t, uint8_t *, size_t, float *, int32_t *);

void kotoba_int8_quantize_rows_for(kotoba_isa isa, const float *x, size_t rows, size_t in, size_t ldx, uint8_t *q,
                                   float *scale, int32_t *zero) {
    quantize_fn quantize_row = quantize_row_baseline;
#if defined(__x86_64__)
    if (isa == KOTOBA_ISA_AVX512) quantize_row = quantize_row_avx512;
    if (isa == KOTOBA_ISA_AVX2) quantize_row = quantize_row_avx2;
#endif
    const size_t kp = kotoba_int8_padded_inputs(in);
    for (size_t r = 0; r < rows; r++) quantize_row(x + r * ldx, in, q + r * kp, kp, scale + r, zero + r);
}

void kotoba_int8_quantize_rows(const float *x, size_t rows, size_t in, size_t ldx, uint8_t *q, float *scale,
                               int32_t *zero) {
    kotoba_int8_quantize_rows_for(kotoba_isa_active(), x, rows, in, ldx, q, scale, zero);
}

void kotoba_int8_linear_for(kotoba_isa isa, const uint8_t *q, const float *x_scale, const int32_t *x_zero,
                            size_t rows, size_t in, const int8_t *packed, const float *w_scale,
                            const int32_t *w_colsum, size_t out, const float *bias, float *y, size_t ldy,
                            size_t first_pair, size_t end_pair) {
    const tile_fn tile = tile_for(isa);
    const size_t kp = kotoba_int8_padded_inputs(in);
    int32_t sums[4][16];
    for (size_t first_row = 0; first_row < rows; first_row += ROW_BLOCK) {
        const size_t block_rows = rows - first_row < ROW_BLOCK ? rows - first_row : ROW_BLOCK;
        for (size_t pair = first_pair; pair < end_pair; pair++) {
            const size_t first_output = pair * 16;
            if (first_output >= out) break;
            const size_t outputs = out - first_output < 16 ? out - first_output : 16;
            const int8_t *w = packed + pair * 16 * kp;
            for (size_t r = first_row; r < first_row + block_rows; r += 4) {
                const size_t count = first_row + block_rows - r < 4 ? first_row + block_rows - r : 4;
                tile(q + r * kp, count, kp, w, sums);
                finish_tile(sums, count, x_scale + r, x_zero + r, first_output, outputs, w_scale, w_colsum, bias,
                            y + r * ldy, ldy);
            }
        }
    }
}

void kotoba_int8_linear(const uint8_t *q, const float *x_scale, const int32_t *x_zero, size_t rows, size_t in,
                        const int8_t *packed, const float *w_scale, const int32_t *w_colsum, size_t out,
                        const float *bias, float *y, size_t ldy, size_t first_pair, size_t end_pair) {
    kotoba_int8_linear_for(kotoba_isa_active(), q, x_scale, x_zero, rows, in, packed, w_scale, w_colsum, out, bias,
                           y, ldy, first_pair, end_pair);
}
