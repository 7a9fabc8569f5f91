// The panel kernel's body, included once per instruction set by Panel.c with KOTOBA_TARGET (a function
// attribute) and KOTOBA_SUFFIX (a name suffix) defined; no include guard on purpose.
//
// y[r, o] = bias[o] + Σ_k x[r, k] · w[o, k] with the weights packed at load into panels of 16 outputs, input-major
// (`kotoba_pack_panels`): each step loads a panel's weights and broadcasts one input per row against them, so a
// tile of 6 rows × 16 outputs (8 rows × 32 outputs with AVX-512) keeps 12 (16) accumulators busy on 8 (10) loads,
// where a dot-product kernel needs a load per multiply-add and a sum across lanes at the end. Every output is one
// chain of fused multiply-adds over k in order, then the bias: its value depends on its row and the weights
// alone, not on how many rows came with it, which tile took it or how the outputs were split between threads.

#define KOTOBA_NAME2(name, suffix) name##_##suffix
#define KOTOBA_NAME1(name, suffix) KOTOBA_NAME2(name, suffix)
#define KOTOBA_NAME(name) KOTOBA_NAME1(name, KOTOBA_SUFFIX)

#include "VectorLoads.h"

// The register a panel's outputs live in: a whole panel in one 16-float register in the AVX-512 build, two
// 8-float ones elsewhere. The arithmetic per output is the same in both (one FMA chain over k, then the bias), so
// the AVX2 and AVX-512 builds give the same bits; the wide one does half the instructions and has 32 registers,
// so its tiles take two panels (32 outputs) of up to 8 rows.
#ifdef KOTOBA_WIDE
#define KOTOBA_PV kotoba_v16
#define KOTOBA_PV_LANES 16
#define KOTOBA_PV_LOAD(p) KOTOBA_NAME(load16)(p)
#define KOTOBA_PV_LOADH(p) KOTOBA_NAME(load16h)(p)
#define KOTOBA_TILE_ROWS 8
#define KOTOBA_TILE_PANELS 2
#else
#define KOTOBA_PV kotoba_v8
#define KOTOBA_PV_LANES 8
#define KOTOBA_PV_LOAD(p) KOTOBA_NAME(load8)(p)
#define KOTOBA_PV_LOADH(p) KOTOBA_NAME(load8h)(p)
#define KOTOBA_TILE_ROWS 6
#define KOTOBA_TILE_PANELS 1
#endif
/// Registers per panel.
#define KOTOBA_PV_PER_PANEL (16 / KOTOBA_PV_LANES)

#define KOTOBA_VARIANT(name) name
#define KOTOBA_W float
#define KOTOBA_W_LOAD(p) KOTOBA_PV_LOAD(p)
#include "PanelBlock.h"
#undef KOTOBA_VARIANT
#undef KOTOBA_W
#undef KOTOBA_W_LOAD

#define KOTOBA_VARIANT(name) name##_f16
#define KOTOBA_W uint16_t
#define KOTOBA_W_LOAD(p) KOTOBA_PV_LOADH(p)
#include "PanelBlock.h"
#undef KOTOBA_VARIANT
#undef KOTOBA_W
#undef KOTOBA_W_LOAD

#undef KOTOBA_PV
#undef KOTOBA_PV_LANES
#undef KOTOBA_PV_LOAD
#undef KOTOBA_PV_LOADH
#undef KOTOBA_TILE_ROWS
#undef KOTOBA_TILE_PANELS
#undef KOTOBA_PV_PER_PANEL

#undef KOTOBA_NAME
#undef KOTOBA_NAME1
#undef KOTOBA_NAME2
