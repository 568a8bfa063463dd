#pragma once

// The compact packument's primitives (packument_compact.cpp, compact_packument.cpp):
// unsigned LEB128 integers and strings as (length, bytes); every read is bounds checked.
#include "cairn/protocol/npm/compact_packument.hpp"
#include "cairn/protocol/npm/packument.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::protocol::npm::compact {

// cpk3 writes a conventional dist.tarball as a flag (its common start once per document)
// and `published` as unix milliseconds; cpk2 added engines.node after `published`. cpk1 and
// cpk2 are still read.
inline constexpr std::string_view k_magic = "cpk3";
inline constexpr int k_format = k_compact_format;

// A release's flags.
namespace flag {
inline constexpr std::uint64_t install_script = 1;
inline constexpr std::uint64_t bin = 2;
// cpk3: dist.tarball is the tarball base + name/-/basename-version.tgz
inline constexpr std::uint64_t conventional_tarball = 4;
inline constexpr std::uint64_t has_published = 8; // cpk3: `published` follows as milliseconds
} // namespace flag

// The latest time written: 9999-12-31T23:59:59.999Z, in unix milliseconds.
inline constexpr std::uint64_t k_latest_time = 253402300799999;

// "2024-01-02T03:04:05.678Z" (a fraction and a +hh:mm or +hhmm offset optional) as unix
// milliseconds; nullopt for anything else.
std::optional<std::int64_t> parse_iso_time(std::string_view text);
// Unix milliseconds as "2024-01-02T03:04:05.678Z".
std::string format_iso_time(std::int64_t ms);

// The dist.tarball npm's registries give a release: "@s/n/-/n-1.0.0.tgz" after the base.
std::string conventional_tarball_path(std::string_view name, std::string_view version);

class Writer {
public:
    void number(std::uint64_t value);
    void text(std::string_view s);
    void optional_text(const std::optional<std::string>& s);
    void pairs(const std::vector<NameRange>& items);
    void list(const std::vector<std::string>& items);
    std::string take() { return std::move(m_out); }
    std::string& raw() { return m_out; }

private:
    std::string m_out;
};

class Reader {
public:
    explicit Reader(std::string_view bytes, std::size_t pos = 0) : m_bytes(bytes), m_pos(pos) {}

    // Throws cairn::Error(Code::cache_corrupt) saying what and where.
    [[noreturn]] void corrupt(const char* what) const;
    // Inline for the one-byte numbers nearly every length and count is (a packument's
    // checking pass reads tens of thousands); longer ones go to number_slow().
    std::uint64_t number() {
        if (m_pos < m_bytes.size()) {
            auto byte = static_cast<unsigned char>(m_bytes[m_pos]);
            if (!(byte & 0x80)) {
                ++m_pos;
                return byte;
            }
        }
        return number_slow();
    }
    // An element count: at most one element per remaining byte.
    std::size_t count() {
        std::uint64_t n = number();
        if (n > m_bytes.size() - m_pos)
            corrupt("impossible count");
        return static_cast<std::size_t>(n);
    }
    std::string_view text_view() {
        std::uint64_t n = number();
        if (n > m_bytes.size() - m_pos)
            corrupt("string longer than the entry");
        std::string_view s = m_bytes.substr(m_pos, static_cast<std::size_t>(n));
        m_pos += static_cast<std::size_t>(n);
        return s;
    }
    std::string text() { return std::string(text_view()); }
    // nullopt when absent.
    std::optional<std::string_view> optional_view();
    std::optional<std::string> optional_text();
    std::vector<NameRange> pairs();
    std::vector<std::string> list();
    void skip_pairs();
    void skip_list();
    // The same as views into the bytes, into `out` (cleared first).
    void pairs(std::vector<std::pair<std::string_view, std::string_view>>& out);
    void list(std::vector<std::string_view>& out);
    // Returns the format version (1 to 3).
    int expect_magic();
    std::size_t position() const { return m_pos; }
    bool at_end() const { return m_pos == m_bytes.size(); }

private:
    std::uint64_t number_slow();

    std::string_view m_bytes;
    std::size_t m_pos = 0;
};

} // namespace cairn::protocol::npm::compact
