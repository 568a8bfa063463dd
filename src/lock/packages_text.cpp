// The "packages" block of cairn.lock, written straight into the text (packages_text.hpp).
#include "packages_text.hpp"

#include "index_text.hpp"

#include "cairn/core/text.hpp"

#include <string_view>
#include <vector>

namespace cairn::lock::detail {

namespace {

using text::append_json_string;

// The members of one package's object, six spaces in; they must come in key order.
class Members {
public:
    explicit Members(std::string& out) : m_out(out) {}

    void text(std::string_view key, std::string_view value) {
        append_json_string(start(key), value);
    }
    void flag(std::string_view key, bool value) { start(key) += value ? "true" : "false"; }
    void specs(std::string_view key, const SpecMap& specs) {
        if (specs.empty())
            return;
        append_member_lines(start(key), specs);
    }
    void strings(std::string_view key, const std::vector<std::string>& values) {
        if (!values.empty())
            append_strings(start(key), values);
    }
    bool any() const { return !m_first; }

private:
    std::string& start(std::string_view key) {
        m_out += m_first ? "{\n      " : ",\n      ";
        m_first = false;
        append_json_string(m_out, key);
        m_out += ": ";
        return m_out;
    }

    std::string& m_out;
    bool m_first = true;
};

// The members as lockfile.cpp's package_json() has them, in the order std::map sorts their
// keys (bytewise: "dependencies" before "deprecated", "optional" before "optionalPeers").
void append_package(std::string& out, const LockedPackage& p) {
    Members m(out);
    m.strings("cpu", p.cpu);
    m.specs("dependencies", p.dependencies);
    if (p.deprecated)
        m.text("deprecated", *p.deprecated);
    if (p.dev)
        m.flag("dev", true);
    if (!p.fetched_from.empty())
        m.text("fetchedFrom", p.fetched_from);
    if (p.has_bin)
        m.flag("hasBin", *p.has_bin);
    if (p.has_install_script)
        m.flag("hasInstallScript", true);
    if (!p.integrity.empty())
        m.text("integrity", p.integrity);
    m.strings("libc", p.libc);
    if (p.link)
        m.text("link", *p.link);
    if (p.name != p.package || p.name.empty())
        m.text("name", p.name);
    if (p.optional)
        m.flag("optional", true);
    m.specs("optionalDependencies", p.optional_dependencies);
    m.strings("optionalPeers", p.optional_peers);
    m.strings("os", p.os);
    m.text("package", p.package);
    if (p.peer)
        m.flag("peer", true);
    m.specs("peerDependencies", p.peer_dependencies);
    if (!p.registry.empty())
        m.text("registry", p.registry);
    if (!p.resolved.empty())
        m.text("resolved", p.resolved);
    m.text("version", p.version);
    out += m.any() ? "\n    }" : "{}";
}

} // namespace

void append_packages(std::string& out, const std::map<std::string, LockedPackage>& packages) {
    if (packages.empty()) {
        out += "{}";
        return;
    }
    out += "{\n";
    bool first = true;
    for (const auto& [path, package] : packages) {
        out += first ? "    " : ",\n    ";
        first = false;
        append_json_string(out, path);
        out += ": ";
        append_package(out, package);
    }
    out += "\n  }";
}

} // namespace cairn::lock::detail
