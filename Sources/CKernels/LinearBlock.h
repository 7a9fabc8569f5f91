// One variant of the skinny linear kernel, included by LinearBodies.h once per weight type with KOTOBA_W (the
// stored element), KOTOBA_W_LOAD8 / KOTOBA_W_LOAD1 (eight or one of them as float) and KOTOBA_VARIANT (a name
// suffix) defined; no include guard on purpose. Both variants do the same float arithmetic in the same order, so
// F16 weights give exactly the results their F32 values would.

/// `rows` (1…4) input rows against weight rows o and o + 1: 2 × rows dot products of length `in`. With `prefetch`,
/// the next pair's rows (o + 2, o + 3) are requested while these are multiplied: over a large matrix (a vocabulary
/// projection) each pair otherwise starts by waiting on memory. Only the first block of rows of a pair asks.
KOTOBA_TARGET static inline void KOTOBA_NAME(KOTOBA_VARIANT(block))(const float *x, size_t rows, size_t in, const KOTOBA_W *w0,
                                                    const KOTOBA_W *w1, float out[4][2], int prefetch) {
    const kotoba_v8 zero = {0, 0, 0, 0, 0, 0, 0, 0};
    kotoba_v8 a00 = zero, a01 = zero, a10 = zero, a11 = zero, a20 = zero, a21 = zero, a30 = zero, a31 = zero;
    const size_t full = in & ~(size_t)7;
    const float *x0 = x, *x1 = x + in, *x2 = x + 2 * in, *x3 = x + 3 * in;
    if (rows == 4) {
        for (size_t k = 0; k < full; k += 8) {
            if (prefetch) { __builtin_prefetch(w0 + 2 * in + k); __builtin_prefetch(w1 + 2 * in + k); }
            const kotoba_v8 v0 = KOTOBA_W_LOAD8(w0 + k), v1 = KOTOBA_W_LOAD8(w1 + k);
            kotoba_v8 u = KOTOBA_NAME(load8)(x0 + k);
            a00 += u * v0; a01 += u * v1;
            u = KOTOBA_NAME(load8)(x1 + k);
            a10 += u * v0; a11 += u * v1;
            u = KOTOBA_NAME(load8)(x2 + k);
            a20 += u * v0; a21 += u * v1;
            u = KOTOBA_NAME(load8)(x3 + k);
            a30 += u * v0; a31 += u * v1;
        }
    } else {
        for (size_t k = 0; k < full; k += 8) {
            if (prefetch) { __builtin_prefetch(w0 + 2 * in + k); __builtin_prefetch(w1 + 2 * in + k); }
            const kotoba_v8 v0 = KOTOBA_W_LOAD8(w0 + k), v1 = KOTOBA_W_LOAD8(w1 + k);
            kotoba_v8 u = KOTOBA_NAME(load8)(x0 + k);
            a00 += u * v0; a01 += u * v1;
            if (rows > 1) { u = KOTOBA_NAME(load8)(x1 + k); a10 += u * v0; a11 += u * v1; }
            if (rows > 2) { u = KOTOBA_NAME(load8)(x2 + k); a20 += u * v0; a21 += u * v1; }
        }
    }
    out[0][0] = KOTOBA_NAME(lane_sum)(a00); out[0][1] = KOTOBA_NAME(lane_sum)(a01);
    out[1][0] = KOTOBA_NAME(lane_sum)(a10); out[1][1] = KOTOBA_NAME(lane_sum)(a11);
    out[2][0] = KOTOBA_NAME(lane_sum)(a20); out[2][1] = KOTOBA_NAME(lane_sum)(a21);
    out[3][0] = KOTOBA_NAME(lane_sum)(a30); out[3][1] = KOTOBA_NAME(lane_sum)(a31);
    // The last in % 8 products, in order, after the lanes.
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * in;
        for (size_t k = full; k < in; k++) {
            out[r][0] += xr[k] * KOTOBA_W_LOAD1(w0[k]);
            out[r][1] += xr[k] * KOTOBA_W_LOAD1(w1[k]);
        }
    }
}

