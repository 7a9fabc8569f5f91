// One variant of the panel kernel, included by PanelBodies.h once per weight type with KOTOBA_W (the stored
// element), KOTOBA_W_LOAD (one register of them as floats), KOTOBA_VARIANT (a name suffix) and the register shape
// (KOTOBA_PV, KOTOBA_TILE_ROWS, KOTOBA_TILE_PANELS) defined; no include guard on purpose. Both variants do the same
// float arithmetic in the same order, so F16 weights give exactly the results their F32 values would.

/// `R` input rows against `P` panels (16 · P outputs): R × P · KOTOBA_PV_PER_PANEL accumulators. Each k broadcasts
/// one input per row against the panels' weights, so every output's sum runs over k in order, one fused
/// multiply-add at a time.
KOTOBA_TARGET static inline __attribute__((always_inline)) void KOTOBA_NAME(KOTOBA_VARIANT(panel_tile))(
    const int R, const int P, const float *x, size_t ldx, size_t in, const KOTOBA_W *panels, float *y, size_t ldy,
    size_t first_output, size_t out, const float *bias) {
    enum { V = KOTOBA_PV_PER_PANEL };
    KOTOBA_PV acc[8][8];
    for (int r = 0; r < R; r++)
        for (int j = 0; j < V * P; j++) acc[r][j] = (KOTOBA_PV){0};
    for (size_t k = 0; k < in; k++) {
        KOTOBA_PV w[8];
        for (int p = 0; p < P; p++) {
            const KOTOBA_W *panel = panels + ((size_t)p * in + k) * 16;
            for (int v = 0; v < V; v++) w[V * p + v] = KOTOBA_W_LOAD(panel + KOTOBA_PV_LANES * v);
        }
        for (int r = 0; r < R; r++) {
            const float s = x[r * ldx + k];
            for (int j = 0; j < V * P; j++) acc[r][j] += s * w[j];
        }
    }
    if (first_output + 16 * (size_t)P <= out) {
        for (int r = 0; r < R; r++) {
            for (int j = 0; j < V * P; j++) {
                const size_t o = first_output + KOTOBA_PV_LANES * (size_t)j;
                const KOTOBA_PV v = bias ? acc[r][j] + KOTOBA_PV_LOAD(bias + o) : acc[r][j];
                __builtin_memcpy(y + r * ldy + o, &v, sizeof v);
            }
        }
        return;
    }
    // The last panel: only the outputs that exist.
    for (int r = 0; r < R; r++) {
        float lanes[128];
        __builtin_memcpy(lanes, acc[r], sizeof(KOTOBA_PV) * V * (size_t)P);
        for (size_t i = 0; first_output + i < out; i++) {
            y[r * ldy + first_output + i] = lanes[i] + (bias ? bias[first_output + i] : 0.0f);
        }
    }
}

/// `rows` rows (fewer than one row block) against `P` panels: whole tiles of KOTOBA_TILE_ROWS rows, then one tile
/// of the rest.
KOTOBA_TARGET static inline __attribute__((always_inline)) void KOTOBA_NAME(KOTOBA_VARIANT(panel_rows))(
    const int P, size_t rows, const float *x, size_t ldx, size_t in, const KOTOBA_W *panels, float *y, size_t ldy,
    size_t first_output, size_t out, const float *bias) {
#define KOTOBA_TILE(R) KOTOBA_NAME(KOTOBA_VARIANT(panel_tile))(R, P, xr, ldx, in, panels, yr, ldy, first_output, out, bias)
    size_t r = 0;
    for (; r + KOTOBA_TILE_ROWS <= rows; r += KOTOBA_TILE_ROWS) {
        const float *xr = x + r * ldx;
        float *yr = y + r * ldy;
        KOTOBA_TILE(KOTOBA_TILE_ROWS);
    }
    const float *xr = x + r * ldx;
    float *yr = y + r * ldy;
    switch (rows - r) {
#if KOTOBA_TILE_ROWS > 7
    case 7: KOTOBA_TILE(7); break;
    case 6: KOTOBA_TILE(6); break;
#endif
    case 5: KOTOBA_TILE(5); break;
    case 4: KOTOBA_TILE(4); break;
    case 3: KOTOBA_TILE(3); break;
    case 2: KOTOBA_TILE(2); break;
    case 1: KOTOBA_TILE(1); break;
    default: break;
    }
#undef KOTOBA_TILE
}

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
            // One row: four panels at a time, so more sums are in flight.
            for (; p + 4 <= end_panel; p += 4) {
                KOTOBA_NAME(KOTOBA_VARIANT(panel_tile))(1, 4, xb, ldx, in, packed + p * in * 16, yb, out, p * 16, out,
                                                        bias);
            }
        }
#if KOTOBA_TILE_PANELS == 2
        for (; p + 2 <= end_panel; p += 2) {
            KOTOBA_NAME(KOTOBA_VARIANT(panel_rows))(2, rc, xb, ldx, in, packed + p * in * 16, yb, out, p * 16, out,
                                                    bias);
        }
#endif
        for (; p < end_panel; p++) {
            KOTOBA_NAME(KOTOBA_VARIANT(panel_rows))(1, rc, xb, ldx, in, packed + p * in * 16, yb, out, p * 16, out,
                                                    bias);
        }
    }
}
