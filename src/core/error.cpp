#include "cairn/core/error.hpp"

#include <utility>

namespace cairn {

std::string_view code_name(Code code) {
    switch (code) {
    case Code::usage: return "usage";
    case Code::config_parse: return "config_parse";
    case Code::config_conflict: return "config_conflict";
    case Code::config_invalid: return "config_invalid";
    case Code::config_variable: return "config_variable";
    case Code::config_key: return "config_key";
    case Code::manifest_invalid: return "manifest_invalid";
    case Code::version_parse: return "version_parse";
    case Code::no_solution: return "no_solution";
    case Code::io: return "io";
    case Code::network: return "network";
    case Code::offline_miss: return "offline_miss";
    case Code::truncated: return "truncated";
    case Code::stalled: return "stalled";
    case Code::unauthorized: return "unauthorized";
    case Code::integrity: return "integrity";
    case Code::archive_escape: return "archive_escape";
    case Code::archive_limit: return "archive_limit";
    case Code::archive_invalid: return "archive_invalid";
    case Code::cache_corrupt: return "cache_corrupt";
    case Code::not_found: return "not_found";
    case Code::unsupported: return "unsupported";
    case Code::lock_outdated: return "lock_outdated";
    case Code::script_failed: return "script_failed";
    case Code::internal: return "internal";
    }
    return "internal";
}

int exit_status(Code code) {
    switch (code) {
    case Code::usage: return 2;
    case Code::config_parse:
    case Code::config_conflict:
    case Code::config_invalid:
    case Code::config_variable:
    case Code::manifest_invalid:
    case Code::lock_outdated: return 3;
    case Code::config_key:
    case Code::not_found: return 4;
    case Code::network:
    case Code::offline_miss:
    case Code::truncated:
    case Code::stalled:
    case Code::unauthorized: return 5;
    case Code::integrity:
    case Code::archive_escape:
    case Code::archive_limit:
    case Code::archive_invalid:
    case Code::cache_corrupt: return 6;
    case Code::version_parse:
    case Code::no_solution: return 7;
    case Code::io: return 8;
    case Code::unsupported: return 9;
    case Code::script_failed: return 10;
    case Code::internal: return 70;
    }
    return 70;
}

Error::Error(Code code, std::string message) : m_code(code), m_message(std::move(message)) {}

Error& Error::caused_by(std::string cause) & {
    m_causes.push_back(std::move(cause));
    return *this;
}
Error&& Error::caused_by(std::string cause) && {
    m_causes.push_back(std::move(cause));
    return std::move(*this);
}
Error& Error::while_(std::string context) & {
    m_context.push_back(std::move(context));
    return *this;
}
Error&& Error::while_(std::string context) && {
    m_context.push_back(std::move(context));
    return std::move(*this);
}
Error& Error::hint(std::string hint) & {
    m_hints.push_back(std::move(hint));
    return *this;
}
Error&& Error::hint(std::string hint) && {
    m_hints.push_back(std::move(hint));
    return std::move(*this);
}

std::string format_plain(const Error& error) {
    std::string out = "error: " + error.message() + "\n";
    for (const auto& cause : error.causes())
        out += "  caused by: " + cause + "\n";
    for (const auto& context : error.context())
        out += "  while: " + context + "\n";
    for (const auto& hint : error.hints())
        out += "hint: " + hint + "\n";
    return out;
}

} // namespace cairn
