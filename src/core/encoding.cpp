#include "cairn/core/encoding.hpp"

#include <array>

namespace cairn::encoding {
namespace {

constexpr std::string_view k_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// A character's value in the alphabet, -1 for any other byte. A table: an install decodes
// the integrity of every package it links, and a resolution that of every release it
// writes into the lockfile's index.
constexpr auto k_base64_values = [] {
    std::array<signed char, 256> values{};
    values.fill(-1);
    for (std::size_t i = 0; i < k_alphabet.size(); ++i)
        values[static_cast<unsigned char>(k_alphabet[i])] = static_cast<signed char>(i);
    return values;
}();

int base64_value(char c) {
    return k_base64_values[static_cast<unsigned char>(c)];
}

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

std::string base64_encode(std::string_view bytes, Padding padding) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    auto byte = [&](std::size_t k) {
        return static_cast<unsigned>(static_cast<unsigned char>(bytes[k]));
    };
    for (; i + 3 <= bytes.size(); i += 3) {
        unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
        out += k_alphabet[v >> 18 & 63];
        out += k_alphabet[v >> 12 & 63];
        out += k_alphabet[v >> 6 & 63];
        out += k_alphabet[v & 63];
    }
    std::size_t left = bytes.size() - i;
    if (left > 0) {
        unsigned v = byte(i) << 16 | (left == 2 ? byte(i + 1) << 8 : 0u);
        out += k_alphabet[v >> 18 & 63];
        out += k_alphabet[v >> 12 & 63];
        if (left == 2)
            out += k_alphabet[v >> 6 & 63];
        if (padding == Padding::with)
            out.append(left == 2 ? 1 : 2, '=');
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    std::size_t padded = 0;
    while (!text.empty() && text.back() == '=' && padded < 2) {
        text.remove_suffix(1);
        ++padded;
    }
    if (text.size() % 4 == 1 || (padded > 0 && (text.size() + padded) % 4 != 0))
        return std::nullopt;
    std::string out(text.size() * 3 / 4, '\0');
    char* at = out.data();
    std::size_t i = 0;
    for (; i + 4 <= text.size(); i += 4) {
        int a = base64_value(text[i]), b = base64_value(text[i + 1]);
        int c = base64_value(text[i + 2]), d = base64_value(text[i + 3]);
        if ((a | b | c | d) < 0)
            return std::nullopt;
        unsigned v = unsigned(a) << 18 | unsigned(b) << 12 | unsigned(c) << 6 | unsigned(d);
        *at++ = static_cast<char>(v >> 16);
        *at++ = static_cast<char>(v >> 8 & 0xFF);
        *at++ = static_cast<char>(v & 0xFF);
    }
    // Two or three characters left: one or two bytes, and the leftover bits of the last
    // character must be zero in a canonical encoding.
    if (std::size_t left = text.size() - i; left > 0) {
        int a = base64_value(text[i]), b = base64_value(text[i + 1]);
        int c = left == 3 ? base64_value(text[i + 2]) : 0;
        if ((a | b | c) < 0)
            return std::nullopt;
        unsigned v = unsigned(a) << 18 | unsigned(b) << 12 | unsigned(c) << 6;
        *at++ = static_cast<char>(v >> 16);
        if (left == 3)
            *at++ = static_cast<char>(v >> 8 & 0xFF);
        if ((left == 2 ? v & 0xFFFF : v & 0xFF) != 0)
            return std::nullopt;
    }
    return out;
}

std::optional<std::string> base64_decode_padded(std::string_view text) {
    if (text.size() % 4 != 0)
        return std::nullopt;
    return base64_decode(text);
}

std::string hex_encode(std::string_view bytes) {
    constexpr std::string_view k_digits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (char c : bytes) {
        auto b = static_cast<unsigned char>(c);
        out += k_digits[b >> 4];
        out += k_digits[b & 15];
    }
    return out;
}

std::optional<std::string> hex_decode(std::string_view text) {
    if (text.size() % 2 != 0)
        return std::nullopt;
    std::string out;
    out.reserve(text.size() / 2);
    for (std::size_t i = 0; i < text.size(); i += 2) {
        int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        out += static_cast<char>(hi << 4 | lo);
    }
    return out;
}

} // namespace cairn::encoding
