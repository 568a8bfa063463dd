#pragma once

#include "cairn/protocol/npm/compact_packument.hpp"
#include "cairn/protocol/npm/packument.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// cairn.lock (DESIGN.md sections 1 and 5): the resolved graph of a project with, for every
// package, the integrity and the URL it was fetched from, plus the portable index (the
// candidate versions seen at resolution time, so `add`/`update` can re-resolve offline).
//
// The file is JSON written by write_lockfile: keys sorted, two-space indentation down to
// one package (or one portable-index version) per block, so a change to one package is a
// change to its own lines. Format "cairn-lock/1":
//   {
//     "format": "cairn-lock/1",
//     "root": { "dependencies": {..}, "devDependencies": {..}, "optionalDependencies": {..},
//               "peerDependencies": {..}, "overrides": {..} },       // as the manifest had them
//     "packages": { "node_modules/a": { "version": "1.0.0", "integrity": "sha512-..",
//                   "resolved": "<tarball URL>", "registry": "public/upstream",
//                   "hasBin": false, ... } },   // hasBin: absent in earlier cairns' files
//     "skipped": [ { "name": "fsevents", "spec": "^2", "requiredBy": "", "reason": ".." } ],
//     "index": { "npm:a": { "tags": {..}, "versions": { "1.0.0": {..one line..} } } },
//     "cairn": { .. }                                                 // the cairn format's part
//   }
// Unknown top-level keys are kept (a later version's additions survive a rewrite).
namespace cairn::lock {

inline constexpr std::string_view k_lockfile_format = "cairn-lock/1";
inline constexpr std::string_view k_lockfile_name = "cairn.lock";

using SpecMap = std::map<std::string, std::string>; // dependency name -> spec as written

// The root manifest's requirements at the time of locking: equal to the manifest's own
// exactly when the lockfile still describes the project.
struct LockedRoot {
    SpecMap dependencies;
    SpecMap dev_dependencies;
    SpecMap optional_dependencies;
    SpecMap peer_dependencies;
    nlohmann::json overrides = nlohmann::json::object();
    friend bool operator==(const LockedRoot&, const LockedRoot&) = default;
};

// One installed npm package, keyed by its hoisted path.
struct LockedPackage {
    std::string path;    // "node_modules/a/node_modules/b" (the key; not written inside)
    std::string name;    // its folder name (differs from `package` for aliases)
    std::string package; // the registry package
    std::string version;
    std::string integrity;    // SRI of the tarball
    std::string resolved;     // the URL the metadata gave for the tarball (the origin)
    std::string fetched_from; // where it was actually fetched when that differs (a mirror)
    std::string registry;     // "authority/registry" that served its metadata
    std::optional<std::string>
        link; // `link:`/`file:` dependencies: the folder, relative to the project
    bool dev = false;
    bool optional = false;
    bool peer = false;
    bool has_install_script = false;
    // "hasBin": whether its registry metadata lists bins; nullopt (no key) when unknown, as
    // in lockfiles of earlier cairns (an install then reads the package's package.json).
    std::optional<bool> has_bin;
    std::optional<std::string> deprecated;
    SpecMap dependencies; // its own prod dependencies, as its manifest states them
    SpecMap optional_dependencies;
    SpecMap peer_dependencies;
    std::vector<std::string> optional_peers;
    std::vector<std::string> os, cpu, libc;
    friend bool operator==(const LockedPackage&, const LockedPackage&) = default;
};

struct SkippedPackage {
    std::string name;
    std::string spec;
    std::string required_by; // a package path, "" for the root
    std::string reason;
    friend bool operator==(const SkippedPackage&, const SkippedPackage&) = default;
};

struct Lockfile {
    LockedRoot root;
    std::map<std::string, LockedPackage> packages; // by path
    std::vector<SkippedPackage> skipped;
    // The portable index: "npm:<name>" -> the candidate releases (and dist-tags) seen.
    std::map<std::string, protocol::npm::Packument> index;
    // More of it, by package name, already as the lockfile's text (IndexEntryWriter): how an
    // install writes the releases it read from cached metadata, without decoding them. A
    // name is in `index` or here, not both; read_lockfile fills `index` only.
    std::map<std::string, std::string> index_entries;
    // Other top-level keys (e.g. "cairn"), kept as read.
    std::map<std::string, nlohmann::json> sections;
    // Read with IndexReading::skip: `index` is empty although the file had one, so this
    // Lockfile must not be written (write_lockfile refuses it).
    bool index_skipped = false;
};

// Whether read_lockfile converts the portable index (most of a large lockfile) or leaves
// it out: an install that follows the lockfile as it stands never looks at it.
enum class IndexReading { read, skip };

// Throws cairn::Error(Code::manifest_invalid) naming `source` (with line:column for JSON
// errors, the key path otherwise) for text that is not a cairn-lock/1 document, and
// Code::unsupported for a lockfile of a newer format.
Lockfile read_lockfile(std::string_view text, std::string_view source,
                       IndexReading index = IndexReading::read);

// Replaces the value of a lockfile text's portable index by {}, in place, when a structural
// skim finds one (see IndexReading::skip, which reads nothing more of it), and gives the
// memory back: a large project's index is most of its lockfile. False when nothing changed.
bool drop_index_text(std::string& text);

// Converts the portable index `read_lockfile(text, source, IndexReading::skip)` left out,
// from the same text (nothing else is converted again); does nothing when it is there.
void read_skipped_index(Lockfile& lockfile, std::string_view text, std::string_view source);

// The canonical text: the same Lockfile always gives the same bytes. Throws
// Code::internal for a Lockfile read without its index.
std::string write_lockfile(const Lockfile& lockfile);

// One portable-index entry as the lockfile writes it, for Lockfile::index_entries:
// `"npm:<package>": {"tags": {..}, "versions": {..}}` at its depth in the document. The
// releases are given sorted by version text, each version once.
class IndexEntryWriter {
public:
    IndexEntryWriter(std::string& out, std::string_view package,
                     const std::map<std::string, std::string>& tags);
    void release(const protocol::npm::ReleaseView& release);
    void finish();

private:
    std::string& m_out;
    std::size_t m_releases = 0;
};

// The lockfile's JSON value of one portable-index release and back (shared with tools that
// keep the same records elsewhere, e.g. bundles).
nlohmann::json release_to_json(const protocol::npm::PackumentRelease& release);
protocol::npm::PackumentRelease release_from_json(const nlohmann::json& value,
                                                  std::string_view version);

} // namespace cairn::lock
