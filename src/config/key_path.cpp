#include "cairn/config/key_path.hpp"

#include "cairn/core/error.hpp"

namespace cairn::config {
namespace {

bool is_plain(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$' || c == '-' || c == '@' || c == '*' || c == '/';
}

Error bad_path(std::string_view text, const std::string& why) {
    Error error(Code::usage, "invalid config key \"" + std::string(text) + "\": " + why);
    error.hint("keys are dotted paths such as network.mode; quote a segment that holds a dot: "
               "mirrors.\"https://host/repo.git\"");
    return error;
}

} // namespace

KeyPath parse_key_path(std::string_view text) {
    KeyPath path;
    std::size_t i = 0;
    if (text.empty())
        throw bad_path(text, "the key is empty");
    while (true) {
        std::string segment;
        if (i < text.size() && text[i] == '"') {
            ++i;
            while (i < text.size() && text[i] != '"') {
                if (text[i] == '\\' && i + 1 < text.size())
                    ++i;
                segment += text[i++];
            }
            if (i >= text.size())
                throw bad_path(text, "a quoted segment is not closed");
            ++i; // closing quote
        } else {
            while (i < text.size() && text[i] != '.')
                segment += text[i++];
            if (segment.empty())
                throw bad_path(text, "a segment is empty");
        }
        path.push_back(std::move(segment));
        if (i == text.size())
            return path;
        if (text[i] != '.')
            throw bad_path(text, "expected '.' after a quoted segment");
        ++i;
        if (i == text.size())
            throw bad_path(text, "the key ends with '.'");
    }
}

std::string format_key_path(const KeyPath& path) {
    std::string out;
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (i > 0)
            out += '.';
        const std::string& segment = path[i];
        bool plain = !segment.empty();
        for (char c : segment)
            plain = plain && is_plain(c);
        if (plain) {
            out += segment;
            continue;
        }
        out += '"';
        for (char c : segment) {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        out += '"';
    }
    return out;
}

std::string to_json_pointer(const KeyPath& path) {
    std::string out;
    for (const auto& segment : path) {
        out += '/';
        for (char c : segment) {
            if (c == '~')
                out += "~0";
            else if (c == '/')
                out += "~1";
            else
                out += c;
        }
    }
    return out;
}

} // namespace cairn::config
