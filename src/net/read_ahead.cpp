// TLS read-ahead through libcurl's OpenSSL (read_ahead.hpp).
#include "read_ahead.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/lazy_library.hpp"

#include <openssl/ssl.h>

#include <string_view>

namespace cairn::net::detail {

namespace {

// libssl is libcurl's, loaded with it: cairn links none of it, and finds the three
// functions it needs in the copy libcurl brought.
const lazy::SharedLibrary k_libssl{"libssl.so.3", "libssl3"};

struct Ssl {
    long (*ctx_ctrl)(SSL_CTX*, int, long, void*) = nullptr;
    void (*ctx_set_read_buffer)(SSL_CTX*, size_t) = nullptr;
    int (*has_pending)(const SSL*) = nullptr;
};

const Ssl* ssl() {
    static const Ssl* const k_found = []() -> const Ssl* {
        const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
        if (!info || !info->ssl_version ||
            !std::string_view(info->ssl_version).starts_with("OpenSSL/3"))
            return nullptr;
        static Ssl found;
        try {
            found.ctx_ctrl =
                lazy::detail::resolve<decltype(found.ctx_ctrl)>(k_libssl, "SSL_CTX_ctrl");
            found.ctx_set_read_buffer = lazy::detail::resolve<decltype(found.ctx_set_read_buffer)>(
                k_libssl, "SSL_CTX_set_default_read_buffer_len");
            found.has_pending =
                lazy::detail::resolve<decltype(found.has_pending)>(k_libssl, "SSL_has_pending");
        } catch (const Error&) {
            return nullptr; // no read-ahead, and nothing to watch
        }
        return &found;
    }();
    return k_found;
}

// Room for a few full records per read.
constexpr std::size_t k_read_buffer = std::size_t{64} << 10;

} // namespace

bool read_ahead_available() {
    return ssl() != nullptr;
}

CURLcode enable_read_ahead(CURL*, void* ssl_ctx, void*) {
    if (const Ssl* s = ssl(); s && ssl_ctx) {
        auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
        s->ctx_ctrl(ctx, SSL_CTRL_SET_READ_AHEAD, 1, nullptr);
        s->ctx_set_read_buffer(ctx, k_read_buffer);
    }
    return CURLE_OK;
}

const void* tls_connection(CURL* easy) {
    if (!ssl())
        return nullptr;
    curl_tlssessioninfo* tls = nullptr;
    if (curl_easy_getinfo(easy, CURLINFO_TLS_SSL_PTR, &tls) != CURLE_OK || !tls ||
        tls->backend != CURLSSLBACKEND_OPENSSL)
        return nullptr;
    return tls->internals;
}

bool has_read_ahead(const void* tls) {
    const Ssl* s = ssl();
    return s && tls && s->has_pending(static_cast<const SSL*>(tls)) == 1;
}

} // namespace cairn::net::detail
