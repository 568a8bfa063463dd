// The compact packument encoding kept in the metadata cache:
//   "cpk1" | string name | u tag count | (string tag, string version)* | optional modified
//   | u release count | release*
// with unsigned LEB128 integers and strings as (length, bytes). Every read is bounds
// checked: a damaged cache entry is reported, never trusted.
#include "cairn/core/error.hpp"
#include "cairn/protocol/npm/packument.hpp"

#include <fmt/format.h>

namespace cairn::protocol::npm {
namespace {

// cpk2 adds engines.node after `published`; cpk1 (without it) is still read.
constexpr std::string_view k_magic = "cpk2";
constexpr std::string_view k_magic_v1 = "cpk1";

class Writer {
public:
    void number(std::uint64_t value) {
        do {
            auto byte = static_cast<unsigned char>(value & 0x7F);
            value >>= 7;
            m_out += static_cast<char>(value ? byte | 0x80 : byte);
        } while (value);
    }
    void text(std::string_view s) {
        number(s.size());
        m_out.append(s);
    }
    void optional_text(const std::optional<std::string>& s) {
        number(s ? 1 : 0);
        if (s)
            text(*s);
    }
    void pairs(const std::vector<NameRange>& items) {
        number(items.size());
        for (const auto& [a, b] : items) {
            text(a);
            text(b);
        }
    }
    void list(const std::vector<std::string>& items) {
        number(items.size());
        for (const auto& s : items)
            text(s);
    }
    std::string take() { return std::move(m_out); }
    std::string& raw() { return m_out; }

private:
    std::string m_out;
};

class Reader {
public:
    explicit Reader(std::string_view bytes) : m_bytes(bytes) {}

    [[noreturn]] void corrupt(const char* what) const {
        Error error(Code::cache_corrupt,
                    fmt::format("a cached npm packument is damaged ({} at byte {})", what, m_pos));
        error.hint("`cairn cache clean` drops cached metadata; the next online run fetches the "
                   "document again");
        throw error;
    }
    std::uint64_t number() {
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
    std::size_t count() {
        std::uint64_t n = number();
        if (n > m_bytes.size() - m_pos) // every element takes at least one byte
            corrupt("impossible count");
        return static_cast<std::size_t>(n);
    }
    std::string text() {
        std::uint64_t n = number();
        if (n > m_bytes.size() - m_pos)
            corrupt("string longer than the entry");
        std::string s(m_bytes.substr(m_pos, static_cast<std::size_t>(n)));
        m_pos += static_cast<std::size_t>(n);
        return s;
    }
    std::optional<std::string> optional_text() {
        std::uint64_t flag = number();
        if (flag > 1)
            corrupt("bad optional flag");
        if (!flag)
            return std::nullopt;
        return text();
    }
    std::vector<NameRange> pairs() {
        std::vector<NameRange> out(count());
        for (auto& [a, b] : out) {
            a = text();
            b = text();
        }
        return out;
    }
    std::vector<std::string> list() {
        std::vector<std::string> out(count());
        for (auto& s : out)
            s = text();
        return out;
    }
    // Returns the format version (1 or 2).
    int expect_magic() {
        int v = m_bytes.substr(0, k_magic.size()) == k_magic      ? 2
                : m_bytes.substr(0, k_magic.size()) == k_magic_v1 ? 1
                                                                  : 0;
        if (v == 0)
            corrupt("unknown format version");
        m_pos = k_magic.size();
        return v;
    }
    bool at_end() const { return m_pos == m_bytes.size(); }

private:
    std::string_view m_bytes;
    std::size_t m_pos = 0;
};

} // namespace

std::string encode_packument(const Packument& p) {
    Writer w;
    w.raw() += k_magic;
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
    Reader r(bytes);
    int format = r.expect_magic();
    Packument p;
    p.name = r.text();
    for (std::size_t i = 0, n = r.count(); i < n; ++i) {
        std::string tag = r.text();
        p.dist_tags[tag] = r.text();
    }
    p.modified = r.optional_text();
    p.releases.resize(r.count());
    for (auto& release : p.releases) {
        release.version = r.text();
        release.dependencies = r.pairs();
        release.optional_dependencies = r.pairs();
        release.peer_dependencies = r.pairs();
        release.optional_peers = r.list();
        release.tarball = r.text();
        release.integrity = r.text();
        release.shasum = r.text();
        release.deprecated = r.optional_text();
        release.os = r.list();
        release.cpu = r.list();
        release.libc = r.list();
        std::uint64_t flags = r.number();
        if (flags > 3)
            r.corrupt("bad flags");
        release.has_install_script = flags & 1;
        release.has_bin = flags & 2;
        release.published = r.optional_text();
        if (format >= 2)
            release.engines_node = r.text();
    }
    if (!r.at_end())
        r.corrupt("trailing bytes");
    return p;
}

} // namespace cairn::protocol::npm
