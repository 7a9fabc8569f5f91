// The vector types of the float linear kernels (Linear.c, Panel.c), and the loads their bodies share.
#ifndef KOTOBA_VECTORS_H
#define KOTOBA_VECTORS_H

// The baseline build passes 8-float vectors between static inline helpers, which never cross a call boundary
// another compiler sees, so the ABI note about vector returns without AVX does not apply.
#pragma clang diagnostic ignored "-Wpsabi"

/// Eight floats: one AVX register, two SSE ones in the baseline build.
typedef float kotoba_v8 __attribute__((vector_size(32)));
/// Eight halves, converted to a kotoba_v8 by one vcvtph2ps where F16C is available.
typedef _Float16 kotoba_h8 __attribute__((vector_size(16)));
/// Sixteen floats: one AVX-512 register (the panel kernel's AVX-512 build).
typedef float kotoba_v16 __attribute__((vector_size(64)));
/// Sixteen halves, converted to a kotoba_v16 by one vcvtph2ps.
typedef _Float16 kotoba_h16 __attribute__((vector_size(32)));

#endif
