#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cairn::config {

// A key path names one value in the configuration tree: `network.mode`,
// `formats.npm.authorities.public.registries.upstream.url`. A segment holding a dot or
// another character outside [A-Za-z0-9_$-@*/] is written in double quotes:
// `mirrors."https://github.com/Core/libCore.git"`.
using KeyPath = std::vector<std::string>;

// Throws cairn::Error(Code::usage) on an empty segment or an unterminated quote.
KeyPath parse_key_path(std::string_view text);
std::string format_key_path(const KeyPath& path);

// The JSON pointer of a key path ("/network/mode"), as PositionMap uses.
std::string to_json_pointer(const KeyPath& path);

} // namespace cairn::config
