#pragma once

#include "cairn/core/digest.hpp"
#include "cairn/index/closure.hpp"
#include "cairn/index/documents.hpp"
#include "cairn/index/merge.hpp"
#include "cairn/ops/cairn_identity.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// Publisher workflows on a registry folder: `cairn registry init`, `index new`, `publish`,
// release states, `index check` and `index merge`. Every document written is signed with
// the identity's key through ssh-keygen and checked before it is written; the previous head
// stays readable under the chain's history folder.
namespace cairn::ops {

// An empty registry folder. Throws Error(Code::usage) when `dir` is not new or empty.
void init_registry(const std::filesystem::path& dir);

struct IndexWritten {
    std::string scope;
    std::string owner;
    std::uint64_t seq = 0;
};

// A new, empty package index `scope` owned by `identity`. Throws Error(Code::usage) when the
// registry already serves that scope (naming its owner).
IndexWritten create_package_index(const std::filesystem::path& registry, std::string_view scope,
                                  const Identity& identity);

struct PublishOptions {
    std::filesystem::path registry;
    std::string scope;             // the package index to publish into
    std::filesystem::path project; // holds cairn.json5
    Identity identity;
};

struct PublishResult {
    index::PackageName package;
    std::string version;
    Digest digest;
    std::uint64_t size = 0;
    std::uint64_t seq = 0; // of the version index
    std::size_t files = 0;
    bool new_entry = false; // the package index gained an entry
};

// Packs the project, checks closure (Error(Code::not_found) listing every missing
// requirement), stores the archive under blobs/, appends the release to the package's
// version index and adds the package to the package index when it is new.
PublishResult publish_release(const PublishOptions& options);

// Publishes a new version index document in which `version` has `state` (deprecated,
// yanked, or active again). Returns the new seq.
std::uint64_t set_release_state(const std::filesystem::path& registry,
                                const index::PackageName& package, std::string_view version,
                                index::ReleaseState state, const Identity& identity);

// Every requirement of every release in the package index that the registry cannot satisfy.
std::vector<index::MissingRequirement> check_package_index(const std::filesystem::path& registry,
                                                           std::string_view scope);

struct MergeRequest {
    std::string first; // "scope" in `registry`, or "LOCATION#scope"
    std::string second;
    std::string output; // the new package index's scope in `registry`
    std::filesystem::path registry;
    index::MergePreference preference = index::MergePreference::none;
    Identity identity;
};

struct MergeSummary {
    std::size_t entries = 0;
    std::vector<index::MergeConflict> conflicts; // resolved by the preference when one is given
    std::uint64_t seq = 0;
};

// Merges two package indexes into a new one signed by `identity` (version indexes of another
// registry are copied, with their blobs, so that the output registry is self-contained).
// Without a preference, conflicts are Error(Code::integrity) listing each one and nothing
// is written.
MergeSummary merge_indexes(const MergeRequest& request);

} // namespace cairn::ops
