#pragma once

#include "cairn/core/digest.hpp"
#include "cairn/format/cairn/package_name.hpp"
#include "cairn/trust/chain.hpp"
#include "cairn/trust/ssh_key.hpp"
#include "cairn/version/caret_range.hpp"
#include "cairn/version/version.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The payloads of cairn-index documents (docs/cairn-index.md, sections 5 and 7):
//
//   version index  {"kind":"version-index","owner","name","seq","prev","expires"?,
//                   "releases":[{"version","digest","size","dependencies","state"}]}
//   package index  {"kind":"package-index","owner","name","seq","prev","expires"?,
//                   "entries":{"<local name>":"<owner-id>/<version index name>"}}
//
// `kind` keeps one kind of document from being served in place of the other.
namespace cairn::index {

using format::cairn::PackageName;

enum class ReleaseState { active, deprecated, yanked };
std::string_view state_name(ReleaseState state);
// Throws Error(Code::usage) for anything but active, deprecated, yanked.
ReleaseState parse_state(std::string_view text);

struct ReleaseDependency {
    PackageName package;
    std::string requirement; // caret range text, as published
    version::CaretRange range;
};

struct Release {
    version::Version version;
    Digest digest; // sha256 of the archive
    std::uint64_t size = 0;
    std::vector<ReleaseDependency> dependencies; // sorted by package
    ReleaseState state = ReleaseState::active;
};

// The chain fields every document carries.
struct ChainHeader {
    trust::Fingerprint owner;
    std::string name;
    std::uint64_t seq = 1;
    std::optional<Digest> prev;
    std::optional<trust::Timestamp> expires;
};

struct VersionIndex {
    ChainHeader header;
    std::vector<Release> releases; // sorted by version

    const Release* find(const version::Version& version) const;
    // Canonical JSON payload.
    std::string to_payload() const;
    // Throws Error(Code::integrity) "invalid version index: ..." saying what is wrong.
    static VersionIndex from_payload(std::string_view payload);
};

// A version index as a package index entry names it: "<owner-id>/<name>".
struct IndexRef {
    trust::Fingerprint owner;
    std::string name; // "acme/libfoo"

    std::string text() const { return owner.text() + "/" + name; }
    // Throws Error(Code::integrity) "invalid index reference ..." on anything else.
    static IndexRef parse(std::string_view text);
    friend bool operator==(const IndexRef&, const IndexRef&) = default;
    friend auto operator<=>(const IndexRef&, const IndexRef&) = default;
};

struct PackageIndex {
    ChainHeader header;
    std::map<std::string, IndexRef> entries; // local name -> version index

    std::string to_payload() const;
    // Throws Error(Code::integrity) "invalid package index: ..."
    static PackageIndex from_payload(std::string_view payload);
};

// Whether `newer` may follow `older` in one version index chain beyond the chain fields:
// every release of `older` is still there with the same digest, size and dependencies (only
// its state may change). Throws Error(Code::integrity) naming the release otherwise.
void check_release_history(const VersionIndex& older, const VersionIndex& newer);

// The header of the document after `previous` (seq + 1, prev = its payload digest), or of
// the first one.
ChainHeader next_header(const std::optional<std::string>& previous_payload,
                        const trust::Fingerprint& owner, std::string name);

} // namespace cairn::index
