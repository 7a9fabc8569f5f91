// One variant of the panel kernel, included by PanelBodies.h once per weight type with KOTOBA_W (the stored
// element), KOTOBA_W_LOAD8 (eight of them as floats) and KOTOBA_VARIANT (a name suffix) defined; no include guard
// on purpose. Both variants do the same float arithmetic in the same order, so F16 weights give exactly the
// results their F32 values would.

/// `R` input rows against `P` panels (16 · P outputs): R × 2P accumulators of 8 lanes. Each k broadcasts one input
/// per row against 2P weight vectors, so every output's sum runs over k in order, one fused multiply-add at a time.
KOTOBA_TARGET static inline __attribute__((always_inline)) void KOTOBA_NAME(KOTOBA_VARIANT(panel_tile))(
    const int R, const int P, const float *x, size_t ldx, size_t in, const KOTOBA_W *panels, float *y, size_t ldy,
    size_t first_output, size_t out, const float *bias) {
    kotoba_v8 acc[6][8];
    for (int r = 0; r < R; r++)
        for (int j = 0; j < 2 * P; j++) acc[r][j] = (kotoba_v8){0, 0, 0, 0, 0, 0, 0, 0};
    for (size_t k = 0; k < in; k++) {
        kotoba_v8 w[8];
        for (int p = 0; p < P; p++) {
            const KOTOBA_W *panel = panels + ((size_t)p * in + k) * 16;
            w[2 * p] = KOTOBA_W_LOAD8(panel);
            w[2 * p + 1] = KOTOBA_W_LOAD8(panel + 8);
        }
        for (int r = 0; r < R; r++) {
            const float s = x[r * ldx + k];
            const kotoba_v8 b = {s, s, s, s, s, s, s, s};
            for (int j = 0; j < 2 * P; j++) acc[r][j] += b * w[j];
        }
    }
    if (first_output + 16 * (size_t)P <= out) {
        for (int r = 0; r < R; r++) {
            for (int j = 0; j < 2 * P; j++) {
                const size_t o = first_output + 8 * (size_t)j;
                const kotoba_v8 v = bias ? acc[r][j] + KOTOBA_NAME(load8)(bias + o) : acc[r][j];
                __builtin_memcpy(y + r * ldy + o, &v, sizeof v);
            }
        }
        return;
    }
    // The last panel: only the outputs that exist.
    for (int r = 0; r < R; r++) {
        float lanes[64];
        __builtin_memcpy(lanes, acc[r], sizeof(kotoba_v8) * 2 * (size_t)P);
        for (size_t i = 0; first_output + i < out; i++) {
            y[r * ldy + first_output + i] = lanes[i] + (bias ? bias[first_output + i] : 0.0f);
        }
    }
}

#define KOTOBA_PANEL_TILE(R, P)                                                                                      \
    KOTOBA_TARGET static void KOTOBA_NAME(KOTOBA_VARIANT(panel_tile_##R##_##P))(                                     \
        const float *x, size_t ldx, size_t in, const KOTOBA_W *panels, float *y, size_t ldy, size_t first_output,   \
        size_t out, const float *bias) {                                                                             \
        KOTOBA_NAME(KOTOBA_VARIANT(panel_tile))(R, P, x, ldx, in, panels, y, ldy, first_output, out, bias);          \
    }
KOTOBA_PANEL_TILE(1, 1)
KOTOBA_PANEL_TILE(2, 1)
KOTOBA_PANEL_TILE(3, 1)
KOTOBA_PANEL_TILE(4, 1)
KOTOBA_PANEL_TILE(5, 1)
KOTOBA_PANEL_TILE(6, 1)
KOTOBA_PANEL_TILE(1, 4)
#undef KOTOBA_PANEL_TILE

/// Rows `rows` against panels first_panel ..< end_panel, a block of rows at a time: the block stays in L2 while
/// the panels pass over it, and each panel's rows of weights in L1 while the block's row tiles pass over them.
KOTOBA_TARGET static void KOTOBA_NAME(KOTOBA_VARIANT(linear_panels))(
    const float *x, size_t rows, size_t ldx, size_t in, const KOTOBA_W *packed, size_t out, const float *bias,
    float *y, size_t first_panel, size_t end_panel) {
    for (size_t r0 = 0; r0 < rows; r0 += KOTOBA_PANEL_ROWS) {
        const size_t rc = rows - r0 < KOTOBA_PANEL_ROWS ? rows - r0 : KOTOBA_PANEL_ROWS;
        const float *xb = x + r0 * ldx;
        float *yb = y + r0 * out;
        size_t p = first_panel;
        if (rc == 1) {
            // One row: four panels at a time, so eight sums are in flight instead of two.
            for (; p + 4 <= end_panel; p += 4) {
                KOTOBA_NAME(KOTOBA_VARIANT(panel_tile_1_4))(xb, ldx, in, packed + p * in * 16, yb, out, p * 16, out,
                                                            bias);
            }
        }
        for (; p < end_panel; p++) {
            const KOTOBA_W *panel = packed + p * in * 16;
            size_t r = 0;
            for (; r + 6 <= rc; r += 6) {
                KOTOBA_NAME(KOTOBA_VARIANT(panel_tile_6_1))(xb + r * ldx, ldx, in, panel, yb + r * out, out, p * 16,
                                                            out, bias);
            }
            const float *xr = xb + r * ldx;
            float *yr = yb + r * out;
            switch (rc - r) {
            case 5: KOTOBA_NAME(KOTOBA_VARIANT(panel_tile_5_1))(xr, ldx, in, panel, yr, out, p * 16, out, bias); break;
            case 4: KOTOBA_NAME(KOTOBA_VARIANT(panel_tile_4_1))(xr, ldx, in, panel, yr, out, p * 16, out, bias); break;
            case 3: KOTOBA_NAME(KOTOBA_VARIANT(panel_tile_3_1))(xr, ldx, in, panel, yr, out, p * 16, out, bias); break;
            case 2: KOTOBA_NAME(KOTOBA_VARIANT(panel_tile_2_1))(xr, ldx, in, panel, yr, out, p * 16, out, bias); break;
            case 1: KOTOBA_NAME(KOTOBA_VARIANT(panel_tile_1_1))(xr, ldx, in, panel, yr, out, p * 16, out, bias); break;
            default: break;
            }
        }
    }
}
