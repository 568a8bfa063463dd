// The loader behind the lazily loaded libraries (lazy_library.hpp).
#include "cairn/core/lazy_library.hpp"

#include "cairn/core/error.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <link.h>

#include <cstring>
#include <map>
#include <mutex>
#include <string>

namespace cairn::lazy {

const SharedLibrary libcrypto{CAIRN_CRYPTO_SONAME, "libssl3"};

namespace {

std::string loader_reason() {
    const char* reason = ::dlerror();
    return reason ? reason : "no reason given";
}

Error missing(const SharedLibrary& library, std::string what, std::string reason) {
    Error error(Code::io, std::move(what));
    error.caused_by(std::move(reason));
    error.hint(fmt::format("install the {} package (apt-get install {}); cairn was built "
                           "against it",
                           library.package, library.package));
    return error;
}

void* handle_of(const SharedLibrary& library) {
    static std::mutex mutex;
    static std::map<std::string, void*, std::less<>> handles;
    std::lock_guard lock(mutex);
    if (auto it = handles.find(library.soname); it != handles.end())
        return it->second;
    // RTLD_LOCAL keeps the library's symbols out of the global scope. The forwarding
    // definitions of the same names are hidden (built with -fvisibility=hidden), so they
    // never take over the library's own calls either, even in a program that also links
    // the library.
    void* handle = ::dlopen(library.soname, RTLD_NOW | RTLD_LOCAL);
    if (!handle)
        throw missing(library, fmt::format("cannot load the shared library {}", library.soname),
                      loader_reason());
    handles.emplace(library.soname, handle);
    return handle;
}

} // namespace

void* symbol(const SharedLibrary& library, const char* name) {
    void* handle = handle_of(library);
    ::dlerror();
    void* address = ::dlsym(handle, name);
    if (!address)
        throw missing(library,
                      fmt::format("the shared library {} has no function {}", library.soname, name),
                      loader_reason());
    return address;
}

bool is_loaded(std::string_view soname) {
    struct Search {
        std::string_view soname;
        bool found = false;
    } search{soname};
    ::dl_iterate_phdr(
        [](dl_phdr_info* info, std::size_t, void* data) {
            auto* s = static_cast<Search*>(data);
            std::string_view path = info->dlpi_name ? info->dlpi_name : "";
            auto slash = path.rfind('/');
            std::string_view file = slash == std::string_view::npos ? path : path.substr(slash + 1);
            // The file may be the soname itself or its fully versioned name.
            if (file == s->soname ||
                (file.starts_with(s->soname) && file.size() > s->soname.size() &&
                 file[s->soname.size()] == '.'))
                s->found = true;
            return s->found ? 1 : 0;
        },
        &search);
    return search.found;
}

} // namespace cairn::lazy
