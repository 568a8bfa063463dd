#pragma once

#include "cairn/index/documents.hpp"
#include "cairn/index/verified_registry.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

// Merging two package indexes (DESIGN.md section 8): entries of both; a local name that
// points to two different version indexes is a conflict, and so is a version the two
// version indexes publish with different digests. Nothing is guessed: without a preference
// every conflict is reported and nothing is merged; with one, the preferred side wins each
// conflict (and the conflicts are still listed).
namespace cairn::index {

enum class MergePreference { none, first, second };

struct MergeConflict {
    std::string local_name;
    IndexRef first;
    IndexRef second;
    // Set for a version published with two digests.
    std::optional<version::Version> version;
    std::optional<Digest> first_digest;
    std::optional<Digest> second_digest;

    std::string describe() const;
};

struct MergeResult {
    std::map<std::string, IndexRef> entries;
    std::vector<MergeConflict> conflicts;
};

// `first` is the package index of `first_scope` in `first_registry`, `second` likewise.
MergeResult merge_package_indexes(VerifiedRegistry& first_registry, std::string_view first_scope,
                                  VerifiedRegistry& second_registry, std::string_view second_scope,
                                  MergePreference preference);

} // namespace cairn::index
