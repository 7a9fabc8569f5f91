// The pointwise kernels for each instruction set (PointwiseBodies.h included once per build) and the dispatch
// table that picks one per process. Explicit builds instead of `target_clones`: an ifunc chooses by itself and
// cannot be told to run the baseline on an AVX-512 machine, which is what KOTOBA_CPU is for.
#include "CKernels.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline float bits_to_float(int32_t bits) {
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static inline int32_t float_to_bits(float f) {
    int32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return bits;
}

#define KOTOBA_BODIES "PointwiseBodies.h"
#include "EachISA.h"

int kotoba_isa_supported(kotoba_isa isa) {
    switch (isa) {
    case KOTOBA_ISA_BASELINE:
        return 1;
#if defined(__x86_64__)
    case KOTOBA_ISA_AVX2:
        __builtin_cpu_init();
        // F16C too: the linear kernel's AVX2 build converts half weights with it (every AVX2 CPU has it).
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    case KOTOBA_ISA_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f");
#endif
    default:
        return 0;
    }
}

int kotoba_cpu_has_avx512_skylake(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl");
#else
    return 0;
#endif
}

const struct kotoba_pointwise_table *kotoba_pointwise_for(kotoba_isa isa) {
    if (!kotoba_isa_supported(isa)) {
        return NULL;
    }
    switch (isa) {
#if defined(__x86_64__)
    case KOTOBA_ISA_AVX2: return &table_avx2;
    case KOTOBA_ISA_AVX512: return &table_avx512;
#endif
    default: return &table_baseline;
    }
}

static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
static const struct kotoba_pointwise_table *active_table = &table_baseline;
static kotoba_isa active_isa = KOTOBA_ISA_BASELINE;
static kotoba_isa_request request_status = KOTOBA_ISA_REQUEST_NONE;

static kotoba_isa best_isa(void) {
    if (kotoba_isa_supported(KOTOBA_ISA_AVX512)) return KOTOBA_ISA_AVX512;
    if (kotoba_isa_supported(KOTOBA_ISA_AVX2)) return KOTOBA_ISA_AVX2;
    return KOTOBA_ISA_BASELINE;
}

// Reads KOTOBA_CPU once per process. A bad value leaves the best build active and is reported through
// kotoba_isa_request_status, for the caller to refuse with a message: C has no error to throw here.
static void setup(void) {
    kotoba_isa chosen = best_isa();
    const char *requested = getenv("KOTOBA_CPU");
    if (requested != NULL && requested[0] != '\0') {
        kotoba_isa named;
        int known = 1;
        if (strcmp(requested, "baseline") == 0) named = KOTOBA_ISA_BASELINE;
        else if (strcmp(requested, "avx2") == 0) named = KOTOBA_ISA_AVX2;
        else if (strcmp(requested, "avx512") == 0) named = KOTOBA_ISA_AVX512;
        else known = 0;
        if (!known) {
            request_status = KOTOBA_ISA_REQUEST_UNKNOWN;
        } else if (!kotoba_isa_supported(named)) {
            request_status = KOTOBA_ISA_REQUEST_UNSUPPORTED;
        } else {
            request_status = KOTOBA_ISA_REQUEST_HONOURED;
            chosen = named;
        }
    }
    active_isa = chosen;
    active_table = kotoba_pointwise_for(chosen);
}

static inline const struct kotoba_pointwise_table *table(void) {
    pthread_once(&setup_once, setup);
    return active_table;
}

kotoba_isa kotoba_isa_active(void) {
    pthread_once(&setup_once, setup);
    return active_isa;
}

kotoba_isa_request kotoba_isa_request_status(void) {
    pthread_once(&setup_once, setup);
    return request_status;
}

void kotoba_gelu_erf(float *values, size_t count) { table()->gelu_erf(values, count); }

void kotoba_exp_shifted(float *values, size_t count, float shift) { table()->exp_shifted(values, count, shift); }

float kotoba_exp_sum_shifted(const float *values, size_t count, float shift) {
    return table()->exp_sum_shifted(values, count, shift);
}

void kotoba_silu(float *values, size_t count) { table()->silu(values, count); }
