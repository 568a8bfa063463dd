#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

// JSON5 (https://spec.json5.org/, version 1.0.0): comments, trailing commas, unquoted
// (ECMAScript identifier) and single-quoted keys and strings, hexadecimal numbers,
// +/-Infinity, NaN, leading/trailing decimal points, explicit '+', line continuations,
// \x and \u escapes. Objects keep the document's key order; a repeated key keeps its
// first position and takes the last value.
namespace cairn::config {

using Json = nlohmann::ordered_json;

// 1-based line and column (columns count Unicode code points), 0-based byte offset.
struct Position {
    std::size_t line = 0;
    std::size_t column = 0;
    std::size_t offset = 0;
};

// Where each value of a document starts, by JSON pointer ("" is the top-level value,
// "/registries/upstream/url" a nested one).
using PositionMap = std::map<std::string, Position>;

// Parses a whole document. `source` names it in errors ("path/to/file.json5"). Throws
// cairn::Error with Code::config_parse whose message is
// "<source>:<line>:<column>: expected ..., found ...".
Json parse_json5(std::string_view text, std::string_view source, PositionMap* positions = nullptr);

// A value as JSON5 text on one line: JSON, except NaN, Infinity and -Infinity, which JSON
// cannot express.
std::string to_json5_text(const Json& value);

} // namespace cairn::config
