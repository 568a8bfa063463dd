#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// A static npm registry folder written from a declarative description, in the layout
// docs/configuration.md ("npm registry folders") documents:
//
//   <root>/<name>/index.json                 the packument (full form, with `time` when set)
//   <root>/@scope/name/index.json            scoped names
//   <root>/<name>/-/<basename>-<version>.tgz the tarball: gzip tar of package/...
//
// `dist.tarball` is relative to the registry's base URL by default ("left-pad/-/left-pad-
// 1.3.0.tgz"), so the folder works as a file:// registry and served by nginx alike; set
// NpmFixtureOptions::tarball_base for absolute URLs. Integrity is sha512 SRI of the bytes
// written, shasum their sha1, unless a fault says otherwise.
namespace cairn::test {

struct NpmFixtureVersion {
    std::string version;
    std::map<std::string, std::string> dependencies{};
    std::map<std::string, std::string> optional_dependencies{};
    std::map<std::string, std::string> peer_dependencies{};
    std::vector<std::string> optional_peers{}; // peerDependenciesMeta.<name>.optional
    std::map<std::string, std::string> bin{};
    std::map<std::string, std::string> scripts{};
    std::vector<std::string> os{}, cpu{}, libc{};
    std::optional<std::string> engines_node{}; // engines.node
    std::optional<std::string> deprecated{};
    std::optional<std::string> time{}; // time[version], ISO 8601 ("2024-01-02T03:04:05.000Z")
    // Files under package/ besides package.json; when none is named "index.js", an
    // index.js exporting {name, version} is added.
    std::map<std::string, std::string> files{};
    // The tarball's package/package.json verbatim instead of the generated one (e.g. bins
    // pointing outside the package); the packument still comes from the fields above.
    std::optional<std::string> package_json{};

    // Faults.
    bool wrong_integrity = false;  // the packument's integrity and shasum describe other bytes
    bool tampered_tarball = false; // the tarball is replaced after its integrity was computed
};

struct NpmFixturePackage {
    std::string name;
    std::vector<NpmFixtureVersion> versions{};
    // `latest` defaults to the highest version (the highest non-prerelease when there is one).
    std::map<std::string, std::string> dist_tags{};
};

struct NpmFixtureOptions {
    // Absolute base for dist.tarball ("http://127.0.0.1:8080/"); empty: relative URLs.
    std::string tarball_base{};
};

class NpmRegistryFixture {
public:
    explicit NpmRegistryFixture(std::filesystem::path root, NpmFixtureOptions options = {});

    // Adds (or replaces) a whole package.
    NpmRegistryFixture& add(NpmFixturePackage package);
    // Adds (or replaces) one version, creating the package when needed; returns it for
    // further edits before write().
    NpmFixtureVersion& add_version(std::string_view name, NpmFixtureVersion version);
    NpmFixturePackage& package(std::string_view name); // throws std::out_of_range
    void remove(std::string_view name);

    // Writes every packument and tarball (again): call after changes. A version's tarball
    // bytes are made once and kept, so its integrity stays the same across writes.
    void write();

    const std::filesystem::path& root() const { return m_root; }
    // "file:///.../root/"
    std::string file_url() const;

    // Valid after write(): what the packument says (for a faulty version, what it wrongly says).
    std::string integrity(std::string_view name, std::string_view version) const;
    std::string shasum(std::string_view name, std::string_view version) const;
    // sha512 SRI of the tarball bytes actually written.
    std::string actual_integrity(std::string_view name, std::string_view version) const;
    std::filesystem::path tarball_path(std::string_view name, std::string_view version) const;
    // dist.tarball as written in the packument.
    std::string tarball_reference(std::string_view name, std::string_view version) const;
    std::filesystem::path packument_path(std::string_view name) const;

    // "left-pad/-/left-pad-1.3.0.tgz", "@s/p/-/p-1.0.0.tgz"
    static std::string tarball_relative(std::string_view name, std::string_view version);

private:
    struct Built {
        std::string bytes;            // written to disk
        std::string integrity;        // as the packument states it
        std::string shasum;           // as the packument states it
        std::string actual_integrity; // of `bytes`
    };
    const Built& built(std::string_view name, std::string_view version) const;
    Built build(const NpmFixturePackage& package, const NpmFixtureVersion& version) const;

    std::filesystem::path m_root;
    NpmFixtureOptions m_options;
    std::map<std::string, NpmFixturePackage, std::less<>> m_packages;
    std::map<std::string, Built, std::less<>> m_built; // by "name@version"
};

} // namespace cairn::test
