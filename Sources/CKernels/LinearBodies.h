// The skinny linear kernel's body, included once per instruction set by Linear.c with KOTOBA_TARGET (a function
// attribute) and KOTOBA_SUFFIX (a name suffix) defined; no include guard on purpose.
//
// y[r, o] = bias[o] + Σ_k x[r, k] · w[o, k] for a few rows r: each output is a dot product of an input row with a
// weight row, both contiguous, so the weights are read once, in place, as they lie in memory. A BLAS library
// instead copies ("packs") the whole weight matrix into its own layout on every call, which for one short
// sentence costs more than the arithmetic. Blocks of 2 weight rows × 4 input rows keep 8 accumulators of 8
// lanes in registers (a single input row takes 4 weight rows at a time instead); the k loop runs in steps of 8
// and the lanes are summed at the end, so the summation order is fixed by the shapes alone (the same on every
// CPU for a given build), not by the row count or the thread.

#define KOTOBA_NAME2(name, suffix) name##_##suffix
#define KOTOBA_NAME1(name, suffix) KOTOBA_NAME2(name, suffix)
#define KOTOBA_NAME(name) KOTOBA_NAME1(name, KOTOBA_SUFFIX)

KOTOBA_TARGET static inline float KOTOBA_NAME(lane_sum)(kotoba_v8 v) {
    return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

#include "VectorLoads.h"

KOTOBA_TARGET static inline float KOTOBA_NAME(load1h)(uint16_t bits) {
    _Float16 h;
    __builtin_memcpy(&h, &bits, sizeof h);
    return (float)h;
}

#define KOTOBA_VARIANT(name) name
#define KOTOBA_W float
#define KOTOBA_W_LOAD8(p) KOTOBA_NAME(load8)(p)
#define KOTOBA_W_LOAD1(v) (v)
#include "LinearBlock.h"
#undef KOTOBA_VARIANT
#undef KOTOBA_W
#undef KOTOBA_W_LOAD8
#undef KOTOBA_W_LOAD1

#define KOTOBA_VARIANT(name) name##_f16
#define KOTOBA_W uint16_t
#define KOTOBA_W_LOAD8(p) KOTOBA_NAME(load8h)(p)
#define KOTOBA_W_LOAD1(v) KOTOBA_NAME(load1h)(v)
#include "LinearBlock.h"
#undef KOTOBA_VARIANT
#undef KOTOBA_W
#undef KOTOBA_W_LOAD8
#undef KOTOBA_W_LOAD1

#undef KOTOBA_NAME
#undef KOTOBA_NAME1
#undef KOTOBA_NAME2
