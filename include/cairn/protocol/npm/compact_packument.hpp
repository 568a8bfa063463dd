#pragma once

#include "cairn/protocol/npm/packument.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// A packument in its compact encoding (packument.hpp), read lazily: the document's bytes are
// checked once, every length of every release, when it is built; afterwards a release is
// decoded only when it is asked for, and only where each release starts and what its
// summary holds are kept besides them. A warm resolution of a package with
// thousands of releases (typescript, @types/node) then costs one pass over its bytes and
// the handful of releases it picks, not a decoded copy of every one.
namespace cairn::protocol::npm {

// The version of the compact encoding written; the earlier ones are still read.
inline constexpr int k_compact_format = 3;

// What choosing among releases reads of one release (views into the document's bytes).
struct ReleaseSummary {
    std::string_view version;
    bool deprecated = false;
    std::optional<std::int64_t> published_ms; // time[version] in unix milliseconds
    std::string_view engines_node;            // "" when any
    std::string_view integrity;               // dist.integrity, "" when absent
    std::string_view shasum; // dist.shasum; "" when absent (or, from cpk3 on, when the
                             // release has an integrity)
};

// One release's fields as views (into a compact packument's bytes, or into a
// PackumentRelease's strings): what the lockfile's portable index writes, without a copy.
struct ReleaseView {
    using Pair = std::pair<std::string_view, std::string_view>;
    std::string_view version;
    std::vector<Pair> dependencies;
    std::vector<Pair> optional_dependencies;
    std::vector<Pair> peer_dependencies;
    std::vector<std::string_view> optional_peers;
    std::string_view tarball; // as the document has it ("" when it has none)
    std::string_view integrity;
    std::string_view shasum;
    std::optional<std::string_view> deprecated;
    std::vector<std::string_view> os, cpu, libc;
    bool has_install_script = false;
    bool has_bin = false;
    std::optional<std::string_view> published;
    std::string_view engines_node;

    // Views of `release` (which must outlive them), reusing this object's vectors.
    void assign(const PackumentRelease& release);
};

class CompactPackument {
public:
    // Takes the encoded bytes. Throws cairn::Error(Code::cache_corrupt) for bytes that are
    // not a compact packument of a version this build reads.
    explicit CompactPackument(std::string bytes);
    // Encodes a parsed document.
    static CompactPackument of(const Packument& packument);

    const std::string& bytes() const { return m_bytes; }
    const std::string& name() const { return m_name; }
    const std::map<std::string, std::string>& dist_tags() const { return m_dist_tags; }
    const std::optional<std::string>& modified() const { return m_modified; }
    // The encoding's version (k_compact_format, or an earlier one still read).
    int format() const { return m_format; }

    // Releases, in document order; `i` < size().
    std::size_t size() const { return m_starts.size(); }
    ReleaseSummary summary(std::size_t i) const;
    PackumentRelease release(std::size_t i) const;
    // The release without `published` (left empty rather than formatted as ISO text: a
    // lockfile's portable index keeps no time, and holds thousands of releases).
    PackumentRelease release_untimed(std::size_t i) const;

    // Every release decoded.
    Packument decode() const;
    // Release `i` as views into the bytes, without `published`, reusing `out`'s vectors. A
    // conventional tarball is written into `tarball` (which `out.tarball` then views).
    void view(std::size_t i, ReleaseView& out, std::string& tarball) const;

private:
    std::string m_bytes;
    int m_format = 0;
    std::string m_name;
    std::map<std::string, std::string> m_dist_tags;
    std::optional<std::string> m_modified;
    std::string m_tarball_base;          // what a conventional dist.tarball starts with
    std::vector<std::uint32_t> m_starts; // where each release's encoding begins
    // What summary() gives, noted by the checking pass (offsets: the bytes may move).
    struct Span {
        std::uint32_t offset = 0, size = 0;
    };
    struct Summary {
        Span version, engines_node, integrity, shasum;
        bool deprecated = false;
        std::optional<std::int64_t> published_ms;
    };
    std::vector<Summary> m_summaries;
};

} // namespace cairn::protocol::npm
