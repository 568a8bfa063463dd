// The compact encodings cpk1 and cpk2, written the way cairn wrote them before cpk3.
#include "earlier_compact.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace cairn::test {

namespace {

class Writer {
public:
    void number(std::uint64_t value) {
        do {
            auto byte = static_cast<unsigned char>(value & 0x7F);
            value >>= 7;
            out += static_cast<char>(value ? byte | 0x80 : byte);
        } while (value);
    }
    void text(const std::string& s) {
        number(s.size());
        out += s;
    }
    void optional(const std::optional<std::string>& s) {
        number(s ? 1 : 0);
        if (s)
            text(*s);
    }
    void pairs(const std::vector<protocol::npm::NameRange>& items) {
        number(items.size());
        for (const auto& [name, range] : items) {
            text(name);
            text(range);
        }
    }
    void list(const std::vector<std::string>& items) {
        number(items.size());
        for (const auto& s : items)
            text(s);
    }
    std::string out;
};

} // namespace

std::string earlier_compact_packument(const protocol::npm::Packument& p, int format) {
    Writer w;
    w.out = format == 1 ? "cpk1" : "cpk2";
    w.text(p.name);
    w.number(p.dist_tags.size());
    for (const auto& [tag, version] : p.dist_tags) {
        w.text(tag);
        w.text(version);
    }
    w.optional(p.modified);
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
        w.optional(r.deprecated);
        w.list(r.os);
        w.list(r.cpu);
        w.list(r.libc);
        w.number((r.has_install_script ? 1u : 0u) | (r.has_bin ? 2u : 0u));
        w.optional(r.published);
        if (format >= 2)
            w.text(r.engines_node);
    }
    return w.out;
}

} // namespace cairn::test
