// A structural skim of a JSON text: whitespace, strings and bracket depth only.
#include "json_skim.hpp"

#include <array>
#include <cstring>

namespace cairn::lock::detail {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// What may stand outside strings in JSON: whitespace, structure, and the characters of
// numbers and of true/false/null. Anything else (a merge's conflict markers, say) ends the
// skim, and the caller parses the whole text, which reports it. A table: the skim looks at
// every byte outside strings of a lockfile of megabytes.
constexpr auto k_structural = [] {
    std::array<bool, 256> table{};
    for (unsigned char c : std::string_view(" \t\n\r{}[]:,-+.0123456789eEtrufalsn"))
        table[c] = true;
    return table;
}();

bool structural(char c) {
    return k_structural[static_cast<unsigned char>(c)];
}

class Skim {
public:
    explicit Skim(std::string_view text) : m_text(text) {}

    void whitespace() {
        while (m_pos < m_text.size() && is_space(m_text[m_pos]))
            ++m_pos;
    }
    bool take(char c) {
        if (m_pos >= m_text.size() || m_text[m_pos] != c)
            return false;
        ++m_pos;
        return true;
    }
    bool at(char c) const { return m_pos < m_text.size() && m_text[m_pos] == c; }
    // A string at the position, its raw contents (between the quotes) returned. The
    // closing quote is found with memchr (strings are most of a lockfile's bytes); a quote
    // after an odd run of backslashes is escaped, and the search goes on past it.
    std::optional<std::string_view> string() {
        if (!take('"'))
            return std::nullopt;
        std::size_t start = m_pos;
        const char* data = m_text.data();
        while (m_pos < m_text.size()) {
            const void* found = std::memchr(data + m_pos, '"', m_text.size() - m_pos);
            if (!found)
                break;
            std::size_t quote = static_cast<const char*>(found) - data;
            std::size_t backslashes = 0;
            while (quote - backslashes > start && data[quote - backslashes - 1] == '\\')
                ++backslashes;
            m_pos = quote + 1;
            if (backslashes % 2 == 0)
                return m_text.substr(start, quote - start);
        }
        m_pos = m_text.size();
        return std::nullopt;
    }
    // Any value: a string, a bracketed object or array (strings inside stepped over), or a
    // scalar running up to the next delimiter.
    bool value() {
        if (at('"'))
            return string().has_value();
        if (at('{') || at('[')) {
            std::size_t depth = 0;
            while (m_pos < m_text.size()) {
                char c = m_text[m_pos];
                if (c == '"') {
                    if (!string())
                        return false;
                    continue;
                }
                if (!structural(c))
                    return false;
                ++m_pos;
                if (c == '{' || c == '[') {
                    ++depth;
                } else if (c == '}' || c == ']') {
                    if (--depth == 0)
                        return true;
                }
            }
            return false;
        }
        std::size_t start = m_pos;
        while (m_pos < m_text.size()) {
            char c = m_text[m_pos];
            if (c == ',' || c == '}' || c == ']' || is_space(c))
                break;
            if (!structural(c))
                return false;
            ++m_pos;
        }
        return m_pos > start;
    }
    std::size_t position() const { return m_pos; }

private:
    std::string_view m_text;
    std::size_t m_pos = 0;
};

} // namespace

std::optional<ByteRange> top_level_value(std::string_view json, std::string_view key) {
    Skim s(json);
    s.whitespace();
    if (!s.take('{'))
        return std::nullopt;
    s.whitespace();
    if (s.take('}'))
        return std::nullopt;
    for (;;) {
        s.whitespace();
        auto name = s.string();
        if (!name)
            return std::nullopt;
        s.whitespace();
        if (!s.take(':'))
            return std::nullopt;
        s.whitespace();
        std::size_t begin = s.position();
        if (!s.value())
            return std::nullopt;
        if (*name == key)
            return ByteRange{begin, s.position()};
        s.whitespace();
        if (s.take(','))
            continue;
        return std::nullopt; // the end of the object (or something else): no such member
    }
}

} // namespace cairn::lock::detail
