#pragma once

#include "cairn/store/store.hpp"

#include <cstdint>
#include <vector>

// `cairn cache info|verify|gc|clean` on one store. Each is safe while other cairn
// processes use the store: gc and clean hold the maintenance lock exclusively, entries in
// use (locked session folders, locked trees) are left alone.
namespace cairn::store {

struct StoreInfo {
    std::uint64_t blobs = 0;
    std::uint64_t blob_bytes = 0;
    std::uint64_t trees = 0; // complete unpacked trees
    std::uint64_t tree_bytes = 0;
    std::uint64_t incomplete_trees = 0; // without marker: never used, removed by gc
    std::uint64_t tmp_entries = 0;      // session folders (live or left by a dead process)
    std::uint64_t tmp_bytes = 0;
    std::uint64_t quarantined = 0;
    std::uint64_t metadata_bytes = 0; // meta.sqlite and its WAL
    std::uint64_t indexes = 0;        // version indexes in the metadata cache
};
StoreInfo store_info(const Store& store);

struct VerifyReport {
    std::uint64_t blobs_checked = 0;
    std::uint64_t blobs_bad = 0; // quarantined
    std::uint64_t trees_checked = 0;
    std::uint64_t trees_bad = 0;  // quarantined (the blob stays: the tree can be rebuilt)
    std::vector<std::string> bad; // names of what was quarantined
};
// Re-hashes every blob and re-computes every complete tree's manifest.
VerifyReport verify_store(const Store& store);

struct GcReport {
    std::uint64_t tmp_removed = 0;   // folders of dead processes and stray files in tmp/
    std::uint64_t locks_removed = 0; // lock files nobody held
    std::uint64_t trees_removed = 0; // unpacked trees without marker, markers without tree
    std::uint64_t bytes_freed = 0;
};
GcReport gc_store(const Store& store);

struct CleanReport {
    std::uint64_t entries_removed = 0; // blobs, trees, quarantined entries, cached indexes
    std::uint64_t bytes_freed = 0;
};
// Removes everything but the store-version file (and what live processes hold).
CleanReport clean_store(const Store& store);

} // namespace cairn::store
