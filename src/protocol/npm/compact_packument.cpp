// The lazily read compact packument: one checking pass that notes where each release is,
// then per-release decoding on demand.
#include "cairn/protocol/npm/compact_packument.hpp"

#include "compact_codec.hpp"

#include <limits>

namespace cairn::protocol::npm {

namespace {

// The release at the reader's position, every field decoded.
PackumentRelease read_release(compact::Reader& r, int format) {
    PackumentRelease release;
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
    return release;
}

} // namespace

CompactPackument::CompactPackument(std::string bytes) : m_bytes(std::move(bytes)) {
    compact::Reader r(m_bytes);
    if (m_bytes.size() > std::numeric_limits<std::uint32_t>::max())
        r.corrupt("entry larger than 4 GiB");
    m_format = r.expect_magic();
    m_name = r.text();
    for (std::size_t i = 0, n = r.count(); i < n; ++i) {
        std::string tag = r.text();
        m_dist_tags[tag] = r.text();
    }
    m_modified = r.optional_text();
    auto span = [&](std::string_view s) {
        return Span{static_cast<std::uint32_t>(s.data() - m_bytes.data()),
                    static_cast<std::uint32_t>(s.size())};
    };
    m_slots.resize(r.count());
    for (auto& slot : m_slots) {
        slot.start = static_cast<std::uint32_t>(r.position());
        slot.version = span(r.text_view());
        r.skip_pairs(); // dependencies
        r.skip_pairs(); // optionalDependencies
        r.skip_pairs(); // peerDependencies
        r.skip_list();  // optional peers
        r.text_view();  // tarball
        r.text_view();  // integrity
        r.text_view();  // shasum
        slot.deprecated = r.optional_view().has_value();
        r.skip_list(); // os
        r.skip_list(); // cpu
        r.skip_list(); // libc
        if (r.number() > 3)
            r.corrupt("bad flags");
        if (auto published = r.optional_view()) {
            slot.has_published = true;
            slot.published = span(*published);
        }
        if (m_format >= 2)
            slot.engines_node = span(r.text_view());
    }
    if (!r.at_end())
        r.corrupt("trailing bytes");
}

CompactPackument CompactPackument::of(const Packument& packument) {
    return CompactPackument(encode_packument(packument));
}

std::string_view CompactPackument::version(std::size_t i) const {
    return view(m_slots[i].version);
}

std::optional<std::string_view> CompactPackument::published(std::size_t i) const {
    if (!m_slots[i].has_published)
        return std::nullopt;
    return view(m_slots[i].published);
}

std::string_view CompactPackument::engines_node(std::size_t i) const {
    return view(m_slots[i].engines_node);
}

PackumentRelease CompactPackument::release(std::size_t i) const {
    compact::Reader r(m_bytes, m_slots[i].start);
    return read_release(r, m_format);
}

Packument CompactPackument::decode() const {
    Packument p;
    p.name = m_name;
    p.dist_tags = m_dist_tags;
    p.modified = m_modified;
    p.releases.reserve(m_slots.size());
    for (std::size_t i = 0; i < m_slots.size(); ++i)
        p.releases.push_back(release(i));
    return p;
}

} // namespace cairn::protocol::npm
