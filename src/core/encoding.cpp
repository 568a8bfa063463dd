#include "cairn/core/encoding.hpp"

namespace cairn::encoding {
namespace {

constexpr std::string_view k_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
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
    std::string out;
    out.reserve(text.size() * 3 / 4);
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        int v = base64_value(c);
        if (v < 0)
            return std::nullopt;
        buffer = buffer << 6 | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>(buffer >> bits & 0xFF);
        }
    }
    // The leftover bits of the last character must be zero in a canonical encoding.
    if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0)
        return std::nullopt;
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
