// The "cairn-vi/1" encoding of a version index:
//   "CVI" 0x01
//   varint n, then n strings (varint length, bytes)         -- the string table
//   varint releases, each:
//     varint version, byte state, byte algorithm+1 (0: no digest), digest bytes,
//     varint dependencies, each: varint name, varint requirement, byte kind
//   varint tags, each: varint tag, varint version
// Every index refers to the string table.
#include "cairn/core/error.hpp"
#include "cairn/store/metadata_cache.hpp"

#include <fmt/format.h>

#include <unordered_map>

namespace cairn::store {
namespace {

constexpr std::string_view k_magic = "CVI\x01";

class Writer {
public:
    void varint(std::uint64_t v) {
        while (v >= 0x80) {
            m_out.push_back(static_cast<char>((v & 0x7f) | 0x80));
            v >>= 7;
        }
        m_out.push_back(static_cast<char>(v));
    }
    void byte(std::uint8_t b) { m_out.push_back(static_cast<char>(b)); }
    void raw(std::string_view s) { m_out.append(s); }
    std::string& out() { return m_out; }

private:
    std::string m_out;
};

class Reader {
public:
    explicit Reader(std::string_view in) : m_in(in) {}
    [[noreturn]] static void fail(std::string_view why) {
        Error error(Code::cache_corrupt, "a cached version index is damaged");
        error.caused_by(std::string(why));
        error.hint("run `cairn cache clean` to drop the metadata cache");
        throw error;
    }
    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            std::uint8_t b = byte();
            v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
            if (!(b & 0x80))
                return v;
        }
        fail("a number is too long");
    }
    std::uint8_t byte() {
        if (m_pos >= m_in.size())
            fail("it ends early");
        return static_cast<std::uint8_t>(m_in[m_pos++]);
    }
    std::string_view raw(std::uint64_t n) {
        if (n > m_in.size() - m_pos)
            fail("it ends early");
        auto s = m_in.substr(m_pos, n);
        m_pos += n;
        return s;
    }
    // A count of items that each take at least one byte: never more than what is left.
    std::uint64_t count() {
        std::uint64_t n = varint();
        if (n > m_in.size() - m_pos)
            fail("a count exceeds the data");
        return n;
    }
    bool done() const { return m_pos == m_in.size(); }

private:
    std::string_view m_in;
    std::size_t m_pos = 0;
};

} // namespace

std::string encode_version_index(const CachedVersionIndex& index) {
    std::vector<std::string_view> table;
    std::unordered_map<std::string_view, std::uint64_t> ids;
    auto id = [&](std::string_view s) {
        auto [it, added] = ids.emplace(s, table.size());
        if (added)
            table.push_back(s);
        return it->second;
    };
    for (const auto& r : index.releases) {
        id(r.version);
        for (const auto& d : r.dependencies) {
            id(d.name);
            id(d.requirement);
        }
    }
    for (const auto& [tag, version] : index.tags) {
        id(tag);
        id(version);
    }
    Writer w;
    w.raw(k_magic);
    w.varint(table.size());
    for (auto s : table) {
        w.varint(s.size());
        w.raw(s);
    }
    w.varint(index.releases.size());
    for (const auto& r : index.releases) {
        w.varint(ids[r.version]);
        w.byte(static_cast<std::uint8_t>(r.state));
        if (r.digest) {
            w.byte(static_cast<std::uint8_t>(static_cast<int>(r.digest->algorithm()) + 1));
            auto bytes = r.digest->bytes();
            w.raw(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
        } else {
            w.byte(0);
        }
        w.varint(r.dependencies.size());
        for (const auto& d : r.dependencies) {
            w.varint(ids[d.name]);
            w.varint(ids[d.requirement]);
            w.byte(static_cast<std::uint8_t>(d.kind));
        }
    }
    w.varint(index.tags.size());
    for (const auto& [tag, version] : index.tags) {
        w.varint(ids[tag]);
        w.varint(ids[version]);
    }
    return std::move(w.out());
}

CachedVersionIndex decode_version_index(std::string_view bytes) {
    Reader r(bytes);
    if (r.raw(k_magic.size()) != k_magic)
        Reader::fail("it does not start with the cairn-vi/1 header");
    std::vector<std::string> table(r.count());
    for (auto& s : table)
        s = std::string(r.raw(r.varint()));
    auto str = [&]() -> const std::string& {
        std::uint64_t i = r.varint();
        if (i >= table.size())
            Reader::fail("a string index is out of range");
        return table[i];
    };
    CachedVersionIndex index;
    index.releases.resize(r.count());
    for (auto& release : index.releases) {
        release.version = str();
        std::uint8_t state = r.byte();
        if (state > static_cast<std::uint8_t>(ReleaseState::insecure))
            Reader::fail("a release state is unknown");
        release.state = static_cast<ReleaseState>(state);
        std::uint8_t algorithm = r.byte();
        if (algorithm > 3)
            Reader::fail("a digest algorithm is unknown");
        if (algorithm) {
            auto a = static_cast<DigestAlgorithm>(algorithm - 1);
            auto raw = r.raw(digest_size(a));
            release.digest.emplace(
                a, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(raw.data()),
                                                 raw.size()));
        }
        release.dependencies.resize(r.count());
        for (auto& d : release.dependencies) {
            d.name = str();
            d.requirement = str();
            std::uint8_t kind = r.byte();
            if (kind > static_cast<std::uint8_t>(DependencyKind::dev))
                Reader::fail("a dependency kind is unknown");
            d.kind = static_cast<DependencyKind>(kind);
        }
    }
    std::uint64_t tags = r.count();
    for (std::uint64_t i = 0; i < tags; ++i) {
        std::string tag = str();
        index.tags[tag] = str();
    }
    if (!r.done())
        Reader::fail("bytes follow the end");
    return index;
}

} // namespace cairn::store
