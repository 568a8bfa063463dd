// The portable index's text, written straight into the lockfile: most of a large project's
// lockfile, and the same bytes the generic writer gives (nlohmann's dump of each release,
// keys sorted), without building a JSON tree of it first.
#include "index_text.hpp"

#include "cairn/core/text.hpp"
#include "cairn/lock/lockfile.hpp"

#include <algorithm>

namespace cairn::lock {
namespace detail {

namespace {

using protocol::npm::PackumentRelease;
using protocol::npm::ReleaseView;
using text::append_json_string;

// Writes one "key": prefix of an object member, with the comma before all but the first.
class Members {
public:
    explicit Members(std::string& out) : m_out(out) { m_out += '{'; }
    std::string& key(std::string_view name) {
        m_out += m_first ? "" : ",";
        m_first = false;
        append_json_string(m_out, name);
        m_out += ':';
        return m_out;
    }
    void close() { m_out += '}'; }

private:
    std::string& m_out;
    bool m_first = true;
};

// Name -> spec pairs as a JSON object: names sorted, the last of a repeated name kept.
void append_pairs(std::string& out, const std::vector<ReleaseView::Pair>& pairs) {
    std::vector<const ReleaseView::Pair*> sorted;
    sorted.reserve(pairs.size());
    for (const auto& pair : pairs)
        sorted.push_back(&pair);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto* a, const auto* b) { return a->first < b->first; });
    Members members(out);
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        if (i + 1 < sorted.size() && sorted[i + 1]->first == sorted[i]->first)
            continue;
        append_json_string(members.key(sorted[i]->first), sorted[i]->second);
    }
    members.close();
}

// One release on one line, its members in key order (as release_to_json has them).
void append_release(std::string& out, const ReleaseView& r) {
    Members m(out);
    if (!r.cpu.empty())
        append_strings(m.key("cpu"), r.cpu);
    if (!r.dependencies.empty())
        append_pairs(m.key("dependencies"), r.dependencies);
    if (r.deprecated)
        append_json_string(m.key("deprecated"), *r.deprecated);
    if (!r.engines_node.empty())
        append_json_string(m.key("enginesNode"), r.engines_node);
    if (r.has_bin)
        m.key("hasBin") += "true";
    if (r.has_install_script)
        m.key("hasInstallScript") += "true";
    if (!r.integrity.empty())
        append_json_string(m.key("integrity"), r.integrity);
    if (!r.libc.empty())
        append_strings(m.key("libc"), r.libc);
    if (!r.optional_dependencies.empty())
        append_pairs(m.key("optionalDependencies"), r.optional_dependencies);
    if (!r.optional_peers.empty())
        append_strings(m.key("optionalPeers"), r.optional_peers);
    if (!r.os.empty())
        append_strings(m.key("os"), r.os);
    if (!r.peer_dependencies.empty())
        append_pairs(m.key("peerDependencies"), r.peer_dependencies);
    if (r.published)
        append_json_string(m.key("published"), *r.published);
    if (!r.shasum.empty())
        append_json_string(m.key("shasum"), r.shasum);
    if (!r.tarball.empty())
        append_json_string(m.key("tarball"), r.tarball);
    m.close();
}

} // namespace

void append_member_lines(std::string& out, const std::map<std::string, std::string>& values) {
    out += "{\n";
    bool first = true;
    for (const auto& [name, value] : values) {
        out += first ? "        " : ",\n        ";
        first = false;
        append_json_string(out, name);
        out += ": ";
        append_json_string(out, value);
    }
    out += "\n      }";
}

void append_index(std::string& out, const std::map<std::string, protocol::npm::Packument>& index,
                  const std::map<std::string, std::string>& entries) {
    if (index.empty() && entries.empty()) {
        out += "{}";
        return;
    }
    out += "{\n";
    bool first_package = true;
    auto separate = [&] {
        out += first_package ? "    " : ",\n    ";
        first_package = false;
    };
    // The two maps merged by name (a name is in one of them).
    auto rendered = entries.begin();
    auto flush_rendered_before = [&](const std::string* name) {
        for (; rendered != entries.end() && (!name || rendered->first < *name); ++rendered) {
            separate();
            out += rendered->second;
        }
    };
    ReleaseView view;
    for (const auto& [name, packument] : index) {
        flush_rendered_before(&name);
        separate();
        // Releases by version text; the last of a repeated version kept.
        std::vector<const PackumentRelease*> releases;
        releases.reserve(packument.releases.size());
        for (const auto& release : packument.releases)
            releases.push_back(&release);
        std::stable_sort(releases.begin(), releases.end(),
                         [](const auto* a, const auto* b) { return a->version < b->version; });
        IndexEntryWriter writer(out, name, packument.dist_tags);
        for (std::size_t i = 0; i < releases.size(); ++i)
            if (i + 1 == releases.size() || releases[i + 1]->version != releases[i]->version) {
                view.assign(*releases[i]);
                writer.release(view);
            }
        writer.finish();
    }
    flush_rendered_before(nullptr);
    out += "\n  }";
}

} // namespace detail

using protocol::npm::ReleaseView;
using text::append_json_string;

IndexEntryWriter::IndexEntryWriter(std::string& out, std::string_view package,
                                   const std::map<std::string, std::string>& tags)
    : m_out(out) {
    append_json_string(m_out, "npm:" + std::string(package));
    m_out += ": {\n";
    if (!tags.empty()) {
        m_out += "      \"tags\": ";
        detail::append_member_lines(m_out, tags);
        m_out += ",\n";
    }
    m_out += "      \"versions\": ";
}

void IndexEntryWriter::release(const ReleaseView& release) {
    m_out += m_releases++ ? ",\n        " : "{\n        ";
    append_json_string(m_out, release.version);
    m_out += ": ";
    detail::append_release(m_out, release);
}

void IndexEntryWriter::finish() {
    m_out += m_releases ? "\n      }" : "{}";
    m_out += "\n    }";
}
} // namespace cairn::lock
