#pragma once

#include <string>
#include <string_view>
#include <vector>

// Small text helpers shared by every module.
namespace cairn::text {

std::vector<std::string_view> split(std::string_view text, char separator);
std::string join(const std::vector<std::string>& parts, std::string_view separator);
std::string_view trim(std::string_view text);
bool starts_with(std::string_view text, std::string_view prefix);
bool ends_with(std::string_view text, std::string_view suffix);
// `text` as a JSON string appended to `out`: in double quotes, with `"`, `\`, \b \f \n \r \t
// and other control characters (\u00XX) escaped and everything else (UTF-8) as it is: the
// bytes nlohmann's dump() and canonical JSON both write.
void append_json_string(std::string& out, std::string_view text);
// `text` in double quotes with JSON escapes, for messages that quote user input.
std::string quote(std::string_view text);

} // namespace cairn::text
