#pragma once

#include "cairn/core/digest.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The metadata cache (DESIGN.md section 4): one SQLite database, meta.sqlite in the store,
// shared by every format, registry and cairn process (WAL, busy timeout). One table holds
// every version index as a compact blob keyed by (registry, package), with the HTTP
// validators it was fetched with, when it was fetched, and the last signed-index sequence
// number seen for it.
//
// Schema version 2 (PRAGMA user_version = 2):
//   CREATE TABLE version_index (
//     registry      TEXT NOT NULL,     -- the source: a registry name or URL
//     package       TEXT NOT NULL,     -- package id, "npm:@types/node"
//     encoding      TEXT NOT NULL,     -- how body is encoded, e.g. "cairn-vi/1"
//     etag          TEXT,
//     last_modified TEXT,
//     fetched_at    INTEGER NOT NULL,  -- unix seconds
//     sequence      INTEGER,           -- last seen signed-index sequence number
//     body          BLOB NOT NULL,     -- last: reading the columns before it reads none of it
//     PRIMARY KEY (registry, package));
// Databases made before 2026-11-25 have the body fourth; they are read as they are (every
// statement names its columns). Version 1 was the same columns in a WITHOUT ROWID table:
// its key lookups read each overflowing row's whole body to compare keys, so opening a
// version 1 database moves its rows into the version 2 table. A database of a newer schema
// is refused (Code::cache_corrupt), never rewritten.
namespace cairn::store {

inline constexpr int k_metadata_schema_version = 2;

struct IndexKey {
    std::string registry;
    std::string package;
    friend bool operator==(const IndexKey&, const IndexKey&) = default;
};

// Conditional-request validators as the server sent them (empty when absent).
struct Validators {
    std::string etag;
    std::string last_modified;
    friend bool operator==(const Validators&, const Validators&) = default;
};

using UnixSeconds = std::int64_t;

// One cached document: the body is opaque here; `encoding` says what reads it.
struct CachedDocument {
    std::string encoding;
    std::string body;
    Validators validators;
    UnixSeconds fetched_at = 0;
    std::optional<std::uint64_t> sequence;
};

struct MetadataCacheOptions {
    std::chrono::milliseconds busy_timeout{10'000};
};

// One connection; use one MetadataCache per thread. Every failure is Error(Code::io)
// (Code::cache_corrupt for a damaged or newer database) naming meta.sqlite.
class MetadataCache {
public:
    explicit MetadataCache(const std::filesystem::path& path, MetadataCacheOptions options = {});
    ~MetadataCache();
    MetadataCache(const MetadataCache&) = delete;
    MetadataCache& operator=(const MetadataCache&) = delete;

    std::optional<CachedDocument> get(const IndexKey& key) const;
    // Inserts or replaces the whole row.
    void put(const IndexKey& key, const CachedDocument& document);
    // The same, with `body` in place of document.body (bytes kept elsewhere, not copied
    // into a document first).
    void put(const IndexKey& key, const CachedDocument& document, std::string_view body);
    std::optional<Validators> validators(const IndexKey& key) const;
    // A 304 answer: the cached body is current as of `fetched_at`. False when absent.
    bool touch(const IndexKey& key, UnixSeconds fetched_at);
    // Records a signed-index sequence number unless a higher one was already seen; returns
    // the highest now stored (compare it to detect a rollback). False-free for absent rows:
    // the row must exist.
    std::optional<std::uint64_t> advance_sequence(const IndexKey& key, std::uint64_t sequence);
    bool erase(const IndexKey& key);
    // Drops every cached document that carries no signed-index sequence number, in one
    // transaction (safe while other processes have the database open); documents with a
    // sequence stay, so the last seen head of each signed chain survives a clean.
    std::size_t clear_documents();
    std::size_t count() const;
    std::vector<IndexKey> keys() const;

    // Runs `body` in one IMMEDIATE transaction (nested calls join the outer one): all of
    // its writes land together or, when it throws, none does.
    void transaction(const std::function<void()>& body);

    // Leaves the WAL checkpoints of this connection's writes to its close (or to another
    // connection) until the WAL holds 64 MiB, rather than 4: a checkpoint writes the
    // database file and syncs it, which a thread storing answers as a resolution reads
    // them should not wait for (in a cold install of 990 packages, 19 checkpoints took it
    // 131 ms). Closing the last connection checkpoints what is left.
    void defer_checkpoints();

    // While a ReadHold lives, the reads share one read transaction, begun by the first and
    // ended by the hold's end or by the next write (which is its own transaction, as
    // always; the reads after it begin another). A read transaction of its own cost each
    // read three fcntl locks on the WAL index and SQLite's look at the WAL: a large
    // project's warm resolution reads a thousand packuments. The reads see the database
    // as it was when their transaction began.
    class ReadHold {
    public:
        ~ReadHold();
        ReadHold(const ReadHold&) = delete;
        ReadHold& operator=(const ReadHold&) = delete;

    private:
        friend class MetadataCache;
        explicit ReadHold(const MetadataCache& cache) : m_cache(cache) {}
        const MetadataCache& m_cache;
    };
    [[nodiscard]] ReadHold hold_reads() const;

private:
    struct Connection;
    void end_reads() const;
    // A row's body, read by SQLite's incremental blob I/O.
    std::string read_body(std::int64_t row, std::int64_t size) const;
    Connection* m_db;
    int m_depth = 0;
    mutable int m_holds = 0;        // ReadHolds alive
    mutable bool m_reading = false; // a read transaction of theirs is open
};

// The structured form of a version index shared by formats that have no encoding of their
// own (encoding "cairn-vi/1"): releases with dependencies, digests and states, and tags.
enum class ReleaseState { active, deprecated, yanked, insecure };
enum class DependencyKind { normal, optional, peer, dev };

struct CachedDependency {
    std::string name;
    std::string requirement;
    DependencyKind kind = DependencyKind::normal;
    friend bool operator==(const CachedDependency&, const CachedDependency&) = default;
};

struct CachedRelease {
    std::string version;
    std::optional<Digest> digest;
    ReleaseState state = ReleaseState::active;
    std::vector<CachedDependency> dependencies;
    friend bool operator==(const CachedRelease&, const CachedRelease&) = default;
};

struct CachedVersionIndex {
    std::vector<CachedRelease> releases;
    std::map<std::string, std::string> tags; // dist-tags: tag -> version
    friend bool operator==(const CachedVersionIndex&, const CachedVersionIndex&) = default;
};

inline constexpr std::string_view k_version_index_encoding = "cairn-vi/1";

// Compact binary form: a string table (names and ranges repeat across releases), then
// releases as indexes into it.
std::string encode_version_index(const CachedVersionIndex& index);
// Throws Error(Code::cache_corrupt) on any malformed input (bounds-checked).
CachedVersionIndex decode_version_index(std::string_view bytes);

} // namespace cairn::store
