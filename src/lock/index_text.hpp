#pragma once

#include "cairn/protocol/npm/packument.hpp"

#include <map>
#include <string>
#include <string_view>

namespace cairn::lock::detail {

// The lockfile's "index" value at its place in the document (two spaces in): one line per
// release, in the lockfile's canonical layout.
void append_index(std::string& out, const std::map<std::string, protocol::npm::Packument>& index);

} // namespace cairn::lock::detail
