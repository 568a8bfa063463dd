// The lazily read compact packument: one checking pass that notes where each release is,
// then per-release decoding on demand.
#include "cairn/protocol/npm/compact_packument.hpp"

#include "compact_codec.hpp"

#include <limits>

namespace cairn::protocol::npm {

namespace {

// What the checking pass keeps of a release (CompactPackument's slot).
struct Walked {
    std::string_view version;
    bool deprecated = false;
    std::optional<std::string_view> published;
    std::string_view engines_node;
    std::string_view integrity;
    std::string_view shasum;
};

// The one walk of a release's layout, from the reader's position: every length checked;
// each field decoded into `out` when there is one, else only stepped over.
Walked walk_release(compact::Reader& r, int format, PackumentRelease* out) {
    using Pairs = std::vector<NameRange> PackumentRelease::*;
    using List = std::vector<std::string> PackumentRelease::*;
    using Text = std::string PackumentRelease::*;
    auto pairs = [&](Pairs field) { out ? void(out->*field = r.pairs()) : r.skip_pairs(); };
    auto list = [&](List field) { out ? void(out->*field = r.list()) : r.skip_list(); };
    auto text = [&](Text field) {
        std::string_view s = r.text_view();
        if (out)
            out->*field = std::string(s);
        return s;
    };
    Walked walked;
    walked.version = text(&PackumentRelease::version);
    pairs(&PackumentRelease::dependencies);
    pairs(&PackumentRelease::optional_dependencies);
    pairs(&PackumentRelease::peer_dependencies);
    list(&PackumentRelease::optional_peers);
    text(&PackumentRelease::tarball);
    walked.integrity = text(&PackumentRelease::integrity);
    walked.shasum = text(&PackumentRelease::shasum);
    auto deprecated = r.optional_view();
    walked.deprecated = deprecated.has_value();
    list(&PackumentRelease::os);
    list(&PackumentRelease::cpu);
    list(&PackumentRelease::libc);
    std::uint64_t flags = r.number();
    if (flags > 3)
        r.corrupt("bad flags");
    walked.published = r.optional_view();
    if (format >= 2)
        walked.engines_node = text(&PackumentRelease::engines_node);
    if (out) {
        if (deprecated)
            out->deprecated = std::string(*deprecated);
        out->has_install_script = flags & 1;
        out->has_bin = flags & 2;
        if (walked.published)
            out->published = std::string(*walked.published);
    }
    return walked;
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
        Walked walked = walk_release(r, m_format, nullptr);
        slot.version = span(walked.version);
        slot.deprecated = walked.deprecated;
        slot.integrity = span(walked.integrity);
        slot.shasum = span(walked.shasum);
        slot.has_published = walked.published.has_value();
        if (walked.published)
            slot.published = span(*walked.published);
        if (m_format >= 2) // version 1 has no engines.node: the empty default stands
            slot.engines_node = span(walked.engines_node);
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

std::string_view CompactPackument::integrity(std::size_t i) const {
    return view(m_slots[i].integrity);
}

std::string_view CompactPackument::shasum(std::size_t i) const {
    return view(m_slots[i].shasum);
}

PackumentRelease CompactPackument::release(std::size_t i) const {
    compact::Reader r(m_bytes, m_slots[i].start);
    PackumentRelease release;
    walk_release(r, m_format, &release);
    return release;
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
