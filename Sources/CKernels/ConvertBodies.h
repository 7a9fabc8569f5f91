// Half ↔ float conversion loops, included once per instruction set by Convert.c with KOTOBA_TARGET and
// KOTOBA_SUFFIX defined; no include guard on purpose. Eight at a time through _Float16 vectors (one vcvtph2ps or
// vcvtps2ph with F16C, a library call per element in the baseline build), then the tail one by one.

#define KOTOBA_NAME2(name, suffix) name##_##suffix
#define KOTOBA_NAME1(name, suffix) KOTOBA_NAME2(name, suffix)
#define KOTOBA_NAME(name) KOTOBA_NAME1(name, KOTOBA_SUFFIX)

KOTOBA_TARGET static void KOTOBA_NAME(halves_to_floats)(const void *halves, float *out, size_t count) {
    const unsigned char *bytes = halves;
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        kotoba_h8 h;
        __builtin_memcpy(&h, bytes + 2 * i, sizeof h);
        const kotoba_f8 f = __builtin_convertvector(h, kotoba_f8);
        __builtin_memcpy(out + i, &f, sizeof f);
    }
    for (; i < count; i++) {
        _Float16 h;
        __builtin_memcpy(&h, bytes + 2 * i, sizeof h);
        out[i] = (float)h;
    }
}

KOTOBA_TARGET static int KOTOBA_NAME(floats_to_halves_exact)(const float *values, uint16_t *out, size_t count) {
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        kotoba_f8 f;
        __builtin_memcpy(&f, values + i, sizeof f);
        const kotoba_h8 h = __builtin_convertvector(f, kotoba_h8);
        const kotoba_f8 back = __builtin_convertvector(h, kotoba_f8);
        // Any lane that did not survive the round trip (NaN included, as x != x) makes the whole answer no.
        const kotoba_i8 same = back == f;
        for (int lane = 0; lane < 8; lane++) {
            if (!same[lane]) return 0;
        }
        __builtin_memcpy(out + i, &h, sizeof h);
    }
    for (; i < count; i++) {
        const _Float16 h = (_Float16)values[i];
        if ((float)h != values[i]) return 0;
        __builtin_memcpy(out + i, &h, sizeof h);
    }
    return 1;
}

#undef KOTOBA_NAME
#undef KOTOBA_NAME1
#undef KOTOBA_NAME2
