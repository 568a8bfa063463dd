// The compact packument encoding kept in the metadata cache:
//   "cpk2" | string name | u tag count | (string tag, string version)* | optional modified
//   | u release count | release*
// with unsigned LEB128 integers and strings as (length, bytes). Every read is bounds
// checked: a damaged cache entry is reported, never trusted. Reading is
// CompactPackument's (compact_packument.cpp).
#include "compact_codec.hpp"

#include "cairn/core/error.hpp"
#include "cairn/protocol/npm/compact_packument.hpp"
#include "cairn/protocol/npm/packument.hpp"

#include <fmt/format.h>

namespace cairn::protocol::npm {
namespace compact {

void Writer::number(std::uint64_t value) {
    do {
        auto byte = static_cast<unsigned char>(value & 0x7F);
        value >>= 7;
        m_out += static_cast<char>(value ? byte | 0x80 : byte);
    } while (value);
}

void Writer::text(std::string_view s) {
    number(s.size());
    m_out.append(s);
}

void Writer::optional_text(const std::optional<std::string>& s) {
    number(s ? 1 : 0);
    if (s)
        text(*s);
}

void Writer::pairs(const std::vector<NameRange>& items) {
    number(items.size());
    for (const auto& [a, b] : items) {
        text(a);
        text(b);
    }
}

void Writer::list(const std::vector<std::string>& items) {
    number(items.size());
    for (const auto& s : items)
        text(s);
}

void Reader::corrupt(const char* what) const {
    Error error(Code::cache_corrupt,
                fmt::format("a cached npm packument is damaged ({} at byte {})", what, m_pos));
    error.hint("`cairn cache clean` drops cached metadata; the next online run fetches the "
               "document again");
    throw error;
}

std::uint64_t Reader::number() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (m_pos >= m_bytes.size())
            corrupt("truncated number");
        auto byte = static_cast<unsigned char>(m_bytes[m_pos++]);
        value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
        if (!(byte & 0x80))
            return value;
    }
    corrupt("overlong number");
}

std::size_t Reader::count() {
    std::uint64_t n = number();
    if (n > m_bytes.size() - m_pos) // every element takes at least one byte
        corrupt("impossible count");
    return static_cast<std::size_t>(n);
}

std::string_view Reader::text_view() {
    std::uint64_t n = number();
    if (n > m_bytes.size() - m_pos)
        corrupt("string longer than the entry");
    std::string_view s = m_bytes.substr(m_pos, static_cast<std::size_t>(n));
    m_pos += static_cast<std::size_t>(n);
    return s;
}

std::optional<std::string_view> Reader::optional_view() {
    std::uint64_t flag = number();
    if (flag > 1)
        corrupt("bad optional flag");
    if (!flag)
        return std::nullopt;
    return text_view();
}

std::optional<std::string> Reader::optional_text() {
    auto s = optional_view();
    return s ? std::optional<std::string>(std::string(*s)) : std::nullopt;
}

std::vector<NameRange> Reader::pairs() {
    std::vector<NameRange> out(count());
    for (auto& [a, b] : out) {
        a = text();
        b = text();
    }
    return out;
}

std::vector<std::string> Reader::list() {
    std::vector<std::string> out(count());
    for (auto& s : out)
        s = text();
    return out;
}

void Reader::skip_pairs() {
    for (std::size_t i = 0, n = count(); i < n; ++i) {
        text_view();
        text_view();
    }
}

void Reader::skip_list() {
    for (std::size_t i = 0, n = count(); i < n; ++i)
        text_view();
}

int Reader::expect_magic() {
    int v = m_bytes.substr(0, k_magic.size()) == k_magic      ? 2
            : m_bytes.substr(0, k_magic.size()) == k_magic_v1 ? 1
                                                              : 0;
    if (v == 0)
        corrupt("unknown format version");
    m_pos = k_magic.size();
    return v;
}

} // namespace compact

std::string encode_packument(const Packument& p) {
    compact::Writer w;
    w.raw() += compact::k_magic;
    w.text(p.name);
    w.number(p.dist_tags.size());
    for (const auto& [tag, version] : p.dist_tags) {
        w.text(tag);
        w.text(version);
    }
    w.optional_text(p.modified);
    w.number(p.releases.size());
    for (const auto& r : p.releases) {
        w.text(r.version);
        w.pairs(r.dependencies);
        w.pairs(r.optional_dependencies);
        w.pairs(r.peer_dependencies);
        w.list(r.optional_peers);
        w.text(r.tarball);
        w.text(r.integrity);
        w.text(r.shasum);
        w.optional_text(r.deprecated);
        w.list(r.os);
        w.list(r.cpu);
        w.list(r.libc);
        w.number((r.has_install_script ? 1u : 0u) | (r.has_bin ? 2u : 0u));
        w.optional_text(r.published);
        w.text(r.engines_node);
    }
    return w.take();
}

Packument decode_packument(std::string_view bytes) {
    return CompactPackument(std::string(bytes)).decode();
}

} // namespace cairn::protocol::npm
