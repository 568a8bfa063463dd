#include "cairn/store/maintenance.hpp"

#include "fs_ops.hpp"
#include "tree_manifest.hpp"
#include "unpack_marker.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/text.hpp"
#include "cairn/store/metadata_cache.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <tuple>

namespace cairn::store {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_marker_suffix = ".complete";

std::vector<fs::path> children(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec))
        out.push_back(it->path());
    std::sort(out.begin(), out.end());
    return out;
}

// blobs/<algo>/<2 hex>/<hex>, with the digest their path names.
struct StoredBlob {
    fs::path path;
    Digest digest;
};

std::vector<StoredBlob> list_blobs(const Store& store) {
    std::vector<StoredBlob> out;
    for (const auto& algo_dir : children(store.blobs_dir())) {
        auto algorithm = parse_algorithm_name(algo_dir.filename().string());
        if (!algorithm)
            continue;
        for (const auto& prefix : children(algo_dir))
            for (const auto& blob : children(prefix)) {
                try {
                    out.push_back({blob, Digest::parse_hex(*algorithm, blob.filename().string())});
                } catch (const Error&) {
                    // Not a name cairn writes: ignored here, removed by clean.
                }
            }
    }
    return out;
}

bool is_marker(const fs::path& path) {
    return text::ends_with(path.filename().string(), k_marker_suffix);
}

fs::path marker_of(const fs::path& tree) {
    return tree.string() + std::string(k_marker_suffix);
}

// A tmp entry whose owner is gone: a session folder nobody holds locked, or any file.
bool abandoned(const fs::path& entry) {
    std::error_code ec;
    if (!fs::is_directory(fs::symlink_status(entry, ec)))
        return true;
    int fd = ::open(entry.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
    ::close(fd);
    return free;
}

} // namespace

StoreInfo store_info(const Store& store) {
    StoreInfo info;
    for (const auto& blob : list_blobs(store)) {
        ++info.blobs;
        std::error_code ec;
        info.blob_bytes += fs::file_size(blob.path, ec);
    }
    for (const auto& entry : children(store.unpacked_dir())) {
        if (is_marker(entry))
            continue;
        std::error_code ec;
        if (fs::exists(marker_of(entry), ec)) {
            ++info.trees;
            info.tree_bytes += detail::disk_usage(entry).bytes;
        } else {
            ++info.incomplete_trees;
        }
    }
    for (const auto& entry : children(store.tmp_dir())) {
        ++info.tmp_entries;
        info.tmp_bytes += detail::disk_usage(entry).bytes;
    }
    info.quarantined = children(store.quarantine_dir()).size();
    for (const char* suffix : {"", "-wal", "-shm"})
        info.metadata_bytes += detail::disk_usage(store.meta_path().string() + suffix).bytes;
    std::error_code ec;
    if (fs::exists(store.meta_path(), ec))
        info.indexes = MetadataCache(store.meta_path()).count();
    return info;
}

VerifyReport verify_store(const Store& store) {
    VerifyReport report;
    for (const auto& blob : list_blobs(store)) {
        ++report.blobs_checked;
        bool good = false;
        try {
            good = digest_file(blob.digest.algorithm(), blob.path) == blob.digest;
        } catch (const Error&) {
        }
        if (!good) {
            ++report.blobs_bad;
            report.bad.push_back("blob " + blob.digest.sri());
            store.quarantine(blob.path, "blob-" + blob.digest.hex());
        }
    }
    for (const auto& entry : children(store.unpacked_dir())) {
        if (is_marker(entry))
            continue;
        std::string name = entry.filename().string();
        // Wait for an unpack in progress: its tree is not complete yet.
        FileLock lock = store.lock_entry("unpack-" + name);
        auto marker = detail::read_marker(marker_of(entry));
        if (!marker)
            continue;
        ++report.trees_checked;
        bool good = false;
        try {
            auto manifest = detail::scan_tree(entry);
            // The listing installs link by must be the tree's as well.
            good =
                detail::manifest_digest(manifest) == marker->manifest && !marker->listing_damaged &&
                (marker->listing.empty() || marker->listing == detail::manifest_listing(manifest));
        } catch (const Error&) {
        }
        if (!good) {
            ++report.trees_bad;
            report.bad.push_back("unpacked tree " + name);
            // The marker goes first: from then on nothing trusts the tree.
            ::unlink(marker_of(entry).c_str());
            store.quarantine(entry, "tree-" + name.substr(0, 40));
        }
    }
    return report;
}

