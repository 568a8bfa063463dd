// The lazily read compact packument: one checking pass that notes where each release is,
// then per-release decoding on demand.
#include "cairn/protocol/npm/compact_packument.hpp"

#include "compact_codec.hpp"

#include <limits>

namespace cairn::protocol::npm {

namespace {

// What a walk needs to know of the document.
struct Layout {
    int format = compact::k_format;
    std::string_view name;
    std::string_view tarball_base;
    bool with_published = true; // decode `published` into the release (else left empty)
};

// The one walk of a release's layout, from the reader's position: every length checked;
// each field decoded into `out` when there is one, else only stepped over. A release is
//   string version | pairs dependencies | pairs optional | pairs peer | list optional peers
//   | string tarball | string integrity | string shasum | optional deprecated
//   | list os | list cpu | list libc | u flags | [u published ms] | string engines.node
// where cpk1 and cpk2 have `optional published` (ISO text) instead of the flag and number,
// and cpk1 no engines.node.
ReleaseSummary walk_release(compact::Reader& r, const Layout& layout, PackumentRelease* out) {
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
    ReleaseSummary summary;
    summary.version = text(&PackumentRelease::version);
    pairs(&PackumentRelease::dependencies);
    pairs(&PackumentRelease::optional_dependencies);
    pairs(&PackumentRelease::peer_dependencies);
    list(&PackumentRelease::optional_peers);
    std::string_view tarball = text(&PackumentRelease::tarball);
    summary.integrity = text(&PackumentRelease::integrity);
    summary.shasum = text(&PackumentRelease::shasum);
    auto deprecated = r.optional_view();
    summary.deprecated = deprecated.has_value();
    list(&PackumentRelease::os);
    list(&PackumentRelease::cpu);
    list(&PackumentRelease::libc);
    std::uint64_t flags = r.number();
    std::uint64_t known = compact::flag::install_script | compact::flag::bin;
    if (layout.format >= 3)
        known |= compact::flag::conventional_tarball | compact::flag::has_published;
    if (flags & ~known)
        r.corrupt("bad flags");
    bool conventional = flags & compact::flag::conventional_tarball;
    if (conventional && !tarball.empty())
        r.corrupt("a tarball both written and conventional");
    std::optional<std::string_view> published_text;
    if (layout.format >= 3) {
        if (flags & compact::flag::has_published) {
            std::uint64_t ms = r.number();
            if (ms > compact::k_latest_time)
                r.corrupt("bad time");
            summary.published_ms = static_cast<std::int64_t>(ms);
        }
    } else if ((published_text = r.optional_view())) {
        summary.published_ms = compact::parse_iso_time(*published_text);
    }
    if (layout.format >= 2)
        summary.engines_node = text(&PackumentRelease::engines_node);
    if (out) {
        if (deprecated)
            out->deprecated = std::string(*deprecated);
        out->has_install_script = flags & compact::flag::install_script;
        out->has_bin = flags & compact::flag::bin;
        if (conventional)
            out->tarball = std::string(layout.tarball_base) +
                           compact::conventional_tarball_path(layout.name, summary.version);
        if (layout.with_published && published_text)
            out->published = std::string(*published_text);
        else if (layout.with_published && summary.published_ms)
            out->published = compact::format_iso_time(*summary.published_ms);
    }
    return summary;
}

} // namespace

void ReleaseView::assign(const PackumentRelease& release) {
    auto pairs = [](const std::vector<NameRange>& from, std::vector<Pair>& to) {
        to.clear();
        for (const auto& [name, range] : from)
            to.emplace_back(name, range);
    };
    auto list = [](const std::vector<std::string>& from, std::vector<std::string_view>& to) {
        to.assign(from.begin(), from.end());
    };
    version = release.version;
    pairs(release.dependencies, dependencies);
    pairs(release.optional_dependencies, optional_dependencies);
    pairs(release.peer_dependencies, peer_dependencies);
    list(release.optional_peers, optional_peers);
    tarball = release.tarball;
    integrity = release.integrity;
    shasum = release.shasum;
    deprecated.reset();
    if (release.deprecated)
        deprecated = *release.deprecated;
    list(release.os, os);
    list(release.cpu, cpu);
    list(release.libc, libc);
    has_install_script = release.has_install_script;
    has_bin = release.has_bin;
    published.reset();
    if (release.published)
        published = *release.published;
    engines_node = release.engines_node;
}

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
    if (m_format >= 3)
        m_tarball_base = r.text();
    Layout layout{m_format, m_name, m_tarball_base};
    std::size_t count = r.count();
    m_starts.reserve(count);
    m_summaries.reserve(count);
    // An empty view may point anywhere ("" for a field an earlier format lacks).
    auto span = [&](std::string_view view) {
        if (view.empty())
            return Span{};
        return Span{static_cast<std::uint32_t>(view.data() - m_bytes.data()),
                    static_cast<std::uint32_t>(view.size())};
    };
    for (std::size_t i = 0; i < count; ++i) {
        m_starts.push_back(static_cast<std::uint32_t>(r.position()));
        ReleaseSummary summary = walk_release(r, layout, nullptr);
        m_summaries.push_back(Summary{span(summary.version), span(summary.engines_node),
                                      span(summary.integrity), span(summary.shasum),
                                      summary.deprecated, summary.published_ms});
    }
    if (!r.at_end())
        r.corrupt("trailing bytes");
}

