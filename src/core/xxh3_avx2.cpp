// XXH3 built for AVX2 (this file alone is compiled with -mavx2): see xxh3_build.hpp.
#include "xxh3_build.hpp"

#define XXH_INLINE_ALL
#include <xxhash.h>

#if !defined(__AVX2__)
#error "xxh3_avx2.cpp must be compiled with -mavx2"
#endif

#define CAIRN_XXH3_BUILD k_xxh3_avx2
#define CAIRN_XXH3_NAME "avx2"
#include "xxh3_build.inc"
