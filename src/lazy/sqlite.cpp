// SQLite's functions as the store's metadata cache uses them, each loading libsqlite3 on
// first use (include/cairn/core/lazy_library.hpp). A call to a function missing here fails
// to link: add it below with the prototype from <sqlite3.h>, which the compiler checks.
#include "cairn/lazy/shared_library.hpp"

#include <sqlite3.h>

namespace {

const cairn::lazy::SharedLibrary& k_sqlite = cairn::lazy::libsqlite;

} // namespace

extern "C" {

int sqlite3_open_v2(const char* filename, sqlite3** db, int flags, const char* vfs) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_open_v2);
    return real(filename, db, flags, vfs);
}

int sqlite3_open(const char* filename, sqlite3** db) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_open);
    return real(filename, db);
}

int sqlite3_close(sqlite3* db) {
    if (!db)
        return SQLITE_OK; // as SQLite answers, without loading it
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_close);
    return real(db);
}

int sqlite3_busy_timeout(sqlite3* db, int ms) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_busy_timeout);
    return real(db, ms);
}

int sqlite3_exec(sqlite3* db, const char* sql, int (*callback)(void*, int, char**, char**),
                 void* argument, char** message) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_exec);
    return real(db, sql, callback, argument, message);
}

int sqlite3_prepare_v2(sqlite3* db, const char* sql, int bytes, sqlite3_stmt** statement,
                       const char** tail) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_prepare_v2);
    return real(db, sql, bytes, statement, tail);
}

int sqlite3_prepare_v3(sqlite3* db, const char* sql, int bytes, unsigned int flags,
                       sqlite3_stmt** statement, const char** tail) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_prepare_v3);
    return real(db, sql, bytes, flags, statement, tail);
}

int sqlite3_step(sqlite3_stmt* statement) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_step);
    return real(statement);
}

int sqlite3_reset(sqlite3_stmt* statement) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_reset);
    return real(statement);
}

int sqlite3_clear_bindings(sqlite3_stmt* statement) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_clear_bindings);
    return real(statement);
}

int sqlite3_finalize(sqlite3_stmt* statement) {
    if (!statement)
        return SQLITE_OK;
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_finalize);
    return real(statement);
}

int sqlite3_bind_blob(sqlite3_stmt* statement, int index, const void* value, int bytes,
                      void (*destructor)(void*)) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_bind_blob);
    return real(statement, index, value, bytes, destructor);
}

int sqlite3_bind_text(sqlite3_stmt* statement, int index, const char* value, int bytes,
                      void (*destructor)(void*)) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_bind_text);
    return real(statement, index, value, bytes, destructor);
}

int sqlite3_bind_int64(sqlite3_stmt* statement, int index, sqlite3_int64 value) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_bind_int64);
    return real(statement, index, value);
}

int sqlite3_bind_null(sqlite3_stmt* statement, int index) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_bind_null);
    return real(statement, index);
}

const void* sqlite3_column_blob(sqlite3_stmt* statement, int column) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_column_blob);
    return real(statement, column);
}

int sqlite3_column_bytes(sqlite3_stmt* statement, int column) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_column_bytes);
    return real(statement, column);
}

int sqlite3_column_int(sqlite3_stmt* statement, int column) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_column_int);
    return real(statement, column);
}

sqlite3_int64 sqlite3_column_int64(sqlite3_stmt* statement, int column) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_column_int64);
    return real(statement, column);
}

const unsigned char* sqlite3_column_text(sqlite3_stmt* statement, int column) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_column_text);
    return real(statement, column);
}

int sqlite3_column_type(sqlite3_stmt* statement, int column) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_column_type);
    return real(statement, column);
}

int sqlite3_changes(sqlite3* db) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_changes);
    return real(db);
}

int sqlite3_errcode(sqlite3* db) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_errcode);
    return real(db);
}

const char* sqlite3_errmsg(sqlite3* db) {
    CAIRN_LAZY_REAL(k_sqlite, sqlite3_errmsg);
    return real(db);
}

} // extern "C"