CompactPackument CompactPackument::of(const Packument& packument) {
    return CompactPackument(encode_packument(packument));
}

ReleaseSummary CompactPackument::summary(std::size_t i) const {
    const Summary& s = m_summaries[i];
    auto view = [&](Span span) { return std::string_view(m_bytes).substr(span.offset, span.size); };
    return ReleaseSummary{view(s.version),      s.deprecated,      s.published_ms,
                          view(s.engines_node), view(s.integrity), view(s.shasum)};
}

PackumentRelease CompactPackument::release(std::size_t i) const {
    compact::Reader r(m_bytes, m_starts[i]);
    PackumentRelease release;
    walk_release(r, Layout{m_format, m_name, m_tarball_base}, &release);
    return release;
}

PackumentRelease CompactPackument::release_untimed(std::size_t i) const {
    compact::Reader r(m_bytes, m_starts[i]);
    PackumentRelease release;
    walk_release(r, Layout{m_format, m_name, m_tarball_base, false}, &release);
    return release;
}

void CompactPackument::view(std::size_t i, ReleaseView& out, std::string& tarball) const {
    // The layout walk_release() reads (the constructor has checked it once already).
    compact::Reader r(m_bytes, m_starts[i]);
    out.version = r.text_view();
    r.pairs(out.dependencies);
    r.pairs(out.optional_dependencies);
    r.pairs(out.peer_dependencies);
    r.list(out.optional_peers);
    out.tarball = r.text_view();
    out.integrity = r.text_view();
    out.shasum = r.text_view();
    out.deprecated = r.optional_view();
    r.list(out.os);
    r.list(out.cpu);
    r.list(out.libc);
    std::uint64_t flags = r.number();
    out.has_install_script = flags & compact::flag::install_script;
    out.has_bin = flags & compact::flag::bin;
    if (m_format >= 3) {
        if (flags & compact::flag::has_published)
            r.number();
        if (flags & compact::flag::conventional_tarball) {
            tarball = m_tarball_base;
            tarball += compact::conventional_tarball_path(m_name, out.version);
            out.tarball = tarball;
        }
    } else {
        r.optional_view();
    }
    out.published.reset();
    out.engines_node = m_format >= 2 ? r.text_view() : std::string_view();
}

Packument CompactPackument::decode() const {
    Packument p;
    p.name = m_name;
    p.dist_tags = m_dist_tags;
    p.modified = m_modified;
    p.releases.reserve(m_starts.size());
    for (std::size_t i = 0; i < m_starts.size(); ++i)
        p.releases.push_back(release(i));
    return p;
}

} // namespace cairn::protocol::npm
