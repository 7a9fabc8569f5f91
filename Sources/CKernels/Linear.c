// The skinny linear kernel (LinearBodies.h) built for each instruction set, dispatched on the same choice as the
// pointwise kernels (kotoba_isa_active: the best build the CPU runs, or the one KOTOBA_CPU names).
#include "CKernels.h"

#include <stdint.h>

#include "Vectors.h"

#define KOTOBA_BODIES "LinearBodies.h"
#include "EachISA.h"

void kotoba_linear_rows_for(kotoba_isa isa, const float *x, size_t rows, size_t in, const float *w, size_t out,
                            const float *bias, float *y, size_t first_output, size_t end_output) {
    switch (isa) {
#if defined(__x86_64__)
    case KOTOBA_ISA_AVX512: linear_rows_avx512(x, rows, in, w, out, bias, y, first_output, end_output); return;
    case KOTOBA_ISA_AVX2: linear_rows_avx2(x, rows, in, w, out, bias, y, first_output, end_output); return;
#endif
    default: linear_rows_baseline(x, rows, in, w, out, bias, y, first_output, end_output); return;
    }
}

void kotoba_linear_rows(const float *x, size_t rows, size_t in, const float *w, size_t out, const float *bias,
                        float *y, size_t first_output, size_t end_output) {
    kotoba_linear_rows_for(kotoba_isa_active(), x, rows, in, w, out, bias, y, first_output, end_output);
}

void kotoba_linear_rows_f16_for(kotoba_isa isa, const float *x, size_t rows, size_t in, const uint16_t *w,
                                size_t out, const float *bias, float *y, size_t first_output, size_t end_output) {
    switch (isa) {
#if defined(__x86_64__)
    case KOTOBA_ISA_AVX512: linear_rows_f16_avx512(x, rows, in, w, out, bias, y, first_output, end_output); return;
    case KOTOBA_ISA_AVX2: linear_rows_f16_avx2(x, rows, in, w, out, bias, y, first_output, end_output); return;
#endif
    default: linear_rows_f16_baseline(x, rows, in, w, out, bias, y, first_output, end_output); return;
    }
}

void kotoba_linear_rows_f16(const float *x, size_t rows, size_t in, const uint16_t *w, size_t out,
                            const float *bias, float *y, size_t first_output, size_t end_output) {
    kotoba_linear_rows_f16_for(kotoba_isa_active(), x, rows, in, w, out, bias, y, first_output, end_output);
}
