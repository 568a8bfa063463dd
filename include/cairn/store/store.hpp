#pragma once

#include "cairn/core/digest.hpp"
#include "cairn/store/extract.hpp"
#include "cairn/store/store_lock.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

// The store: one per user, shared by every project, format and cairn process (DESIGN.md
// section 6).
//
//   $CAIRN_HOME/
//     store-version                  layout version ("1")
//     blobs/<algo>/<2 hex>/<hex>     verified artifacts, read-only (mode 0444), immutable
//     unpacked/<algo>-<hex>[-s1]/    extracted trees ("-s1": top folder stripped)
//     unpacked/<name>.complete       marker: the tree is complete; holds its manifest digest
//     meta.sqlite                    metadata cache (metadata_cache.hpp)
//     tmp/<session>/                 one folder per live process that writes, locked while
//                                    it lives
//     quarantine/                    entries that failed verification, kept for inspection
//     locks/                         lock files (store_lock.hpp)
//
// Crash safety. Everything is written inside the process's tmp session folder and renamed
// (or linked) into place, so a name in blobs/ or a marker in unpacked/ appears only
// complete. A blob is hashed while it streams in, compared with the expected digest,
// fsynced, made read-only (0444) and only then linked into blobs/: mode 0444 is the
// "verified" mark. A blob found without it (written by something else, or by a file copy)
// is re-hashed before use and quarantined when it does not match. Unpacking hashes the
// blob's bytes again as it reads them, except for a blob this same Store linked into place
// and that is unchanged since (same file, size and modification time): its bytes were
// hashed on their way in, moments before (45 ms of CPU saved in a medium cold install).
// An unpacked tree is
// trusted only when its marker exists; the marker is written last, after the rename. A
// process killed at any moment leaves at most its session folder (reclaimed by gc once its
// lock is free) and a tree without marker (replaced by the next unpack, removed by gc).
namespace cairn::store {

inline constexpr int k_store_version = 1;

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// $CAIRN_HOME, else $XDG_CACHE_HOME/cairn, else $HOME/.cache/cairn. Throws
// Error(Code::io) when none is set.
std::filesystem::path default_store_root(const EnvLookup& env);

struct UnpackOptions {
    StripComponents strip = StripComponents::none;
    ExtractLimits limits;
    // Whether a large archive's files may be written on threads of their own
    // (ExtractOptions::parallel_writes_from): worth it when the cores would otherwise wait
    // for this one archive, not beside other work.
    bool parallel_writes = true;
};

struct BlobInfo {
    std::filesystem::path path;
    std::uint64_t size = 0;
    std::vector<Digest> digests;  // the expected algorithm first, then any extra requested
    bool already_present = false; // another writer (or an earlier run) stored it first
};

struct UnpackedTree {
    std::filesystem::path path;
    Digest manifest;
    std::uint64_t files = 0;
    std::uint64_t bytes = 0;
    bool already_present = false;
    // The tree folder by folder (core/tree_listing.hpp), from its marker; null when the
    // marker has none (written before markers kept it).
    std::shared_ptr<const std::string> listing;
};

// A complete unpacked tree to link from, and its listing when its marker has one.
struct CompleteTree {
    std::filesystem::path path;
    std::shared_ptr<const std::string> listing;
};

class Store;

// Streams one blob into the store. Bytes go to a file in the session folder and through
// the hashers; commit() verifies, fsyncs and links the file into blobs/. Destroying an
// uncommitted writer removes its file. Not thread-safe; may be used from any one thread.
class BlobWriter {
public:
    BlobWriter(BlobWriter&& other) noexcept;
    BlobWriter& operator=(BlobWriter&&) = delete;
    BlobWriter(const BlobWriter&) = delete;
    ~BlobWriter();

    void write(std::span<const std::byte> bytes);
    void write(std::string_view bytes);
    // Discards what was written (a download restarting from byte 0).
    void restart();
    std::uint64_t size() const { return m_size; }
    // Throws Error(Code::integrity) naming both digests when the bytes do not match (the
    // temporary file is removed), Error(Code::io) when the disk refuses.
    BlobInfo commit();

private:
    friend class Store;
    BlobWriter(const Store& store, Digest expected, std::vector<DigestAlgorithm> algorithms);
    void open_file();
    void discard();

