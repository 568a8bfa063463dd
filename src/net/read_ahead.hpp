#pragma once

#include <curl/curl.h>

// TLS records read ahead: OpenSSL otherwise asks the kernel for each record twice, its
// 5-byte header and then its body (a large cold install made 46,860 `recvfrom` calls for
// 189 MB, half of them for a header), and each read that frees receive space may send the
// server a window update. With read-ahead it takes what the socket holds, up to 64 KiB.
//
// What OpenSSL has read ahead is invisible to the socket's readiness, and libcurl 7.88
// reads a connection again only when its socket is ready (or its own buffers hold data):
// bytes left in OpenSSL's buffer when the stream that read them ended would wait for the
// next packet, possibly forever. The engine therefore asks, after each round of events,
// whether a running transfer's connection holds such bytes (has_read_ahead) and hands
// that connection's socket to libcurl again. (libcurl 7.88 does not tell a running HTTP/2
// transfer's socket, CURLINFO_ACTIVESOCKET answers -1: the engine notes which connection
// each socket it is told to watch belongs to.)
namespace cairn::net::detail {

// Whether libcurl speaks TLS through OpenSSL here and its read-ahead can be watched: the
// functions below do nothing when it cannot.
bool read_ahead_available();

// A CURLOPT_SSL_CTX_FUNCTION: each connection's OpenSSL context reads ahead.
CURLcode enable_read_ahead(CURL* easy, void* ssl_ctx, void* unused);

// The OpenSSL connection `easy` runs on, nullptr when none (yet), to be compared and handed
// to has_read_ahead() while `easy` runs.
const void* tls_connection(CURL* easy);

// Whether the TLS connection holds bytes OpenSSL has read from the socket and libcurl has
// not taken yet (decrypted or not).
bool has_read_ahead(const void* tls);

} // namespace cairn::net::detail
