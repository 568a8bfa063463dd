#include "store_fixture.hpp"

#include "cairn/store/metadata_cache.hpp"

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>

namespace cairn::test {
namespace {

namespace fs = std::filesystem;
using namespace cairn::store;

CachedVersionIndex sample_index() {
    CachedVersionIndex index;
    CachedRelease a{"1.0.0",
                    digest_bytes(DigestAlgorithm::sha512, "a"),
                    ReleaseState::active,
                    {{"ms", "^2.1.3", DependencyKind::normal}}};
    CachedRelease b{"1.1.0",
                    digest_bytes(DigestAlgorithm::sha1, "b"),
                    ReleaseState::deprecated,
                    {{"ms", "^2.1.3", DependencyKind::normal},
                     {"supports-color", "*", DependencyKind::optional},
                     {"react", ">=16", DependencyKind::peer},
                     {"mocha", "^10", DependencyKind::dev}}};
    CachedRelease c{"2.0.0-beta.1", std::nullopt, ReleaseState::yanked, {}};
    CachedRelease d{
        "0.9.0", digest_bytes(DigestAlgorithm::sha256, "d"), ReleaseState::insecure, {}};
    index.releases = {a, b, c, d};
    index.tags = {{"latest", "1.1.0"}, {"next", "2.0.0-beta.1"}};
    return index;
}

CachedDocument document(std::string body, UnixSeconds at) {
    return CachedDocument{std::string(k_version_index_encoding), std::move(body),
                          Validators{"W/\"abc\"", "Tue, 01 Apr 2025 10:00:00 GMT"}, at, 7};
}

TEST(VersionIndexCodec, RoundTripsEveryField) {
    auto index = sample_index();
    std::string bytes = encode_version_index(index);
    EXPECT_EQ(decode_version_index(bytes), index);
    // The string table stores "ms" and "^2.1.3" once.
    EXPECT_EQ(bytes.find("^2.1.3"), bytes.rfind("^2.1.3"));
    EXPECT_EQ(decode_version_index(encode_version_index({})), CachedVersionIndex{});
}

TEST(VersionIndexCodec, EveryTruncationAndBitFlipIsRejectedOrDecodesSafely) {
    std::string bytes = encode_version_index(sample_index());
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        auto error = error_of([&] { decode_version_index(std::string_view(bytes).substr(0, n)); });
        ASSERT_TRUE(error) << "truncated at " << n;
        EXPECT_EQ(error->code(), Code::cache_corrupt);
        EXPECT_EQ(error->message(), "a cached version index is damaged");
    }
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        std::string flipped = bytes;
        flipped[i] = static_cast<char>(flipped[i] ^ 0x5a);
        auto error = error_of([&] { decode_version_index(flipped); });
        if (error) {
            EXPECT_EQ(error->code(), Code::cache_corrupt);
        }
    }
    auto error = error_of([&] { decode_version_index(bytes + "x"); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->causes().at(0), "bytes follow the end");
}

TEST(MetadataCache, PutGetValidatorsTouchAndErase) {
    TempDir tmp;
    MetadataCache cache(tmp / "meta.sqlite");
    IndexKey key{"public", "npm:debug"};
    EXPECT_FALSE(cache.get(key));
    EXPECT_FALSE(cache.validators(key));
    EXPECT_FALSE(cache.touch(key, 5));
    std::string body = encode_version_index(sample_index());
    cache.put(key, document(body, 1000));
    auto got = cache.get(key);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->encoding, "cairn-vi/1");
    EXPECT_EQ(decode_version_index(got->body), sample_index());
    EXPECT_EQ(got->fetched_at, 1000);
    EXPECT_EQ(got->sequence, 7u);
    EXPECT_EQ(cache.validators(key), (Validators{"W/\"abc\"", "Tue, 01 Apr 2025 10:00:00 GMT"}));
    EXPECT_TRUE(cache.touch(key, 2000));
    EXPECT_EQ(cache.get(key)->fetched_at, 2000);
    EXPECT_EQ(cache.get(key)->body, body);
    // Another registry's index of the same name is another row.
    cache.put({"corp", "npm:debug"}, CachedDocument{"npm-packument/1", "raw", {}, 1, std::nullopt});
    EXPECT_EQ(cache.count(), 2u);
    EXPECT_EQ(cache.get({"corp", "npm:debug"})->validators, Validators{});
    EXPECT_FALSE(cache.get({"corp", "npm:debug"})->sequence);
    EXPECT_EQ(cache.keys(),
              (std::vector<IndexKey>{{"corp", "npm:debug"}, {"public", "npm:debug"}}));
    EXPECT_TRUE(cache.erase(key));
    EXPECT_FALSE(cache.erase(key));
    EXPECT_EQ(cache.count(), 1u);
}

