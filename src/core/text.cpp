#include "cairn/core/text.hpp"

#include <cstdio>

namespace cairn::text {

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        std::size_t end = text.find(separator, start);
        if (end == std::string_view::npos) {
            parts.push_back(text.substr(start));
            return parts;
        }
        parts.push_back(text.substr(start, end - start));
        start = end + 1;
    }
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0)
            out += separator;
        out += parts[i];
    }
    return out;
}

std::string_view trim(std::string_view text) {
    const char* space = " \t\r\n\f\v";
    std::size_t first = text.find_first_not_of(space);
    if (first == std::string_view::npos)
        return {};
    std::size_t last = text.find_last_not_of(space);
    return text.substr(first, last - first + 1);
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.starts_with(prefix);
}
bool ends_with(std::string_view text, std::string_view suffix) {
    return text.ends_with(suffix);
}

void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    // Runs of characters that need no escape go in at once (lockfiles are mostly those).
    std::size_t run = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20)
            continue;
        out.append(text, run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default: {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
            out += buf;
        }
        }
    }
    out.append(text, run, text.size() - run);
    out += '"';
}

std::string quote(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

} // namespace cairn::text