/// One input row against weight rows o … o + 3: four dot products of length `in`, with the same lane arithmetic
/// as `block` gives each of them. A single row is a matrix-vector product, bound by how fast the weights arrive
/// from memory; four rows streamed at once keep more loads in flight than two.
KOTOBA_TARGET static inline void KOTOBA_NAME(KOTOBA_VARIANT(one_row))(const float *x, size_t in, const KOTOBA_W *w,
                                                   float out[4]) {
    const kotoba_v8 zero = {0, 0, 0, 0, 0, 0, 0, 0};
    kotoba_v8 a0 = zero, a1 = zero, a2 = zero, a3 = zero;
    const size_t full = in & ~(size_t)7;
    const KOTOBA_W *w0 = w, *w1 = w + in, *w2 = w + 2 * in, *w3 = w + 3 * in;
    for (size_t k = 0; k < full; k += 8) {
        __builtin_prefetch(w0 + 4 * in + k); __builtin_prefetch(w1 + 4 * in + k);
        __builtin_prefetch(w2 + 4 * in + k); __builtin_prefetch(w3 + 4 * in + k);
        const kotoba_v8 u = KOTOBA_NAME(load8)(x + k);
        a0 += u * KOTOBA_W_LOAD8(w0 + k); a1 += u * KOTOBA_W_LOAD8(w1 + k);
        a2 += u * KOTOBA_W_LOAD8(w2 + k); a3 += u * KOTOBA_W_LOAD8(w3 + k);
    }
    out[0] = KOTOBA_NAME(lane_sum)(a0); out[1] = KOTOBA_NAME(lane_sum)(a1);
    out[2] = KOTOBA_NAME(lane_sum)(a2); out[3] = KOTOBA_NAME(lane_sum)(a3);
    for (size_t k = full; k < in; k++) {
        out[0] += x[k] * KOTOBA_W_LOAD1(w0[k]); out[1] += x[k] * KOTOBA_W_LOAD1(w1[k]);
        out[2] += x[k] * KOTOBA_W_LOAD1(w2[k]); out[3] += x[k] * KOTOBA_W_LOAD1(w3[k]);
    }
}

KOTOBA_TARGET static void KOTOBA_NAME(KOTOBA_VARIANT(linear_rows))(const float *x, size_t rows, size_t in, const KOTOBA_W *w,
                                                   size_t out, const float *bias, float *y,
                                                   size_t first_output, size_t end_output) {
    float sums[4][2];
    if (rows == 1) {
        float four[4];
        for (; first_output + 4 <= end_output; first_output += 4) {
            KOTOBA_NAME(KOTOBA_VARIANT(one_row))(x, in, w + first_output * in, four);
            for (size_t i = 0; i < 4; i++) y[first_output + i] = four[i] + (bias ? bias[first_output + i] : 0.0f);
        }
    }
    for (size_t o = first_output; o < end_output; o += 2) {
        // An odd last output pairs its weight row with itself and keeps one of the two results.
        const KOTOBA_W *w0 = w + o * in;
        const KOTOBA_W *w1 = o + 1 < end_output ? w0 + in : w0;
        for (size_t r = 0; r < rows; r += 4) {
            const size_t count = rows - r < 4 ? rows - r : 4;
            KOTOBA_NAME(KOTOBA_VARIANT(block))(x + r * in, count, in, w0, w1, sums, r == 0);
            for (size_t i = 0; i < count; i++) {
                float *yr = y + (r + i) * out;
                yr[o] = sums[i][0] + (bias ? bias[o] : 0.0f);
                if (o + 1 < end_output) yr[o + 1] = sums[i][1] + (bias ? bias[o + 1] : 0.0f);
            }
        }
    }
}