// Bodies are read apart from their row (incremental blob I/O): empty, within one page,
// across overflow pages, several MiB, with every byte value, each comes back whole, and a
// body replaced by a shorter one comes back at its new length.
TEST(MetadataCache, BodiesOfEverySizeComeBackWhole) {
    TempDir tmp;
    MetadataCache cache(tmp / "meta.sqlite");
    std::mt19937 random(7);
    for (std::size_t size : {std::size_t(0), std::size_t(1), std::size_t(4095), std::size_t(4096),
                             std::size_t(100'003), std::size_t(3) << 20}) {
        std::string body(size, '\0');
        for (auto& c : body)
            c = static_cast<char>(random());
        IndexKey key{"public", "npm:size-" + std::to_string(size)};
        cache.put(key, CachedDocument{"npm-packument/1", body, {}, 1, std::nullopt});
        auto got = cache.get(key);
        ASSERT_TRUE(got) << size;
        EXPECT_EQ(got->body.size(), size);
        EXPECT_TRUE(got->body == body) << size;
    }
    IndexKey key{"public", "npm:size-100003"};
    cache.put(key, CachedDocument{"npm-packument/1", "short", {}, 2, std::nullopt});
    EXPECT_EQ(cache.get(key)->body, "short");
    EXPECT_EQ(cache.get(key)->fetched_at, 2);
}

TEST(MetadataCache, ABodyGivenApartIsStoredInsteadOfTheDocuments) {
    TempDir tmp;
    MetadataCache cache(tmp / "meta.sqlite");
    IndexKey key{"public", "npm:apart"};
    std::string bytes(200'000, 'x');
    bytes[123'456] = 'y';
    cache.put(key, CachedDocument{"npm-packument/1", "ignored", {"\"e\"", ""}, 5, std::nullopt},
              bytes);
    bytes.assign(bytes.size(), 'z'); // stored already: a later change is not
    auto got = cache.get(key);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->body.size(), 200'000u);
    EXPECT_EQ(got->body[123'456], 'y');
    EXPECT_EQ(got->body.find('z'), std::string::npos);
    EXPECT_EQ(got->validators.etag, "\"e\"");
    EXPECT_EQ(got->fetched_at, 5);
}

TEST(MetadataCache, SequenceNumbersOnlyMoveForward) {
    TempDir tmp;
    MetadataCache cache(tmp / "meta.sqlite");
    IndexKey key{"idx", "cairn:acme/lib"};
    EXPECT_FALSE(cache.advance_sequence(key, 3));
    cache.put(key, document("b", 1));
    EXPECT_EQ(cache.advance_sequence(key, 9), 9u);
    EXPECT_EQ(cache.advance_sequence(key, 4), 9u); // a rollback attempt: the caller sees 9
    EXPECT_EQ(cache.get(key)->sequence, 9u);
}

TEST(MetadataCache, ATransactionThatThrowsLeavesNothing) {
    TempDir tmp;
    MetadataCache cache(tmp / "meta.sqlite");
    EXPECT_THROW(cache.transaction([&] {
        cache.put({"r", "a"}, document("1", 1));
        cache.put({"r", "b"}, document("2", 1));
        throw std::runtime_error("stop");
    }),
                 std::runtime_error);
    EXPECT_EQ(cache.count(), 0u);
    cache.transaction([&] {
        cache.put({"r", "a"}, document("1", 1));
        cache.put({"r", "b"}, document("2", 1));
    });
    EXPECT_EQ(cache.count(), 2u);
}

// Reads under a hold share one transaction: they see the database as it was when it began,
// until a write of their own (its own transaction) or the hold's end.
TEST(MetadataCache, HeldReadsShareOneSnapshotAndWritesStillLand) {
    TempDir tmp;
    MetadataCache reader(tmp / "meta.sqlite");
    MetadataCache writer(tmp / "meta.sqlite");
    reader.put({"r", "a"}, document("1", 1));
    {
        auto hold = reader.hold_reads();
        EXPECT_EQ(reader.get({"r", "a"})->body, "1");
        writer.put({"r", "a"}, document("2", 2)); // another process, meanwhile
        EXPECT_EQ(reader.get({"r", "a"})->body, "1") << "the held snapshot";
        reader.put({"r", "b"}, document("3", 3)); // a write ends the held transaction
        EXPECT_EQ(reader.get({"r", "a"})->body, "2");
        EXPECT_EQ(reader.get({"r", "b"})->body, "3");
        writer.put({"r", "a"}, document("4", 4));
        EXPECT_EQ(reader.get({"r", "a"})->body, "2");
    }
    EXPECT_EQ(reader.get({"r", "a"})->body, "4");
    EXPECT_EQ(writer.get({"r", "b"})->body, "3");
    // Holds nest; the last one's end ends the reads' transaction.
    auto outer = reader.hold_reads();
    {
        auto inner = reader.hold_reads();
        EXPECT_EQ(reader.get({"r", "a"})->body, "4");
    }
    writer.put({"r", "a"}, document("5", 5));
    EXPECT_EQ(reader.get({"r", "a"})->body, "4");
}

TEST(MetadataCache, PersistsAndUsesWal) {
    TempDir tmp;
    {
        MetadataCache cache(tmp / "meta.sqlite");
        cache.put({"r", "p"}, document("body", 42));
    }
    MetadataCache again(tmp / "meta.sqlite");
    EXPECT_EQ(again.get({"r", "p"})->body, "body");
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((tmp / "meta.sqlite").c_str(), &db), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
    sqlite3_finalize(stmt);
    sqlite3_close(db);
}

TEST(MetadataCache, KeepsItsWalFilesWhenClosedAndCapsTheirSize) {
    // Made and removed by every command that opened the cache, they were two inodes freed
    // per run (spread.hpp tells what that costs on ext4 without a journal).
    TempDir tmp;
    fs::path wal = tmp / "meta.sqlite-wal", shm = tmp / "meta.sqlite-shm";
    {
        MetadataCache cache(tmp / "meta.sqlite");
        cache.put({"r", "p"}, document("body", 42));
    }
    ASSERT_TRUE(fs::exists(wal));
    ASSERT_TRUE(fs::exists(shm));
    struct stat before {};
    ASSERT_EQ(::stat(shm.c_str(), &before), 0);
    {
        // 6 MiB in one transaction: the WAL grows past 4 MiB, and is cut back on close.
        MetadataCache cache(tmp / "meta.sqlite");
        cache.transaction([&] {
            for (int i = 0; i < 24; ++i)
                cache.put({"r", "big" + std::to_string(i)},
                          document(std::string(256 * 1024, static_cast<char>('a' + i)), 42));
        });
        EXPECT_GT(fs::file_size(wal), 4u << 20);
    }
    EXPECT_LE(fs::file_size(wal), 4u << 20);
    struct stat after {};
    ASSERT_EQ(::stat(shm.c_str(), &after), 0);
    EXPECT_EQ(after.st_ino, before.st_ino); // the same file, never made again
    MetadataCache again(tmp / "meta.sqlite");
    EXPECT_EQ(again.get({"r", "p"})->body, "body");
    EXPECT_EQ(again.get({"r", "big23"})->body, std::string(256 * 1024, 'x'));
}

TEST(MetadataCache, DeferredCheckpointsWaitForTheClose) {
    TempDir tmp;
    fs::path db = tmp / "meta.sqlite";
    // 6 MiB in 24 transactions: past the 1,000 pages at which SQLite checkpoints by default.
    auto write_many = [](MetadataCache& cache, char tag) {
        for (int i = 0; i < 24; ++i)
            cache.put({"r", tag + std::to_string(i)}, document(std::string(256 * 1024, tag), 42));
    };
    {
        MetadataCache cache(db);
        write_many(cache, 'a');
        EXPECT_GT(fs::file_size(db), 3u << 20); // checkpointed along the way
    }
    const auto before = fs::file_size(db);
    {
        MetadataCache cache(db);
        cache.defer_checkpoints();
        write_many(cache, 'b');
        EXPECT_EQ(fs::file_size(db), before); // all of it still in the WAL
        MetadataCache reader(db);             // where other connections read it
        EXPECT_EQ(reader.get({"r", "b23"})->body, std::string(256 * 1024, 'b'));
    }
    EXPECT_GT(fs::file_size(db), before + (5u << 20)); // the last close checkpointed it
    MetadataCache again(db);
    EXPECT_EQ(again.get({"r", "b0"})->body, std::string(256 * 1024, 'b'));
    EXPECT_EQ(again.get({"r", "a23"})->body, std::string(256 * 1024, 'a'));
}

TEST(MetadataCache, ANewerSchemaIsRefusedNotRewritten) {
    TempDir tmp;
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((tmp / "meta.sqlite").c_str(), &db), SQLITE_OK);
    sqlite3_exec(db, "PRAGMA user_version = 9", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    auto error = error_of([&] { MetadataCache cache(tmp / "meta.sqlite"); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), Code::cache_corrupt);
    EXPECT_EQ(error->message(),
              "the metadata cache " + (tmp / "meta.sqlite").string() + " has schema version 9");
}

// A database as an earlier cairn left it: the table with the body fourth (`table_options`
// after its definition: "WITHOUT ROWID" for version 1), one row for npm:a, `version`.
void write_earlier_database(const fs::path& path, const std::string& table_options,
                            const std::string& last_modified, const std::string& sequence,
                            int version) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    std::string sql =
        "CREATE TABLE version_index (registry TEXT NOT NULL, package TEXT NOT NULL, encoding "
        "TEXT NOT NULL, body BLOB NOT NULL, etag TEXT, last_modified TEXT, fetched_at INTEGER "
        "NOT NULL, sequence INTEGER, PRIMARY KEY (registry, package)) " +
        table_options + "; INSERT INTO version_index VALUES ('r', 'npm:a', 'x/1', x'00ff', " +
        "'\"e\"', " + last_modified + ", 42, " + sequence +
        "); PRAGMA user_version = " + std::to_string(version) + ";";
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
}

TEST(MetadataCache, AVersion1DatabaseIsMovedToTheRowidTableWithItsRows) {
    TempDir tmp;
    write_earlier_database(tmp / "meta.sqlite", "WITHOUT ROWID", "NULL", "3", 1);
    sqlite3* db = nullptr;
    {
        MetadataCache cache(tmp / "meta.sqlite");
        auto row = cache.get({"r", "npm:a"});
        ASSERT_TRUE(row);
        EXPECT_EQ(row->encoding, "x/1");
        EXPECT_EQ(row->body, std::string("\x00\xff", 2));
        EXPECT_EQ(row->validators.etag, "\"e\"");
        EXPECT_EQ(row->fetched_at, 42);
        EXPECT_EQ(row->sequence, 3u);
        cache.put({"r", "npm:b"}, document("b", 43));
        EXPECT_EQ(cache.count(), 2u);
    }
    ASSERT_EQ(sqlite3_open((tmp / "meta.sqlite").c_str(), &db), SQLITE_OK);
    // A rowid table (WITHOUT ROWID has no rowid column), at the current schema version,
    // nothing left over.
    EXPECT_EQ(sqlite3_exec(db, "SELECT rowid FROM version_index", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE name = 'version_index_old'",
                       -1, &stmt, nullptr); // what the version 1 table was renamed to
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(stmt, 0), 0);
    sqlite3_finalize(stmt);
    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(stmt, 0), k_metadata_schema_version);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
}

// The column order of a version 2 database: the body last in one made now (reading the
// columns before it reads none of it), fourth in one made before, which is read as it is,
// left at version 2 and unmoved.
TEST(MetadataCache, ADatabaseKeepsTheBodyLastAndAnEarlierOneIsReadAsItIs) {
    auto columns_of = [](const fs::path& path) {
        sqlite3* db = nullptr;
        std::vector<std::string> columns;
        EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        sqlite3_stmt* stmt = nullptr;
        sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info('version_index') ORDER BY cid",
                           -1, &stmt, nullptr);
        while (sqlite3_step(stmt) == SQLITE_ROW)
            columns.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
        sqlite3_finalize(stmt);
        sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr);
        EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW);
        columns.push_back("version " + std::to_string(sqlite3_column_int(stmt, 0)));
        sqlite3_finalize(stmt);
        sqlite3_close(db);
        return columns;
    };
    TempDir tmp;
    { MetadataCache fresh(tmp / "new.sqlite"); }
    EXPECT_EQ(columns_of(tmp / "new.sqlite"),
              (std::vector<std::string>{"registry", "package", "encoding", "etag", "last_modified",
                                        "fetched_at", "sequence", "body", "version 2"}));

    write_earlier_database(tmp / "meta.sqlite", "", "'Mon'", "NULL", 2);
    {
        MetadataCache cache(tmp / "meta.sqlite");
        auto row = cache.get({"r", "npm:a"});
        ASSERT_TRUE(row);
        EXPECT_EQ(row->encoding, "x/1");
        EXPECT_EQ(row->body, std::string("\x00\xff", 2));
        EXPECT_EQ(row->validators, (Validators{"\"e\"", "Mon"}));
        EXPECT_EQ(row->fetched_at, 42);
        EXPECT_FALSE(row->sequence);
        cache.put({"r", "npm:b"}, document("b", 43));
        EXPECT_EQ(cache.get({"r", "npm:b"})->body, document("b", 43).body);
    }
    EXPECT_EQ(columns_of(tmp / "meta.sqlite"),
              (std::vector<std::string>{"registry", "package", "encoding", "body", "etag",
                                        "last_modified", "fetched_at", "sequence", "version 2"}));
}

TEST(MetadataCache, ADamagedFileIsCacheCorrupt) {
    TempDir tmp;
    write_file(tmp / "meta.sqlite", std::string(8192, 'z'));
    auto error = error_of([&] { MetadataCache cache(tmp / "meta.sqlite"); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), Code::cache_corrupt);
    EXPECT_EQ(error->causes().at(0), "file is not a database");
}

TEST(MetadataCache, ConcurrentProcessesAllLandTheirWrites) {
    TempDir tmp;
    { MetadataCache create(tmp / "meta.sqlite"); }
    constexpr int k_processes = 4;
    constexpr int k_rows = 150;
    std::vector<pid_t> children;
    for (int p = 0; p < k_processes; ++p) {
        pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            int status = 0;
            try {
                MetadataCache cache(tmp / "meta.sqlite");
                for (int i = 0; i < k_rows; ++i) {
                    IndexKey key{"r" + std::to_string(p), "pkg" + std::to_string(i)};
                    cache.put(key, document(std::to_string(i), i));
                    cache.touch(key, i + 1);
                    cache.get(key);
                }
            } catch (...) {
                status = 1;
            }
            _exit(status);
        }
        children.push_back(pid);
    }
    for (pid_t pid : children) {
        int status = 0;
        waitpid(pid, &status, 0);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    MetadataCache cache(tmp / "meta.sqlite");
    EXPECT_EQ(cache.count(), static_cast<std::size_t>(k_processes * k_rows));
    EXPECT_EQ(cache.get({"r3", "pkg149"})->fetched_at, 150);
}

} // namespace
} // namespace cairn::test
