#pragma once

// libcurl, libarchive and ISA-L, loaded on first use (include/cairn/core/lazy_library.hpp
// says why and how). The net and store modules call their C APIs as usual: this module
// defines those functions (src/lazy/curl.cpp, archive.cpp, isal.cpp).

#include "cairn/core/lazy_library.hpp"

namespace cairn::lazy {

// The libraries loaded this way (their sonames are the ones cairn was built against).
extern const SharedLibrary libcurl;
extern const SharedLibrary libarchive;
extern const SharedLibrary libisal; // gzip inflation (src/store/gzip_inflater.hpp)

} // namespace cairn::lazy
