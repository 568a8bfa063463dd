#pragma once

// Helpers for the forwarding definitions in curl.cpp and archive.cpp.

#include "cairn/lazy/shared_library.hpp"

namespace cairn::lazy::detail {

// The library's own definition of the function `name`, whose type is Fn.
template <typename Fn>
Fn resolve(const SharedLibrary& library, const char* name) {
    return reinterpret_cast<Fn>(symbol(library, name));
}

} // namespace cairn::lazy::detail

// Inside the forwarding definition of the library function `name`: `real` is the library's
// own, looked up once (the first call loads the library).
#define CAIRN_LAZY_REAL(library, name)                                                             \
    static const auto real = ::cairn::lazy::detail::resolve<decltype(&::name)>(library, #name)
