#pragma once

// Shared libraries cairn loads on first use instead of at process start.
//
// libcurl and libarchive bring about thirty more libraries with them (TLS, LDAP, Kerberos,
// ICU, compressors); mapping and relocating those cost more than everything a no-op
// `cairn install` does. The net and store modules call the libraries' own C APIs as
// usual: this module defines those functions (src/lazy/curl.cpp, src/lazy/archive.cpp),
// and each one loads its library the first time any of them is called, then forwards.
// A command that never downloads or unpacks never loads either library.

#include <string_view>

namespace cairn::lazy {

struct SharedLibrary {
    const char* soname;  // what dlopen() is given, e.g. "libcurl.so.4"
    const char* package; // the Debian package that ships it, for the hint
};

// The libraries loaded this way (their sonames are the ones cairn was built against).
extern const SharedLibrary libcurl;
extern const SharedLibrary libarchive;

// The address of `symbol` in `library`, loading the library on the first call (thread
// safe; a library is loaded once and never unloaded). Throws Error(Code::io) naming the
// library, the loader's reason and the package to install when the library or the
// symbol is missing.
void* symbol(const SharedLibrary& library, const char* symbol);

// Whether `library` is loaded in this process (by this module or by anything else).
bool is_loaded(std::string_view soname);

} // namespace cairn::lazy
