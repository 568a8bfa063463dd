// libcurl's functions as cairn uses them, each loading libcurl on first use (see
// include/cairn/lazy/shared_library.hpp). A call to a function missing here fails to
// link: add it below with the prototype from <curl/curl.h>, which the compiler checks.
#include "cairn/lazy/shared_library.hpp"

#include <curl/curl.h>

#include <cstdarg>

namespace {

const cairn::lazy::SharedLibrary& k_curl = cairn::lazy::libcurl;

using AnyFunction = void (*)();

// The variadic argument of a curl option, read as the type the option number encodes
// (CURLOPTTYPE_*: options of one type share a block of 10000) and passed on as that type.
template <typename Real, typename Handle, typename Option>
auto forward_option(Real real, Handle* handle, Option option, va_list args) {
    switch ((static_cast<long>(option) / 10000) * 10000) {
    case CURLOPTTYPE_LONG:
        return real(handle, option, va_arg(args, long));
    case CURLOPTTYPE_OBJECTPOINT: // also STRINGPOINT, SLISTPOINT, CBPOINT
    case CURLOPTTYPE_BLOB:
        return real(handle, option, va_arg(args, void*));
    case CURLOPTTYPE_FUNCTIONPOINT:
        return real(handle, option, va_arg(args, AnyFunction));
    case CURLOPTTYPE_OFF_T:
        return real(handle, option, va_arg(args, curl_off_t));
    default:
        return real(handle, option, va_arg(args, void*));
    }
}

} // namespace

extern "C" {

CURLcode curl_global_init(long flags) {
    CAIRN_LAZY_REAL(k_curl, curl_global_init);
    return real(flags);
}

CURL* curl_easy_init(void) {
    CAIRN_LAZY_REAL(k_curl, curl_easy_init);
    return real();
}

void curl_easy_cleanup(CURL* curl) {
    if (!curl)
        return; // freeing nothing loads nothing (and cannot throw from a destructor)
    CAIRN_LAZY_REAL(k_curl, curl_easy_cleanup);
    real(curl);
}

CURLcode curl_easy_setopt(CURL* curl, CURLoption option, ...) {
    CAIRN_LAZY_REAL(k_curl, curl_easy_setopt);
    va_list args;
    va_start(args, option);
    CURLcode result = forward_option(real, curl, option, args);
    va_end(args);
    return result;
}

CURLcode curl_easy_getinfo(CURL* curl, CURLINFO info, ...) {
    CAIRN_LAZY_REAL(k_curl, curl_easy_getinfo);
    va_list args;
    va_start(args, info);
    // Every CURLINFO_* takes a pointer to where the answer goes.
    CURLcode result = real(curl, info, va_arg(args, void*));
    va_end(args);
    return result;
}

const char* curl_easy_strerror(CURLcode code) {
    CAIRN_LAZY_REAL(k_curl, curl_easy_strerror);
    return real(code);
}

curl_version_info_data* curl_version_info(CURLversion version) {
    CAIRN_LAZY_REAL(k_curl, curl_version_info);
    return real(version);
}

CURLM* curl_multi_init(void) {
    CAIRN_LAZY_REAL(k_curl, curl_multi_init);
    return real();
}

CURLMcode curl_multi_cleanup(CURLM* multi) {
    CAIRN_LAZY_REAL(k_curl, curl_multi_cleanup);
    return real(multi);
}

CURLMcode curl_multi_setopt(CURLM* multi, CURLMoption option, ...) {
    CAIRN_LAZY_REAL(k_curl, curl_multi_setopt);
    va_list args;
    va_start(args, option);
    CURLMcode result = forward_option(real, multi, option, args);
    va_end(args);
    return result;
}

CURLMcode curl_multi_add_handle(CURLM* multi, CURL* curl) {
    CAIRN_LAZY_REAL(k_curl, curl_multi_add_handle);
    return real(multi, curl);
}

CURLMcode curl_multi_remove_handle(CURLM* multi, CURL* curl) {
    CAIRN_LAZY_REAL(k_curl, curl_multi_remove_handle);
    return real(multi, curl);
}

CURLMcode curl_multi_socket_action(CURLM* multi, curl_socket_t socket, int ev_bitmask,
                                   int* running_handles) {
    CAIRN_LAZY_REAL(k_curl, curl_multi_socket_action);
    return real(multi, socket, ev_bitmask, running_handles);
}

CURLMsg* curl_multi_info_read(CURLM* multi, int* msgs_in_queue) {
    CAIRN_LAZY_REAL(k_curl, curl_multi_info_read);
    return real(multi, msgs_in_queue);
}

const char* curl_multi_strerror(CURLMcode code) {
    CAIRN_LAZY_REAL(k_curl, curl_multi_strerror);
    return real(code);
}

struct curl_slist* curl_slist_append(struct curl_slist* list, const char* data) {
    CAIRN_LAZY_REAL(k_curl, curl_slist_append);
    return real(list, data);
}

void curl_slist_free_all(struct curl_slist* list) {
    if (!list)
        return;
    CAIRN_LAZY_REAL(k_curl, curl_slist_free_all);
    real(list);
}

time_t curl_getdate(const char* text, const time_t* unused) {
    CAIRN_LAZY_REAL(k_curl, curl_getdate);
    return real(text, unused);
}

} // extern "C"
