// The panel kernel (PanelBodies.h) built for each instruction set, dispatched on the same choice as the other
// kernels (kotoba_isa_active), and the packing that lays weights out for it.
#include "CKernels.h"

#include <stdint.h>

#include "Vectors.h"

/// Rows per block: 96 rows × 512 inputs = 192 KB of input, which stays in L2 while the panels pass over it.
#define KOTOBA_PANEL_ROWS 96

#define KOTOBA_BODIES "PanelBodies.h"
#include "EachISA.h"

size_t kotoba_panel_count(size_t out) { return (out + 15) / 16; }

/// Where weight (o, k) of `in` inputs sits in the packed layout; every reader and writer goes through this.
static inline size_t panel_index(size_t o, size_t k, size_t in) { return ((o / 16) * in + k) * 16 + o % 16; }

void kotoba_pack_panels(const float *w, size_t in, size_t out, float *packed) {
    const size_t padded = kotoba_panel_count(out) * 16;
    for (size_t o = 0; o < padded; o++)
        for (size_t k = 0; k < in; k++) packed[panel_index(o, k, in)] = o < out ? w[o * in + k] : 0.0f;
}

void kotoba_pack_panels_f16(const uint16_t *w, size_t in, size_t out, uint16_t *packed) {
    const size_t padded = kotoba_panel_count(out) * 16;
    for (size_t o = 0; o < padded; o++)
        for (size_t k = 0; k < in; k++) packed[panel_index(o, k, in)] = o < out ? w[o * in + k] : 0;
}

void kotoba_unpack_panels(const float *packed, size_t in, size_t out, float *w) {
    for (size_t o = 0; o < out; o++)
        for (size_t k = 0; k < in; k++) w[o * in + k] = packed[panel_index(o, k, in)];
}

void kotoba_unpack_panels_f16(const uint16_t *packed, size_t in, size_t out, uint16_t *w) {
    for (size_t o = 0; o < out; o++)
        for (size_t k = 0; k < in; k++) w[o * in + k] = packed[panel_index(o, k, in)];
}

void kotoba_linear_panels_for(kotoba_isa isa, const float *x, size_t rows, size_t ldx, size_t in,
                              const float *packed, size_t out, const float *bias, float *y, size_t first_panel,
                              size_t end_panel) {
    switch (isa) {
#if defined(__x86_64__)
    case KOTOBA_ISA_AVX512: linear_panels_avx512(x, rows, ldx, in, packed, out, bias, y, first_panel, end_panel); return;
    case KOTOBA_ISA_AVX2: linear_panels_avx2(x, rows, ldx, in, packed, out, bias, y, first_panel, end_panel); return;
#endif
    default: linear_panels_baseline(x, rows, ldx, in, packed, out, bias, y, first_panel, end_panel); return;
    }
}

void kotoba_linear_panels(const float *x, size_t rows, size_t ldx, size_t in, const float *packed, size_t out,
                          const float *bias, float *y, size_t first_panel, size_t end_panel) {
    kotoba_linear_panels_for(kotoba_isa_active(), x, rows, ldx, in, packed, out, bias, y, first_panel, end_panel);
}

void kotoba_linear_panels_f16_for(kotoba_isa isa, const float *x, size_t rows, size_t ldx, size_t in,
                                  const uint16_t *packed, size_t out, const float *bias, float *y,
                                  size_t first_panel, size_t end_panel) {
    switch (isa) {
#if defined(__x86_64__)
    case KOTOBA_ISA_AVX512: linear_panels_f16_avx512(x, rows, ldx, in, packed, out, bias, y, first_panel, end_panel); return;
    case KOTOBA_ISA_AVX2: linear_panels_f16_avx2(x, rows, ldx, in, packed, out, bias, y, first_panel, end_panel); return;
#endif
    default: linear_panels_f16_baseline(x, rows, ldx, in, packed, out, bias, y, first_panel, end_panel); return;
    }
}

void kotoba_linear_panels_f16(const float *x, size_t rows, size_t ldx, size_t in, const uint16_t *packed,
                              size_t out, const float *bias, float *y, size_t first_panel, size_t end_panel) {
    kotoba_linear_panels_f16_for(kotoba_isa_active(), x, rows, ldx, in, packed, out, bias, y, first_panel,
                                 end_panel);
}
