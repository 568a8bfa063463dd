#pragma once

#include "cairn/trust/canonical_json.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

// Private: the strict parser and canonical writer behind canonical_json.hpp, for the
// trust module's own documents.
namespace cairn::trust::detail {

// Strict parse with the canonical restrictions (see canonicalize_json).
nlohmann::json parse_strict_json(std::string_view text, const JsonLimits& limits = {});
// Canonical serialisation. Throws Error(Code::integrity) on a floating-point number or an
// integer beyond k_max_json_integer.
std::string dump_canonical_json(const nlohmann::json& value);

} // namespace cairn::trust::detail
