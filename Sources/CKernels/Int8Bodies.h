// Row quantization for the int8 kernels, included once per instruction set by Int8.c with KOTOBA_TARGET and
// KOTOBA_SUFFIX defined; no include guard on purpose. Eight floats at a time through generic vectors: every
// operation is an exact IEEE one (min, max, divide, the add/subtract rounding, a conversion of an integral
// value), with FMA contraction off, so each build gives the same codes as the scalar tail does.

#define KOTOBA_NAME2(name, suffix) name##_##suffix
#define KOTOBA_NAME1(name, suffix) KOTOBA_NAME2(name, suffix)
#define KOTOBA_NAME(name) KOTOBA_NAME1(name, KOTOBA_SUFFIX)

KOTOBA_TARGET static void KOTOBA_NAME(quantize_row)(const float *x, size_t in, uint8_t *q, size_t kp, float *scale,
                                                    int32_t *zero) {
#pragma clang fp contract(off)
    const kotoba_f8 zeros = {0, 0, 0, 0, 0, 0, 0, 0};
    kotoba_f8 low = zeros, high = zeros;
    size_t k = 0;
    for (; k + 8 <= in; k += 8) {
        kotoba_f8 v;
        __builtin_memcpy(&v, x + k, sizeof v);
        low = __builtin_elementwise_min(low, v);
        high = __builtin_elementwise_max(high, v);
    }
    float lo = 0, hi = 0;
    for (int lane = 0; lane < 8; lane++) {
        lo = fminf(lo, low[lane]);
        hi = fmaxf(hi, high[lane]);
    }
    for (; k < in; k++) {
        lo = fminf(lo, x[k]);
        hi = fmaxf(hi, x[k]);
    }
    float s = (hi - lo) / 255.0f;
    if (!(s > 0) || !isfinite(s)) s = 1.0f;
    const float z = fminf(fmaxf(round_even(-lo / s), 0.0f), 255.0f);
    const kotoba_f8 divisor = {s, s, s, s, s, s, s, s}, offset = {z, z, z, z, z, z, z, z};
    const kotoba_f8 magic = {12582912.0f, 12582912.0f, 12582912.0f, 12582912.0f,
                             12582912.0f, 12582912.0f, 12582912.0f, 12582912.0f};
    const kotoba_f8 top = {255, 255, 255, 255, 255, 255, 255, 255};
    for (k = 0; k + 8 <= in; k += 8) {
        kotoba_f8 v;
        __builtin_memcpy(&v, x + k, sizeof v);
        v = ((v / divisor + magic) - magic) + offset;
        // minnum/maxnum map NaN to the bound, so the conversion below is always defined.
        v = __builtin_elementwise_min(__builtin_elementwise_max(v, zeros), top);
        const kotoba_b8 codes = __builtin_convertvector(__builtin_convertvector(v, kotoba_i8), kotoba_b8);
        __builtin_memcpy(q + k, &codes, sizeof codes);
    }
    for (; k < in; k++) q[k] = (uint8_t)fminf(fmaxf(round_even(x[k] / s) + z, 0.0f), 255.0f);
    for (k = in; k < kp; k++) q[k] = 0;  // padding meets zero weights
    *scale = s;
    *zero = (int32_t)z;
}

#undef KOTOBA_NAME
#undef KOTOBA_NAME1
#undef KOTOBA_NAME2
