#pragma once

// Shared libraries cairn loads on first use instead of at process start.
//
// Each library a program links is mapped and relocated before main() runs, whether the
// command needs it or not: libcrypto alone costs a no-op `cairn install` some 2 ms of its
// 10, libcurl and libarchive bring about thirty more libraries with them (TLS, LDAP,
// Kerberos, ICU, compressors). The modules call the libraries' own C APIs as usual; the
// functions they call are defined in cairn (src/core/lazy_crypto.cpp, src/lazy/*.cpp), and
// each one loads its library the first time any of them is called, then forwards. A
// command that never hashes, downloads or unpacks loads none. (SQLite is linked in: every
// resolution reads the metadata cache.)

#include <string_view>

namespace cairn::lazy {

struct SharedLibrary {
    const char* soname;  // what dlopen() is given, e.g. "libcurl.so.4"
    const char* package; // the Debian package that ships it, for the hint
};

// libcrypto (digests and signatures), loaded this way by the core module; the others are
// in include/cairn/lazy/shared_library.hpp.
extern const SharedLibrary libcrypto;

// The address of `symbol` in `library`, loading the library on the first call (thread
// safe; a library is loaded once and never unloaded). Throws Error(Code::io) naming the
// library, the loader's reason and the package to install when the library or the
// symbol is missing.
void* symbol(const SharedLibrary& library, const char* symbol);

// Whether `library` is loaded in this process (by this module or by anything else).
bool is_loaded(std::string_view soname);

namespace detail {

// The library's own definition of the function `name`, whose type is Fn.
template <typename Fn>
Fn resolve(const SharedLibrary& library, const char* name) {
    return reinterpret_cast<Fn>(symbol(library, name));
}

} // namespace detail
} // namespace cairn::lazy

// Inside the forwarding definition of the library function `name`: `real` is the library's
// own, looked up once (the first call loads the library).
#define CAIRN_LAZY_REAL(library, name)                                                             \
    static const auto real = ::cairn::lazy::detail::resolve<decltype(&::name)>(library, #name)
