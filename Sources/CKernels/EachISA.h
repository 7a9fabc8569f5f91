// Includes the kernel bodies named by KOTOBA_BODIES once per instruction set, each build's functions suffixed
// _baseline, _avx2 or _avx512 and compiled for that set (KOTOBA_WIDE is defined in the AVX-512 one, for bodies
// that use 16-float registers there): the one block every kernel file needs, so the builds
// of all kernels stay alike. Features, not `arch=` names: an `arch=haswell` build suits only that CPU model, not
// an AMD one with the same features. AVX2 implies neither FMA nor F16C, so both are named (the AVX2 check in
// Pointwise.c requires them); AVX-512F implies both.
#ifndef KOTOBA_BODIES
#error "define KOTOBA_BODIES as the bodies header before including EachISA.h"
#endif

#define KOTOBA_TARGET
#define KOTOBA_SUFFIX baseline
#include KOTOBA_BODIES
#undef KOTOBA_TARGET
#undef KOTOBA_SUFFIX

#if defined(__x86_64__)
#define KOTOBA_TARGET __attribute__((target("avx2,fma,f16c")))
#define KOTOBA_SUFFIX avx2
#include KOTOBA_BODIES
#undef KOTOBA_TARGET
#undef KOTOBA_SUFFIX

#define KOTOBA_TARGET __attribute__((target("avx512f")))
#define KOTOBA_SUFFIX avx512
#define KOTOBA_WIDE 1
#include KOTOBA_BODIES
#undef KOTOBA_TARGET
#undef KOTOBA_SUFFIX
#undef KOTOBA_WIDE
#endif

#undef KOTOBA_BODIES