    const Store* m_store;
    Digest m_expected;
    std::vector<DigestAlgorithm> m_algorithms;
    std::unique_ptr<MultiHasher> m_hasher;
    std::filesystem::path m_temp;
    int m_fd = -1;
    std::uint64_t m_size = 0;
};

class Store {
public:
    // Opens the store at `root`, creating its folders and version file when absent. Throws
    // Error(Code::io) when the folders cannot be made, Error(Code::cache_corrupt) when the store
    // has another layout version.
    explicit Store(std::filesystem::path root);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    const std::filesystem::path& root() const { return m_root; }
    std::filesystem::path blobs_dir() const { return m_root / "blobs"; }
    std::filesystem::path unpacked_dir() const { return m_root / "unpacked"; }
    std::filesystem::path tmp_dir() const { return m_root / "tmp"; }
    std::filesystem::path quarantine_dir() const { return m_root / "quarantine"; }
    std::filesystem::path locks_dir() const { return m_root / "locks"; }
    std::filesystem::path meta_path() const { return m_root / "meta.sqlite"; }
    // This process's folder under tmp/, made and locked on first use (thread-safe): a run
    // that writes nothing to the store (an install from stored trees) makes none, and
    // removing a folder is not free (a synchronous discard on some disks).
    const std::filesystem::path& session_dir() const;
    // Whether `entry` (under tmp/) is this process's session folder, made or not yet.
    bool is_own_session(const std::filesystem::path& entry) const { return entry == m_session; }

    std::filesystem::path blob_path(const Digest& digest) const;
    std::string unpacked_name(const Digest& digest, StripComponents strip) const;
    std::filesystem::path unpacked_path(const Digest& digest, StripComponents strip) const;
    std::filesystem::path marker_path(const Digest& digest, StripComponents strip) const;

    // Blobs. `also` asks for more digests of the same bytes (e.g. sha1 for a lockfile).
    BlobWriter write_blob(const Digest& expected, std::span<const DigestAlgorithm> also = {}) const;
    BlobInfo add_blob_bytes(const Digest& expected, std::string_view bytes) const;
    BlobInfo add_blob_file(const Digest& expected, const std::filesystem::path& file) const;
    // Whether a file exists at the blob's path (no verification: for skipping downloads).
    bool contains_blob(const Digest& digest) const;
    // The blob's path once checked: a blob without the verified mark is re-hashed first;
    // one that does not match is quarantined and nullopt returned.
    std::optional<std::filesystem::path> find_blob(const Digest& digest) const;

    // Unpacked trees. find_unpacked trusts a tree only when its marker exists.
    std::optional<UnpackedTree> find_unpacked(const Digest& digest, StripComponents strip) const;
    // The folder of a complete unpacked tree, for linking from: its marker starts as this
    // format's do and its folder is there (of the rest of the marker, only the listing is
    // read).
    std::optional<CompleteTree> complete_tree(const Digest& digest, StripComponents strip) const;
    // Extracts the stored blob (extract.hpp rules) unless its tree is already complete.
    // Safe with other processes unpacking the same blob: one extracts, the others wait
    // for it and reuse the tree. Throws Error(Code::io) when the blob is not stored and
    // Error(Code::cache_corrupt) when it no longer matches its digest (it is quarantined).
    UnpackedTree unpack(const Digest& digest, const UnpackOptions& options) const;

    // The lock of one entry (e.g. "blob-sha512-<hex>", "unpack-<name>") under locks/.
    FileLock lock_entry(std::string_view key) const;
    std::optional<FileLock> try_lock_entry(std::string_view key) const;
    // The lock gc and clean take exclusively while they remove things, and every process
    // takes shared while it creates its session folder.
    std::filesystem::path maintenance_lock_path() const { return locks_dir() / "maintenance.lock"; }

    // Moves `entry` to quarantine/ (a unique name ending in `name`); returns where.
    std::filesystem::path quarantine(const std::filesystem::path& entry,
                                     std::string_view name) const;

private:
    friend class BlobWriter;
    // The identity of a blob file this Store linked into blobs/ after hashing its bytes.
    struct WrittenBlob {
        std::uint64_t device = 0, inode = 0, size = 0, modified_ns = 0;
        bool operator==(const WrittenBlob&) const = default;
    };
    static std::optional<WrittenBlob> identify(const std::filesystem::path& path);
    void remember_written(const std::filesystem::path& path) const;
    bool written_here_unchanged(const std::filesystem::path& path) const;

    void start_session() const;
    // unpacked/, opened (O_PATH) on first use: look-ups of trees relative to it skip walking
    // the store's path each time (an install checks every tree it links). -1 when it
    // cannot be opened.
    int unpacked_fd() const;
    // The process's umask, read once (from /proc/self/status: reading it through umask(2)
    // would set it, racing other threads' file creation) and given to every extraction.
    // Reading it per extraction took 2.8% of a large cold install's unpacking threads.
    // nullopt when the kernel does not report it. cairn never changes its own umask.
    std::optional<unsigned> process_umask() const;

    std::filesystem::path m_root;
    std::filesystem::path m_session;    // named at once, made by session_dir()
    mutable std::mutex m_session_mutex; // guards the making (a failed one is tried again)
    mutable int m_session_fd = -1;      // flock'ed for the life of this Store, once made
    mutable std::once_flag m_unpacked_once;
    mutable int m_unpacked_fd = -1;
    mutable std::once_flag m_umask_once;
    mutable std::optional<unsigned> m_umask;
    mutable std::mutex m_written_mutex;
    mutable std::unordered_map<std::string, WrittenBlob> m_written; // by blob path
};

} // namespace cairn::store
