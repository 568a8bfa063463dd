#include "cairn/store/metadata_cache.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/prefault.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <limits>

namespace cairn::store {

namespace {

// The body comes last: a column after it is found by walking the body's chain of overflow
// pages (SQLite keeps no index of them), so reading a row's validators and age walked its
// whole megabytes of packument first, and then the body's read walked them again. A large
// warm resolution's cache reads: 12.9% -> 11.5% of its thread's samples. A database made
// before has the body fourth and is read as it is: every statement names its columns, so
// the order is the file's alone, and older cairns keep reading a database made now (moving
// the rows of every cache once was not worth what it saves).
constexpr std::string_view k_schema = R"sql(
CREATE TABLE IF NOT EXISTS version_index (
  registry      TEXT NOT NULL,
  package       TEXT NOT NULL,
  encoding      TEXT NOT NULL,
  etag          TEXT,
  last_modified TEXT,
  fetched_at    INTEGER NOT NULL,
  sequence      INTEGER,
  body          BLOB NOT NULL,
  PRIMARY KEY (registry, package));
PRAGMA user_version = 2;
)sql";

// Version 1 kept the same columns in a WITHOUT ROWID table: moved over by name.
constexpr std::string_view k_set_aside = R"sql(
ALTER TABLE version_index RENAME TO version_index_old;
)sql";
constexpr std::string_view k_move_over = R"sql(
INSERT INTO version_index (registry, package, encoding, etag, last_modified, fetched_at,
  sequence, body)
  SELECT registry, package, encoding, etag, last_modified, fetched_at, sequence, body
  FROM version_index_old;
DROP TABLE version_index_old;
)sql";

} // namespace

struct MetadataCache::Connection {
    sqlite3* db = nullptr;
    std::string path;
    sqlite3_stmt* select_row = nullptr; // get()'s statement, prepared once

    Error error(std::string_view action) const {
        int code = sqlite3_errcode(db);
        Error e(code == SQLITE_CORRUPT || code == SQLITE_NOTADB ? Code::cache_corrupt : Code::io,
                fmt::format("cannot {} the metadata cache {}", action, path));
        e.caused_by(sqlite3_errmsg(db));
        return e;
    }

    void exec(std::string_view sql, std::string_view action) const {
        if (sqlite3_exec(db, std::string(sql).c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
            throw error(action);
    }
};

namespace {

// A prepared statement, finalized on scope exit.
class Statement {
public:
    Statement(sqlite3* db, std::string_view sql, const std::function<Error()>& fail) {
        if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &m_stmt, nullptr) !=
            SQLITE_OK)
            throw fail();
    }
    // A statement the connection keeps (`kept`, prepared on first use): reset and unbound
    // on scope exit instead of finalized.
    Statement(sqlite3_stmt*& kept, sqlite3* db, std::string_view sql,
              const std::function<Error()>& fail)
        : m_kept(true) {
        if (!kept && sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                        SQLITE_PREPARE_PERSISTENT, &kept, nullptr) != SQLITE_OK)
            throw fail();
        m_stmt = kept;
    }
    ~Statement() {
        if (!m_kept) {
            sqlite3_finalize(m_stmt);
            return;
        }
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& text(int i, std::string_view value) {
        sqlite3_bind_text(m_stmt, i, value.data(), static_cast<int>(value.size()),
                          SQLITE_TRANSIENT);
        return *this;
    }
    // Not copied: the bytes must stay as they are until the statement has been stepped
    // (a packument's compact form is megabytes).
    Statement& blob(int i, std::string_view value) {
        sqlite3_bind_blob(m_stmt, i, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
        return *this;
    }
    Statement& integer(int i, std::int64_t value) {
        sqlite3_bind_int64(m_stmt, i, value);
        return *this;
    }
    Statement& null(int i) {
        sqlite3_bind_null(m_stmt, i);
        return *this;
    }
    // SQLITE_ROW or SQLITE_DONE; anything else is an error.
    int step() { return sqlite3_step(m_stmt); }

    std::string column_text(int i) const {
        const auto* p = sqlite3_column_text(m_stmt, i);
        return p ? std::string(reinterpret_cast<const char*>(p),
                               static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, i)))
                 : std::string();
    }
    std::int64_t column_int(int i) const { return sqlite3_column_int64(m_stmt, i); }
    bool column_null(int i) const { return sqlite3_column_type(m_stmt, i) == SQLITE_NULL; }

private:
    sqlite3_stmt* m_stmt = nullptr;
    bool m_kept = false;
};

} // namespace

