#pragma once

#include "cairn/protocol/npm/packument.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::lock::detail {

// Strings as a JSON array on one line, `["a","b"]`: how the lockfile writes every array.
void append_strings(std::string& out, const std::vector<std::string>& values);

// The lockfile's "index" value at its place in the document (two spaces in): one line per
// release, in the lockfile's canonical layout.
// `entries` are entries already in text (Lockfile::index_entries), merged in by name.
void append_index(std::string& out, const std::map<std::string, protocol::npm::Packument>& index,
                  const std::map<std::string, std::string>& entries);

} // namespace cairn::lock::detail
