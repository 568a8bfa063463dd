#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

// Finding a member of a JSON text's top-level object without parsing the text: strings are
// stepped over whole (escapes included) and brackets counted, nothing is decoded or
// checked. For leaving a large member out of a parse (the portable index of cairn.lock,
// when the packages are all an install needs).
namespace cairn::lock::detail {

struct ByteRange {
    std::size_t begin = 0;
    std::size_t end = 0; // one past the value's last byte
};

// Where the value of the top-level member `key` lies in `json`; nullopt when the text does
// not read as an object at its top, has no member spelled exactly `key` (no escapes), or
// ends early, or has a character outside strings that JSON never has there (conflict
// markers). Only the structure is followed: what is otherwise not valid JSON inside
// balanced brackets (`[tru]`) is skipped all the same.
std::optional<ByteRange> top_level_value(std::string_view json, std::string_view key);

} // namespace cairn::lock::detail
