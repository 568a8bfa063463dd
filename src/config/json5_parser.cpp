// A hand-written JSON5 parser: one pass over UTF-8 text, recursive descent, positions
// tracked as it goes. Written against the JSON5 1.0.0 spec and the json5-tests suite.
#include "cairn/config/json5.hpp"
#include "cairn/core/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <vector>

namespace cairn::config {
namespace {

constexpr char32_t k_end = 0xFFFFFFFF;     // sentinel: end of input
constexpr char32_t k_invalid = 0xFFFFFFFE; // sentinel: malformed UTF-8
constexpr std::size_t k_max_depth = 512;

bool is_line_terminator(char32_t c) {
    return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029;
}

// JSON5 WhiteSpace: ECMAScript WhiteSpace plus LineTerminator; Zs category listed out.
bool is_whitespace(char32_t c) {
    switch (c) {
    case '\t':
    case '\n':
    case 0x0B:
    case 0x0C:
    case '\r':
    case ' ':
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF:
        return true;
    default:
        return c >= 0x2000 && c <= 0x200A;
    }
}

bool is_digit(char32_t c) {
    return c >= '0' && c <= '9';
}

bool is_hex_digit(char32_t c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int hex_value(char32_t c) {
    if (is_digit(c))
        return static_cast<int>(c - '0');
    if (c >= 'a' && c <= 'f')
        return static_cast<int>(c - 'a' + 10);
    return static_cast<int>(c - 'A' + 10);
}

// ECMAScript IdentifierStart / IdentifierPart, approximated for non-ASCII: any code
// point that is not whitespace, a line terminator, or in the punctuation blocks counts as
// a letter. Exact Unicode category tables would buy nothing for configuration keys. A
// surrogate (only an escape can name one) is no character at all: UTF-8 cannot hold it.
bool is_identifier_start(char32_t c) {
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '$' || c == '_';
    if (is_whitespace(c) || (c >= 0xD800 && c <= 0xDFFF))
        return false;
    bool punctuation = (c >= 0x2010 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F) ||
                       (c >= 0xA0 && c <= 0xBF) || c == 0xD7 || c == 0xF7;
    return !punctuation && c != k_end && c != k_invalid;
}

bool is_identifier_part(char32_t c) {
    if (c < 0x80)
        return is_identifier_start(c) || is_digit(c);
    return c == 0x200C || c == 0x200D || is_identifier_start(c);
}

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

std::string describe(char32_t c) {
    if (c == k_end)
        return "end of input";
    if (c == k_invalid)
        return "invalid UTF-8";
    if (c == '\n')
        return "a line break";
    if (c == '\r')
        return "a carriage return";
    if (c < 0x20 || c == 0x7F)
        return fmt::format("control character U+{:04X}", static_cast<std::uint32_t>(c));
    if (c == '\'')
        return "\"'\"";
    std::string s = "'";
    append_utf8(s, c);
    return s + "'";
}

class Parser {
public:
    Parser(std::string_view text, std::string_view source, PositionMap* positions)
        : m_text(text), m_source(source), m_positions(positions) {}

    Json parse_document() {
        skip_space();
        if (peek() == k_end)
            fail("expected a value, found end of input (the document is empty)");
        std::string pointer;
        Json value = parse_value(pointer, 0);
        skip_space();
        if (peek() != k_end)
            fail(fmt::format("expected end of input after the top-level value, found {}",
                             describe(peek())));
        return value;
    }

private:
    std::string_view m_text;
    std::string_view m_source;
    PositionMap* m_positions;
    std::size_t m_offset = 0;
    std::size_t m_line = 1;
    std::size_t m_column = 1;

    // Decodes the code point at m_offset without consuming it; sets `length`.
    char32_t decode(std::size_t offset, std::size_t& length) const {
        if (offset >= m_text.size()) {
            length = 0;
            return k_end;
        }
        auto byte = [&](std::size_t i) { return static_cast<unsigned char>(m_text[offset + i]); };
        unsigned char b0 = byte(0);
        if (b0 < 0x80) {
            length = 1;
            return b0;
        }
        std::size_t n = (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || offset + n > m_text.size()) {
            length = 1;
            return k_invalid;
        }
        char32_t c = n == 2 ? (b0 & 0x1F) : n == 3 ? (b0 & 0x0F) : (b0 & 0x07);
        for (std::size_t i = 1; i < n; ++i) {
            if ((byte(i) & 0xC0) != 0x80) {
                length = 1;
                return k_invalid;
            }
            c = (c << 6) | (byte(i) & 0x3F);
        }
        bool overlong = (n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && c < 0x10000);
        if (overlong || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
            length = 1;
            return k_invalid;
        }
        length = n;
        return c;
    }

    char32_t peek() const {
        std::size_t length;
        return decode(m_offset, length);
    }

    char32_t peek_at(std::size_t ahead_code_points) const {
        std::size_t offset = m_offset, length = 0;
        char32_t c = decode(offset, length);
        for (std::size_t i = 0; i < ahead_code_points && c != k_end; ++i) {
            offset += length;
            c = decode(offset, length);
        }
        return c;
    }

    char32_t next() {
        std::size_t length;
        char32_t c = decode(m_offset, length);
        if (c == k_end)
            return c;
        if (c == k_invalid)
            fail("invalid UTF-8 byte sequence");
        m_offset += length;
        // CR LF is one line break: the LF ends the line, the CR only advances nothing.
        bool crlf = c == '\r' && m_offset < m_text.size() && m_text[m_offset] == '\n';
        if (is_line_terminator(c) && !crlf) {
            ++m_line;
            m_column = 1;
        } else if (!crlf) {
            ++m_column;
        }
        return c;
    }

    Position position() const { return {m_line, m_column, m_offset}; }

    [[noreturn]] void fail(const std::string& what) const { fail_at(position(), what); }

    [[noreturn]] void fail_at(Position at, const std::string& what) const {
        throw Error(Code::config_parse,
                    fmt::format("{}:{}:{}: {}", m_source, at.line, at.column, what));
    }

    void expect(char32_t wanted, const char* context) {
        char32_t c = peek();
        if (c != wanted) {
            std::string w;
            append_utf8(w, wanted);
            fail(fmt::format("expected '{}' {}, found {}", w, context, describe(c)));
        }
        next();
    }

    void skip_space() {
        while (true) {
            char32_t c = peek();
            if (is_whitespace(c)) {
                next();
            } else if (c == '/' && peek_at(1) == '/') {
                while (peek() != k_end && !is_line_terminator(peek()))
                    next();
            } else if (c == '/' && peek_at(1) == '*') {
                Position start = position();
                next();
                next();
                while (true) {
                    char32_t d = peek();
                    if (d == k_end)
                        fail_at(start, "unterminated block comment (expected '*/' before the "
                                       "end of input)");
                    next();
                    if (d == '*' && peek() == '/') {
                        next();
                        break;
                    }
                }
            } else if (c == '/') {
                fail(fmt::format("expected '//' or '/*' to start a comment, found '/' followed "
                                 "by {}",
                                 describe(peek_at(1))));
            } else {
                return;
            }
        }
    }

    void record(const std::string& pointer, Position at) {
        if (m_positions)
            (*m_positions)[pointer] = at;
    }

    Json parse_value(std::string& pointer, std::size_t depth) {
        if (depth > k_max_depth)
            fail(fmt::format("nesting deeper than {} levels", k_max_depth));
        record(pointer, position());
        char32_t c = peek();
        switch (c) {
        case '{':
            return parse_object(pointer, depth);
        case '[':
            return parse_array(pointer, depth);
        case '"':
        case '\'':
            return Json(parse_string());
        default:
            break;
        }
        if (c == '-' || c == '+' || c == '.' || is_digit(c))
            return parse_number();
        if (is_identifier_start(c) || c == '\\') {
            Position start = position();
            std::string word = parse_identifier_name();
            if (word == "null")
                return Json(nullptr);
            if (word == "true")
                return Json(true);
            if (word == "false")
                return Json(false);
            if (word == "Infinity")
                return Json(std::numeric_limits<double>::infinity());
            if (word == "NaN")
                return Json(std::numeric_limits<double>::quiet_NaN());
            fail_at(start, fmt::format("expected a value, found the word '{}' (strings need "
                                       "quotes)",
                                       word));
        }
        fail(fmt::format("expected a value, found {}", describe(c)));
    }

    static void append_pointer_token(std::string& pointer, const std::string& key) {
        pointer += '/';
        for (char ch : key) {
            if (ch == '~')
                pointer += "~0";
            else if (ch == '/')
                pointer += "~1";
            else
                pointer += ch;
        }
    }

    Json parse_object(std::string& pointer, std::size_t depth) {
        next(); // '{'
        Json object = Json::object();
        while (true) {
            skip_space();
            if (peek() == '}') {
                next();
                return object;
            }
            std::string key = parse_key();
            skip_space();
            expect(':', fmt::format("after the key \"{}\"", key).c_str());
            skip_space();
            std::size_t saved = pointer.size();
            append_pointer_token(pointer, key);
            Json value = parse_value(pointer, depth + 1);
            pointer.resize(saved);
            object[key] = std::move(value);
            skip_space();
            char32_t c = peek();
            if (c == ',') {
                next();
                continue;
            }
            if (c == '}') {
                next();
                return object;
            }
            fail(fmt::format("expected ',' or '}}' after an object member, found {}", describe(c)));
        }
    }

    std::string parse_key() {
        char32_t c = peek();
        if (c == '"' || c == '\'')
            return parse_string();
        if (is_identifier_start(c) || c == '\\')
            return parse_identifier_name();
        fail(fmt::format("expected a key (a string or an identifier) or '}}', found {}",
                         describe(c)));
    }

    // IdentifierName, with \uXXXX escapes that must themselves be identifier characters.
    std::string parse_identifier_name() {
        std::string out;
        bool first = true;
        while (true) {
            char32_t c = peek();
            Position at = position();
            if (c == '\\') {
                next();
                if (peek() != 'u')
                    fail(fmt::format("expected 'u' after '\\' in an identifier, found {}",
                                     describe(peek())));
                next();
                char32_t escaped = parse_hex_digits(4);
                bool ok = first ? is_identifier_start(escaped) : is_identifier_part(escaped);
                if (!ok)
                    fail_at(at, "the escape does not name an identifier character");
                append_utf8(out, escaped);
            } else if (first ? is_identifier_start(c) : is_identifier_part(c)) {
                next();
                append_utf8(out, c);
            } else {
                return out;
            }
            first = false;
        }
    }

    char32_t parse_hex_digits(int count) {
        char32_t value = 0;
        for (int i = 0; i < count; ++i) {
            char32_t c = peek();
            if (!is_hex_digit(c))
                fail(fmt::format("expected a hexadecimal digit, found {}", describe(c)));
            next();
            value = value * 16 + static_cast<char32_t>(hex_value(c));
        }
        return value;
    }

    Json parse_array(std::string& pointer, std::size_t depth) {
        next(); // '['
        Json array = Json::array();
        while (true) {
            skip_space();
            if (peek() == ']') {
                next();
                return array;
            }
            std::size_t saved = pointer.size();
            pointer += '/';
            pointer += std::to_string(array.size());
            array.push_back(parse_value(pointer, depth + 1));
            pointer.resize(saved);
            skip_space();
            char32_t c = peek();
            if (c == ',') {
                next();
                continue;
            }
            if (c == ']') {
                next();
                return array;
            }
            fail(fmt::format("expected ',' or ']' after an array element, found {}", describe(c)));
        }
    }

    std::string parse_string() {
        char32_t quote = next();
        std::string out;
        while (true) {
            Position at = position();
            char32_t c = peek();
            if (c == k_end)
                fail(fmt::format("unterminated string (expected a closing {} before the end of "
                                 "input)",
                                 quote == '"' ? "'\"'" : "\"'\""));
            if (c == '\n' || c == '\r')
                fail("expected the string to end before the line break (use \\n, or a "
                     "backslash before the break to continue the line)");
            next();
            if (c == quote)
                return out;
            if (c == '\\') {
                parse_escape(out, at);
                continue;
            }
            append_utf8(out, c);
        }
    }

    void parse_escape(std::string& out, Position at) {
        char32_t c = peek();
        if (c == k_end)
            fail("unterminated escape sequence at the end of input");
        next();
        switch (c) {
        case 'b':
            out += '\b';
            return;
        case 'f':
            out += '\f';
            return;
        case 'n':
            out += '\n';
            return;
        case 'r':
            out += '\r';
            return;
        case 't':
            out += '\t';
            return;
        case 'v':
            out += '\v';
            return;
        case '0':
            if (is_digit(peek()))
                fail_at(at, "octal escapes are not allowed in JSON5 strings");
            out += '\0';
            return;
        case 'x':
            append_utf8(out, parse_hex_digits(2));
            return;
        case 'u': {
            char32_t unit = parse_hex_digits(4);
            if (unit >= 0xD800 && unit <= 0xDBFF && peek() == '\\' && peek_at(1) == 'u') {
                std::size_t saved_offset = m_offset, saved_line = m_line, saved_col = m_column;
                next();
                next();
                char32_t low = parse_hex_digits(4);
                if (low >= 0xDC00 && low <= 0xDFFF) {
                    append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
                    return;
                }
                m_offset = saved_offset;
                m_line = saved_line;
                m_column = saved_col;
            }
            // A lone surrogate cannot be UTF-8; keep it visible as U+FFFD.
            append_utf8(out, (unit >= 0xD800 && unit <= 0xDFFF) ? char32_t{0xFFFD} : unit);
            return;
        }
        case '\r':
            if (peek() == '\n')
                next();
            return; // line continuation
        case '\n':
        case 0x2028:
        case 0x2029:
            return; // line continuation
        default:
            if (is_digit(c))
                fail_at(at, fmt::format("'\\{}' is not a valid escape (octal escapes are not "
                                        "allowed)",
                                        static_cast<char>(c)));
            append_utf8(out, c); // a non-escape character stands for itself
        }
    }

    Json parse_number() {
        Position start = position();
        bool negative = false;
        char32_t c = peek();
        if (c == '+' || c == '-') {
            negative = c == '-';
            next();
            c = peek();
        }
        if (c == 'I' || c == 'N') {
            std::string word = parse_identifier_name();
            if (word == "Infinity")
                return Json(negative ? -std::numeric_limits<double>::infinity()
                                     : std::numeric_limits<double>::infinity());
            if (word == "NaN")
                return Json(std::numeric_limits<double>::quiet_NaN());
            fail_at(start, fmt::format("expected a number after the sign, found '{}'", word));
        }
        if (c == '0' && (peek_at(1) == 'x' || peek_at(1) == 'X')) {
            next();
            next();
            if (!is_hex_digit(peek()))
                fail(fmt::format("expected a hexadecimal digit after '0x', found {}",
                                 describe(peek())));
            std::uint64_t value = 0;
            double wide = 0;
            bool overflow = false;
            while (is_hex_digit(peek())) {
                int digit = hex_value(next());
                if (value > (std::numeric_limits<std::uint64_t>::max() >> 4))
                    overflow = true;
                value = (value << 4) | static_cast<std::uint64_t>(digit);
                wide = wide * 16 + digit;
            }
            check_number_end();
            if (overflow ||
                value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                return Json(negative ? -wide : wide);
            if (negative && value == 0)
                return Json(-0.0);
            auto signed_value = static_cast<std::int64_t>(value);
            return Json(negative ? -signed_value : signed_value);
        }
        std::string literal;
        if (negative)
            literal += '-';
        bool integral = true;
        bool int_digits = false;
        if (c == '0') {
            literal += static_cast<char>(next());
            int_digits = true;
            if (is_digit(peek()))
                fail("numbers may not have leading zeros (octal literals are not JSON5)");
        } else {
            while (is_digit(peek())) {
                literal += static_cast<char>(next());
                int_digits = true;
            }
        }
        bool frac_digits = false;
        if (peek() == '.') {
            integral = false;
            literal += static_cast<char>(next());
            while (is_digit(peek())) {
                literal += static_cast<char>(next());
                frac_digits = true;
            }
        }
        if (!int_digits && !frac_digits)
            fail_at(start, "expected digits in the number");
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            literal += static_cast<char>(next());
            if (peek() == '+' || peek() == '-')
                literal += static_cast<char>(next());
            if (!is_digit(peek()))
                fail(fmt::format("expected digits in the exponent, found {}", describe(peek())));
            while (is_digit(peek()))
                literal += static_cast<char>(next());
        }
        check_number_end();
        if (integral) {
            if (literal == "-0")
                return Json(-0.0);
            errno = 0;
            char* end = nullptr;
            long long v = std::strtoll(literal.c_str(), &end, 10);
            if (errno == 0 && end && *end == '\0')
                return Json(static_cast<std::int64_t>(v));
        }
        return Json(std::strtod(literal.c_str(), nullptr));
    }

    // A number must not run into an identifier ("3px") or another number ("0x1g").
    void check_number_end() {
        char32_t c = peek();
        if (is_identifier_part(c) || c == '.')
            fail(fmt::format("expected the number to end, found {}", describe(c)));
    }
};

} // namespace

Json parse_json5(std::string_view text, std::string_view source, PositionMap* positions) {
    Parser parser(text, source, positions);
    return parser.parse_document();
}

} // namespace cairn::config