MetadataCache::MetadataCache(const std::filesystem::path& path, MetadataCacheOptions options)
    : m_db(new Connection) {
    m_db->path = path.string();
    if (sqlite3_open_v2(m_db->path.c_str(), &m_db->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
        Error e = m_db->error("open");
        sqlite3_close(m_db->db);
        delete m_db;
        throw e;
    }
    try {
        sqlite3_busy_timeout(m_db->db, static_cast<int>(options.busy_timeout.count()));
        // The WAL and its index stay when the last connection closes (cut back to 4 MiB
        // when larger): every command that resolves opens the cache, and made anew each
        // time they were two inodes created and freed per run, where ext4 without a journal
        // steps over each inode freed in the last minute on every new one (spread.hpp).
        // `cairn lock` of a small project: 6.9 -> 6.4 ms (5 alternating rounds of 5).
        int persist = 1;
        sqlite3_file_control(m_db->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
        m_db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                   "PRAGMA journal_size_limit=4194304;",
                   "open");
        auto schema_version = [&] {
            Statement version(m_db->db, "PRAGMA user_version", [&] { return m_db->error("read"); });
            int schema = version.step() == SQLITE_ROW ? static_cast<int>(version.column_int(0)) : 0;
            if (schema > k_metadata_schema_version) {
                Error e(Code::cache_corrupt, fmt::format("the metadata cache {} has schema "
                                                         "version {}",
                                                         m_db->path, schema));
                e.caused_by(
                    fmt::format("this cairn reads schema version {}", k_metadata_schema_version));
                e.hint("a newer cairn wrote it: use that cairn, or run `cairn cache clean`");
                throw e;
            }
            return schema;
        };
        if (schema_version() < k_metadata_schema_version)
            transaction([&] {
                // Read again under the write lock: another process may have just upgraded.
                int schema = schema_version();
                if (schema == k_metadata_schema_version)
                    return;
                if (schema == 1)
                    m_db->exec(k_set_aside, "upgrade");
                m_db->exec(k_schema, "create");
                if (schema == 1)
                    m_db->exec(k_move_over, "upgrade");
            });
    } catch (...) {
        sqlite3_close(m_db->db);
        delete m_db;
        throw;
    }
}

MetadataCache::~MetadataCache() {
    end_reads();
    sqlite3_finalize(m_db->select_row);
    sqlite3_close(m_db->db);
    delete m_db;
}

void MetadataCache::defer_checkpoints() {
    m_db->exec("PRAGMA wal_autocheckpoint=16384;", "configure"); // pages of 4 KiB
}

MetadataCache::ReadHold MetadataCache::hold_reads() const {
    ++m_holds;
    return ReadHold(*this);
}

MetadataCache::ReadHold::~ReadHold() {
    if (--m_cache.m_holds == 0)
        m_cache.end_reads();
}

void MetadataCache::end_reads() const {
    if (!m_reading)
        return;
    m_reading = false;
    // A read transaction has nothing to commit: this only releases its snapshot, and
    // cannot fail in a way that loses anything.
    sqlite3_exec(m_db->db, "COMMIT", nullptr, nullptr, nullptr);
}

void MetadataCache::transaction(const std::function<void()>& body) {
    if (m_depth > 0) {
        body();
        return;
    }
    end_reads(); // a write never joins the reads' transaction (its snapshot may be old)
    m_db->exec("BEGIN IMMEDIATE", "update");
    ++m_depth;
    try {
        body();
        --m_depth;
        m_db->exec("COMMIT", "update");
    } catch (...) {
        m_depth = 0;
        sqlite3_exec(m_db->db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

std::optional<CachedDocument> MetadataCache::get(const IndexKey& key) const {
    if (m_holds > 0 && m_depth == 0 && !m_reading) {
        m_db->exec("BEGIN", "read");
        m_reading = true;
    }
    // The body is read apart, straight into its string: selected with the row, SQLite
    // would gather its overflow pages into a buffer of its own first (a large warm
    // resolution reads some 16 MB of bodies).
    Statement s(m_db->select_row, m_db->db,
                "SELECT encoding, rowid, length(body), etag, last_modified, fetched_at, sequence "
                "FROM version_index WHERE registry = ?1 AND package = ?2",
                [&] { return m_db->error("read"); });
    s.text(1, key.registry).text(2, key.package);
    int rc = s.step();
    if (rc == SQLITE_DONE)
        return std::nullopt;
    if (rc != SQLITE_ROW)
        throw m_db->error("read");
    CachedDocument doc;
    doc.encoding = s.column_text(0);
    doc.body = read_body(s.column_int(1), s.column_int(2));
    doc.validators.etag = s.column_text(3);
    doc.validators.last_modified = s.column_text(4);
    doc.fetched_at = s.column_int(5);
    if (!s.column_null(6))
        doc.sequence = static_cast<std::uint64_t>(s.column_int(6));
    return doc;
}

std::string MetadataCache::read_body(std::int64_t row, std::int64_t size) const {
    std::string body;
    if (size <= 0)
        return body;
    if (size > std::numeric_limits<int>::max())
        throw m_db->error("read"); // never written: put() binds a body's size as an int
    sqlite3_blob* blob = nullptr;
    int rc = sqlite3_blob_open(m_db->db, "main", "version_index", "body", row, 0, &blob);
    if (rc == SQLITE_OK) {
        // Its pages made present at once rather than one trap each as they are zeroed:
        // a large project's warm resolution reads 16 MB of these.
        body.reserve(static_cast<std::size_t>(size));
        prefault(body.data(), body.capacity());
        body.resize(static_cast<std::size_t>(size));
        rc = sqlite3_blob_read(blob, body.data(), static_cast<int>(size), 0);
    }
    sqlite3_blob_close(blob); // a no-op on null
    if (rc != SQLITE_OK)
        throw m_db->error("read");
    return body;
}

void MetadataCache::put(const IndexKey& key, const CachedDocument& doc) {
    put(key, doc, doc.body);
}

void MetadataCache::put(const IndexKey& key, const CachedDocument& doc, std::string_view body) {
    transaction([&] {
        Statement s(m_db->db,
                    "INSERT OR REPLACE INTO version_index (registry, package, encoding, body, "
                    "etag, last_modified, fetched_at, sequence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                    "?7, ?8)",
                    [&] { return m_db->error("update"); });
        s.text(1, key.registry).text(2, key.package).text(3, doc.encoding).blob(4, body);
        doc.validators.etag.empty() ? s.null(5) : s.text(5, doc.validators.etag);
        doc.validators.last_modified.empty() ? s.null(6) : s.text(6, doc.validators.last_modified);
        s.integer(7, doc.fetched_at);
        doc.sequence ? s.integer(8, static_cast<std::int64_t>(*doc.sequence)) : s.null(8);
        if (s.step() != SQLITE_DONE)
            throw m_db->error("update");
    });
}

std::optional<Validators> MetadataCache::validators(const IndexKey& key) const {
    Statement s(m_db->db,
                "SELECT etag, last_modified FROM version_index WHERE registry = ?1 AND "
                "package = ?2",
                [&] { return m_db->error("read"); });
    s.text(1, key.registry).text(2, key.package);
    int rc = s.step();
    if (rc == SQLITE_DONE)
        return std::nullopt;
    if (rc != SQLITE_ROW)
        throw m_db->error("read");
    return Validators{s.column_text(0), s.column_text(1)};
}

bool MetadataCache::touch(const IndexKey& key, UnixSeconds fetched_at) {
    bool changed = false;
    transaction([&] {
        Statement s(m_db->db,
                    "UPDATE version_index SET fetched_at = ?3 WHERE registry = ?1 AND package = ?2",
                    [&] { return m_db->error("update"); });
        s.text(1, key.registry).text(2, key.package).integer(3, fetched_at);
        if (s.step() != SQLITE_DONE)
            throw m_db->error("update");
        changed = sqlite3_changes(m_db->db) > 0;
    });
    return changed;
}

std::optional<std::uint64_t> MetadataCache::advance_sequence(const IndexKey& key,
                                                             std::uint64_t sequence) {
    std::optional<std::uint64_t> highest;
    transaction([&] {
        auto current = get(key);
        if (!current)
            return;
        if (current->sequence && *current->sequence >= sequence) {
            highest = current->sequence;
            return;
        }
        Statement s(m_db->db,
                    "UPDATE version_index SET sequence = ?3 WHERE registry = ?1 AND package = ?2",
                    [&] { return m_db->error("update"); });
        s.text(1, key.registry)
            .text(2, key.package)
            .integer(3, static_cast<std::int64_t>(sequence));
        if (s.step() != SQLITE_DONE)
            throw m_db->error("update");
        highest = sequence;
    });
    return highest;
}

bool MetadataCache::erase(const IndexKey& key) {
    bool changed = false;
    transaction([&] {
        Statement s(m_db->db, "DELETE FROM version_index WHERE registry = ?1 AND package = ?2",
                    [&] { return m_db->error("update"); });
        s.text(1, key.registry).text(2, key.package);
        if (s.step() != SQLITE_DONE)
            throw m_db->error("update");
        changed = sqlite3_changes(m_db->db) > 0;
    });
    return changed;
}

std::size_t MetadataCache::clear_documents() {
    std::size_t removed = 0;
    transaction([&] {
        Statement s(m_db->db, "DELETE FROM version_index WHERE sequence IS NULL",
                    [&] { return m_db->error("update"); });
        if (s.step() != SQLITE_DONE)
            throw m_db->error("update");
        removed = static_cast<std::size_t>(sqlite3_changes(m_db->db));
    });
    return removed;
}

std::size_t MetadataCache::count() const {
    Statement s(m_db->db, "SELECT count(*) FROM version_index",
                [&] { return m_db->error("read"); });
    if (s.step() != SQLITE_ROW)
        throw m_db->error("read");
    return static_cast<std::size_t>(s.column_int(0));
}

std::vector<IndexKey> MetadataCache::keys() const {
    Statement s(m_db->db, "SELECT registry, package FROM version_index ORDER BY registry, package",
                [&] { return m_db->error("read"); });
    std::vector<IndexKey> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW)
        out.push_back({s.column_text(0), s.column_text(1)});
    if (rc != SQLITE_DONE)
        throw m_db->error("read");
    return out;
}

} // namespace cairn::store
