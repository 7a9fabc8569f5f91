// IEEE half ↔ float conversion (ConvertBodies.h) built for each instruction set, dispatched like the other
// kernels: loading an F16 checkpoint converts every weight, which element by element in software took a tenth
// of a model's load.
#include "CKernels.h"

#include <stdint.h>

#pragma clang diagnostic ignored "-Wpsabi"  // vectors only pass between static functions of this file

typedef float kotoba_f8 __attribute__((vector_size(32)));
typedef int kotoba_i8 __attribute__((vector_size(32)));
typedef _Float16 kotoba_h8 __attribute__((vector_size(16)));

#define KOTOBA_BODIES "ConvertBodies.h"
#include "EachISA.h"

void kotoba_halves_to_floats(const void *halves, float *out, size_t count) {
    switch (kotoba_isa_active()) {
#if defined(__x86_64__)
    case KOTOBA_ISA_AVX512: halves_to_floats_avx512(halves, out, count); return;
    case KOTOBA_ISA_AVX2: halves_to_floats_avx2(halves, out, count); return;
#endif
    default: halves_to_floats_baseline(halves, out, count); return;
    }
}

int kotoba_floats_to_halves_exact(const float *values, uint16_t *out, size_t count) {
    switch (kotoba_isa_active()) {
#if defined(__x86_64__)
    case KOTOBA_ISA_AVX512: return floats_to_halves_exact_avx512(values, out, count);
    case KOTOBA_ISA_AVX2: return floats_to_halves_exact_avx2(values, out, count);
#endif
    default: return floats_to_halves_exact_baseline(values, out, count);
    }
}
