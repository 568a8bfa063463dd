#pragma once

#include "cairn/core/text.hpp"
#include "cairn/protocol/npm/packument.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::lock::detail {

// Strings (std::string or std::string_view) as a JSON array on one line, `["a","b"]`: how
// the lockfile writes every array.
template <typename Strings>
void append_strings(std::string& out, const Strings& values) {
    out += '[';
    bool first = true;
    for (const auto& value : values) {
        out += first ? "" : ",";
        first = false;
        text::append_json_string(out, value);
    }
    out += ']';
}

// Name -> text pairs as a JSON object with a member per line, at the depth of a package's
// fields (members eight spaces in, the closing brace six): a package's dependency specs,
// an index entry's dist-tags.
void append_member_lines(std::string& out, const std::map<std::string, std::string>& values);

// The lockfile's "index" value at its place in the document (two spaces in): one line per
// release, in the lockfile's canonical layout.
// `entries` are entries already in text (Lockfile::index_entries), merged in by name.
void append_index(std::string& out, const std::map<std::string, protocol::npm::Packument>& index,
                  const std::map<std::string, std::string>& entries);

} // namespace cairn::lock::detail
