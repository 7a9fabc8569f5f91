#ifndef KOTOBA_CZLIB_SHIM_H
#define KOTOBA_CZLIB_SHIM_H
#include <zlib.h>

// zlib's init functions are macros (they pass the library version and the stream's size), which Swift
// cannot call; these inline wrappers can be.
static inline int kotoba_inflate_init(z_stream *stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

static inline int kotoba_deflate_init(z_stream *stream, int level, int windowBits) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}

#endif
