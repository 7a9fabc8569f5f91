// The pointwise kernels' bodies, included once per instruction set by Pointwise.c with KOTOBA_TARGET (a
// function attribute) and KOTOBA_SUFFIX (a name suffix) defined, so each build is an ordinary function that
// the dispatcher (Dispatch.c) can name; no include guard on purpose.
// The arithmetic is KotobaTensor's VectorMath (Cephes expf; A&S 7.1.26 erf, the approximation PyTorch's
// vectorised CPU kernel uses), written as branch-free scalar loops the vectoriser turns into 8- or 16-lane code.
// The AVX2 and AVX-512 builds contract multiply-adds into FMAs, so their results may differ from the baseline
// build's in the last bit.

#define KOTOBA_NAME2(name, suffix) name##_##suffix
#define KOTOBA_NAME1(name, suffix) KOTOBA_NAME2(name, suffix)
#define KOTOBA_NAME(name) KOTOBA_NAME1(name, KOTOBA_SUFFIX)

// e^x: Cephes' range reduction by ln 2 and degree-6 polynomial. 2ⁿ is built as 2^⌊n/2⌋ · 2^⌈n/2⌉, since n
// reaches 128 just below the overflow threshold, where 2ⁿ alone is not a float.
KOTOBA_TARGET static inline float KOTOBA_NAME(exp_cephes)(float x) {
    const float low = -87.33654f, high = 88.72283f;
    const float clamped = x < low ? low : (x > high ? high : x);
    const float magic = 12582912.0f;  // 1.5 · 2²³: adding it rounds to an integer kept in the low mantissa bits
    const float shifted = clamped * 1.442695040888963f + magic;
    const float n = shifted - magic;
    const int32_t integer = float_to_bits(shifted) - 0x4B400000;
    const float r = clamped - n * 0.693359375f + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    const float y = p * r * r + r + 1.0f;
    const int32_t half = integer >> 1;
    const float result = y * bits_to_float((half + 127) << 23) * bits_to_float((integer - half + 127) << 23);
    return x < low ? 0.0f : (x > high ? __builtin_inff() : result);
}

KOTOBA_TARGET static void KOTOBA_NAME(gelu_erf)(float *values, size_t count) {
    for (size_t i = 0; i < count; i++) {
        const float x = values[i];
        const float z = x * 0.70710678118654752f;
        const float a = z < 0 ? -z : z;
        const float t = 1.0f / (1.0f + 0.3275911f * a);
        float p = 1.061405429f;
        p = p * t - 1.453152027f;
        p = p * t + 1.421413741f;
        p = p * t - 0.284496736f;
        p = p * t + 0.254829592f;
        const float magnitude = 1.0f - p * t * KOTOBA_NAME(exp_cephes)(-a * a);
        const float erf = z < 0 ? -magnitude : magnitude;
        values[i] = 0.5f * x * (1.0f + erf);
    }
}

KOTOBA_TARGET static void KOTOBA_NAME(exp_shifted)(float *values, size_t count, float shift) {
    for (size_t i = 0; i < count; i++) {
        values[i] = KOTOBA_NAME(exp_cephes)(values[i] - shift);
    }
}

KOTOBA_TARGET static float KOTOBA_NAME(exp_sum_shifted)(const float *values, size_t count, float shift) {
    float lanes[16] = {0};
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        for (size_t j = 0; j < 16; j++) {
            lanes[j] += KOTOBA_NAME(exp_cephes)(values[i + j] - shift);
        }
    }
    for (size_t j = 0; i + j < count; j++) {
        lanes[j] += KOTOBA_NAME(exp_cephes)(values[i + j] - shift);
    }
    float total = 0;
    for (size_t j = 0; j < 16; j++) {
        total += lanes[j];
    }
    return total;
}

KOTOBA_TARGET static void KOTOBA_NAME(silu)(float *values, size_t count) {
    for (size_t i = 0; i < count; i++) {
        const float x = values[i];
        values[i] = x / (1.0f + KOTOBA_NAME(exp_cephes)(-x));
    }
}

/// This build's entry points, for the dispatch table.
static const struct kotoba_pointwise_table KOTOBA_NAME(table) = {
    KOTOBA_NAME(gelu_erf), KOTOBA_NAME(exp_shifted), KOTOBA_NAME(exp_sum_shifted), KOTOBA_NAME(silu),
};

#undef KOTOBA_NAME
#undef KOTOBA_NAME1
#undef KOTOBA_NAME2
