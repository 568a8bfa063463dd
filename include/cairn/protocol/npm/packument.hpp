#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// npm registry documents ("packuments"): the abbreviated install form
// (`Accept: application/vnd.npm.install-v1+json`) and the full form, reduced to what
// resolution and installation need, and a compact binary encoding of that for the
// metadata cache, so a warm resolution never re-parses registry JSON.
namespace cairn::protocol::npm {

using NameRange = std::pair<std::string, std::string>; // dependency name -> spec, as written

struct PackumentRelease {
    std::string version;
    std::vector<NameRange> dependencies;
    std::vector<NameRange> optional_dependencies;
    std::vector<NameRange> peer_dependencies;
    std::vector<std::string> optional_peers; // peerDependenciesMeta.<name>.optional
    std::string tarball;                     // dist.tarball
    std::string integrity;                   // dist.integrity (SRI), may be empty
    std::string shasum;                      // dist.shasum (sha1 hex), the legacy fallback
    std::optional<std::string> deprecated;   // the deprecation message
    std::vector<std::string> os, cpu, libc;
    bool has_install_script = false; // hasInstallScript, or preinstall/install/postinstall
    bool has_bin = false;
    std::optional<std::string> published; // time[version], ISO 8601, when the document has it
    std::string engines_node;             // engines.node, the range of node it supports ("" any)
};

struct Packument {
    std::string name;
    std::map<std::string, std::string> dist_tags;
    std::vector<PackumentRelease> releases; // in document order
    std::optional<std::string> modified;

    const PackumentRelease* find(std::string_view version) const;
};

// Parses either form with simdjson. Throws cairn::Error(Code::integrity) naming `source`
// for a document that is not JSON or not a packument (a registry serving garbage is not
// trusted), including a document whose name is not the one asked for.
Packument parse_packument(std::string_view json, std::string_view expected_name,
                          std::string_view source);

// parse_packument for documents one after another: the parser's buffers are kept from one
// document to the next (a fresh parser faults in new pages for every large document), and
// the document is read in place. Not thread-safe: one parser per thread.
class PackumentParser {
public:
    // `reserved`: the size of document its buffers are first made for (address space, not
    // memory: a page is touched only when a document needs it). Made anew for each larger
    // document instead, they faulted in fresh pages each time: a medium cold install's
    // decoding thread, 16 MiB reserved, takes 6,000 page faults fewer (39,000 in all).
    explicit PackumentParser(std::size_t reserved = 0);
    ~PackumentParser();
    PackumentParser(const PackumentParser&) = delete;
    PackumentParser& operator=(const PackumentParser&) = delete;

    // `json` gets the parser's padding appended while it is read; it is as given again
    // when this returns or throws.
    Packument parse(std::string& json, std::string_view expected_name, std::string_view source);

private:
    struct State;
    std::unique_ptr<State> m_state;
};

// The compact form: versioned, length-prefixed; decode checks every length.
std::string encode_packument(const Packument& packument);
// Throws cairn::Error(Code::cache_corrupt) for bytes that are not a compact packument of
// this version.
Packument decode_packument(std::string_view bytes);

// The registry path of a package: "left-pad", "@types%2fnode".
std::string packument_path(std::string_view name);

} // namespace cairn::protocol::npm
