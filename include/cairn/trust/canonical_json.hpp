#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// Canonical JSON, the byte form of every signed cairn-index payload (docs/cairn-index.md,
// "Canonical JSON"): one spelling per document, so that a digest or signature over the
// bytes is a digest or signature over the document.
namespace cairn::trust {

struct JsonLimits {
    std::size_t max_bytes = 32 * 1024 * 1024;
    std::size_t max_depth = 64;
};

// The largest integer magnitude canonical JSON allows (2^53 - 1): every JSON reader,
// including those that read numbers as doubles, gets it exactly.
inline constexpr long long k_max_json_integer = 9007199254740991LL;

// Parses strict JSON (RFC 8259: no comments, no trailing commas, no byte order mark,
// valid UTF-8, no lone surrogates) with the canonical restrictions: numbers are integers
// within +-k_max_json_integer, keys are unique within an object. Returns the canonical
// serialisation: keys sorted by their UTF-8 bytes, no whitespace, minimal string escapes.
// Throws Error(Code::integrity) "invalid canonical JSON: ..." saying what is wrong.
std::string canonicalize_json(std::string_view text, const JsonLimits& limits = {});

// Whether `text` is already canonical (canonicalize_json would return it unchanged).
bool is_canonical_json(std::string_view text, const JsonLimits& limits = {});

} // namespace cairn::trust