GcReport gc_store(const Store& store) {
    GcReport report;
    FileLock maintenance = FileLock::acquire(store.maintenance_lock_path(), LockMode::exclusive);
    for (const auto& entry : children(store.tmp_dir())) {
        if (store.is_own_session(entry) || !abandoned(entry))
            continue;
        report.bytes_freed += detail::disk_usage(entry).bytes;
        detail::remove_tree(entry);
        ++report.tmp_removed;
    }
    for (const auto& entry : children(store.unpacked_dir())) {
        std::string name = entry.filename().string();
        fs::path tree =
            is_marker(entry)
                ? fs::path(entry.string().substr(0, entry.string().size() - k_marker_suffix.size()))
                : entry;
        std::error_code ec;
        // A marker of an older layout (unpack_marker.hpp) vouches for nothing any more.
        auto state = [&] {
            bool tree_there = fs::exists(fs::symlink_status(tree, ec));
            bool marker_there = fs::exists(marker_of(tree), ec);
            bool outdated = marker_there && !detail::marker_is_current(marker_of(tree));
            return std::tuple{tree_there, marker_there, outdated};
        };
        auto [tree_there, marker_there, outdated] = state();
        if (tree_there == marker_there && !outdated)
            continue;
        auto lock = store.try_lock_entry("unpack-" + tree.filename().string());
        if (!lock)
            continue; // being unpacked right now
        std::tie(tree_there, marker_there, outdated) = state();
        if (outdated) {
            fs::remove(marker_of(tree), ec); // first: from then on nothing trusts the tree
            marker_there = false;
            if (!tree_there)
                ++report.trees_removed;
        }
        if (tree_there && !marker_there) {
            report.bytes_freed += detail::disk_usage(tree).bytes;
            detail::remove_tree(tree);
            ++report.trees_removed;
        } else if (marker_there && !tree_there) {
            fs::remove(marker_of(tree), ec);
            ++report.trees_removed;
        }
        lock->remove_file(); // gc's own lock file, not a leftover
    }
    for (const auto& entry : children(store.locks_dir())) {
        if (entry == store.maintenance_lock_path())
            continue;
        if (auto lock = FileLock::try_acquire(entry, LockMode::exclusive)) {
            lock->remove_file();
            ++report.locks_removed;
        }
    }
    return report;
}

CleanReport clean_store(const Store& store) {
    CleanReport report;
    FileLock maintenance = FileLock::acquire(store.maintenance_lock_path(), LockMode::exclusive);
    auto remove = [&](const fs::path& path) {
        report.bytes_freed += detail::disk_usage(path).bytes;
        detail::remove_tree(path);
        ++report.entries_removed;
    };
    for (const auto& blob : list_blobs(store))
        remove(blob.path);
    for (const auto& dir : children(store.blobs_dir()))
        detail::remove_tree(dir);
    for (const auto& entry : children(store.unpacked_dir()))
        if (!is_marker(entry))
            remove(entry);
    for (const auto& entry : children(store.unpacked_dir()))
        detail::remove_tree(entry);
    for (const auto& entry : children(store.quarantine_dir()))
        remove(entry);
    for (const auto& entry : children(store.tmp_dir()))
        if (!store.is_own_session(entry) && abandoned(entry))
            detail::remove_tree(entry);
    std::error_code ec;
    // Other processes may have the database open: empty it through SQLite, never unlink it.
    if (fs::exists(store.meta_path(), ec))
        report.entries_removed += MetadataCache(store.meta_path()).clear_documents();
    for (const auto& entry : children(store.locks_dir()))
        if (entry != store.maintenance_lock_path())
            if (auto lock = FileLock::try_acquire(entry, LockMode::exclusive))
                lock->remove_file();
    return report;
}

} // namespace cairn::store
