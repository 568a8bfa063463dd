// XXH3 built for any CPU of the target (SSE2 on x86-64): see xxh3_build.hpp.
#include "xxh3_build.hpp"

#define XXH_INLINE_ALL
#include <xxhash.h>

#define CAIRN_XXH3_BUILD k_xxh3_baseline
#define CAIRN_XXH3_NAME "baseline"
#include "xxh3_build.inc"
