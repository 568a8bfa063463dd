// The portable index's text, written straight into the lockfile: most of a large project's
// lockfile, and the same bytes the generic writer gives (nlohmann's dump of each release,
// keys sorted), without building a JSON tree of it first.
#include "index_text.hpp"

#include "cairn/core/text.hpp"

#include <algorithm>

namespace cairn::lock::detail {

namespace {

using protocol::npm::NameRange;
using protocol::npm::PackumentRelease;
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
void append_pairs(std::string& out, const std::vector<NameRange>& pairs) {
    std::vector<const NameRange*> sorted;
    sorted.reserve(pairs.size());
    for (const auto& pair : pairs)
        sorted.push_back(&pair);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const NameRange* a, const NameRange* b) { return a->first < b->first; });
    Members members(out);
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        if (i + 1 < sorted.size() && sorted[i + 1]->first == sorted[i]->first)
            continue;
        append_json_string(members.key(sorted[i]->first), sorted[i]->second);
    }
    members.close();
}

// One release on one line, its members in key order (as release_to_json has them).
void append_release(std::string& out, const PackumentRelease& r) {
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

void append_strings(std::string& out, const std::vector<std::string>& values) {
    out += '[';
    for (std::size_t i = 0; i < values.size(); ++i) {
        out += i ? "," : "";
        append_json_string(out, values[i]);
    }
    out += ']';
}

void append_index(std::string& out, const std::map<std::string, protocol::npm::Packument>& index) {
    if (index.empty()) {
        out += "{}";
        return;
    }
    out += "{\n";
    bool first_package = true;
    for (const auto& [name, packument] : index) {
        out += first_package ? "    " : ",\n    ";
        first_package = false;
        append_json_string(out, "npm:" + name);
        out += ": {\n";
        if (!packument.dist_tags.empty()) {
            out += "      \"tags\": {\n";
            bool first = true;
            for (const auto& [tag, version] : packument.dist_tags) {
                out += first ? "        " : ",\n        ";
                first = false;
                append_json_string(out, tag);
                out += ": ";
                append_json_string(out, version);
            }
            out += "\n      },\n";
        }
        out += "      \"versions\": ";
        // Releases by version text; the last of a repeated version kept.
        std::vector<const PackumentRelease*> releases;
        releases.reserve(packument.releases.size());
        for (const auto& release : packument.releases)
            releases.push_back(&release);
        std::stable_sort(releases.begin(), releases.end(),
                         [](const auto* a, const auto* b) { return a->version < b->version; });
        if (releases.empty()) {
            out += "{}";
        } else {
            out += "{\n";
            bool first = true;
            for (std::size_t i = 0; i < releases.size(); ++i) {
                if (i + 1 < releases.size() && releases[i + 1]->version == releases[i]->version)
                    continue;
                out += first ? "        " : ",\n        ";
                first = false;
                append_json_string(out, releases[i]->version);
                out += ": ";
                append_release(out, *releases[i]);
            }
            out += "\n      }";
        }
        out += "\n    }";
    }
    out += "\n  }";
}

} // namespace cairn::lock::detail
