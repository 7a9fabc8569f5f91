// The panel kernel's body, included once per instruction set by Panel.c with KOTOBA_TARGET (a function
// attribute) and KOTOBA_SUFFIX (a name suffix) defined; no include guard on purpose.
//
// y[r, o] = bias[o] + Σ_k x[r, k] · w[o, k] with the weights packed at load into panels of 16 outputs, input-major
// (`kotoba_pack_panels`): each step loads two vectors of weights and broadcasts one input per row against them, so
// a tile of 6 rows × 16 outputs keeps 12 accumulators busy on 8 loads, where a dot-product kernel needs a load per
// multiply-add and a sum across lanes at the end. Every output is one chain of fused multiply-adds over k in
// order, then the bias: its value depends on its row and the weights alone, not on how many rows came with it,
// which tile took it or how the outputs were split between threads.

#define KOTOBA_NAME2(name, suffix) name##_##suffix
#define KOTOBA_NAME1(name, suffix) KOTOBA_NAME2(name, suffix)
#define KOTOBA_NAME(name) KOTOBA_NAME1(name, KOTOBA_SUFFIX)

#include "VectorLoads.h"

#define KOTOBA_VARIANT(name) name
#define KOTOBA_W float
#define KOTOBA_W_LOAD8(p) KOTOBA_NAME(load8)(p)
#include "PanelBlock.h"
#undef KOTOBA_VARIANT
#undef KOTOBA_W
#undef KOTOBA_W_LOAD8

#define KOTOBA_VARIANT(name) name##_f16
#define KOTOBA_W uint16_t
#define KOTOBA_W_LOAD8(p) KOTOBA_NAME(load8h)(p)
#include "PanelBlock.h"
#undef KOTOBA_VARIANT
#undef KOTOBA_W
#undef KOTOBA_W_LOAD8

#undef KOTOBA_NAME
#undef KOTOBA_NAME1
#undef KOTOBA_NAME2
