#pragma once

#include "transfer.hpp"

#include "cairn/core/error.hpp"

#include <chrono>
#include <exception>
#include <optional>

// What a finished HTTP exchange means for its request, and the errors the client reports.
namespace cairn::net::detail {

struct Outcome {
    enum class Kind { done, redirect, retry, fail };
    Kind kind;
    std::optional<Response> response;                     // done
    std::optional<Url> location;                          // redirect
    std::optional<std::chrono::milliseconds> retry_after; // retry: the server's wish
    std::exception_ptr error; // fail; retry: what to report when no retry is left
};

// Judges the exchange the job just finished with libcurl's result `code`.
Outcome judge(Job& job, CURLcode code, const ClientOptions& options);

// The error of any request in offline mode.
Error offline_error(const Url& url);

// A request still queued or in flight when the client is destroyed.
Error shutdown_error(const Url& url);

} // namespace cairn::net::detail
