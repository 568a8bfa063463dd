// libarchive's functions as cairn uses them, each loading libarchive on first use (see
// include/cairn/lazy/shared_library.hpp). A call to a function missing here fails to
// link: add it below with the prototype from <archive.h> or <archive_entry.h>, which the
// compiler checks.
#include "cairn/lazy/shared_library.hpp"

#include <archive.h>
#include <archive_entry.h>

namespace {

const cairn::lazy::SharedLibrary& k_archive = cairn::lazy::libarchive;

} // namespace

extern "C" {

// Reading.

struct archive* archive_read_new(void) {
    CAIRN_LAZY_REAL(k_archive, archive_read_new);
    return real();
}

int archive_read_free(struct archive* a) {
    if (!a)
        return ARCHIVE_OK; // freeing nothing loads nothing (and cannot throw from a destructor)
    CAIRN_LAZY_REAL(k_archive, archive_read_free);
    return real(a);
}

int archive_read_support_format_tar(struct archive* a) {
    CAIRN_LAZY_REAL(k_archive, archive_read_support_format_tar);
    return real(a);
}

int archive_read_support_filter_xz(struct archive* a) {
    CAIRN_LAZY_REAL(k_archive, archive_read_support_filter_xz);
    return real(a);
}

int archive_read_support_filter_zstd(struct archive* a) {
    CAIRN_LAZY_REAL(k_archive, archive_read_support_filter_zstd);
    return real(a);
}

int archive_read_open(struct archive* a, void* client_data, archive_open_callback* open,
                      archive_read_callback* read, archive_close_callback* close) {
    CAIRN_LAZY_REAL(k_archive, archive_read_open);
    return real(a, client_data, open, read, close);
}

int archive_read_next_header(struct archive* a, struct archive_entry** entry) {
    CAIRN_LAZY_REAL(k_archive, archive_read_next_header);
    return real(a, entry);
}

int archive_read_data_block(struct archive* a, const void** buffer, size_t* size,
                            la_int64_t* offset) {
    CAIRN_LAZY_REAL(k_archive, archive_read_data_block);
    return real(a, buffer, size, offset);
}

const char* archive_error_string(struct archive* a) {
    CAIRN_LAZY_REAL(k_archive, archive_error_string);
    return real(a);
}

// Writing.

struct archive* archive_write_new(void) {
    CAIRN_LAZY_REAL(k_archive, archive_write_new);
    return real();
}

int archive_write_free(struct archive* a) {
    if (!a)
        return ARCHIVE_OK;
    CAIRN_LAZY_REAL(k_archive, archive_write_free);
    return real(a);
}

int archive_write_set_format_pax_restricted(struct archive* a) {
    CAIRN_LAZY_REAL(k_archive, archive_write_set_format_pax_restricted);
    return real(a);
}

int archive_write_add_filter_zstd(struct archive* a) {
    CAIRN_LAZY_REAL(k_archive, archive_write_add_filter_zstd);
    return real(a);
}

int archive_write_set_filter_option(struct archive* a, const char* module, const char* option,
                                    const char* value) {
    CAIRN_LAZY_REAL(k_archive, archive_write_set_filter_option);
    return real(a, module, option, value);
}

int archive_write_open_filename(struct archive* a, const char* file) {
    CAIRN_LAZY_REAL(k_archive, archive_write_open_filename);
    return real(a, file);
}

int archive_write_header(struct archive* a, struct archive_entry* entry) {
    CAIRN_LAZY_REAL(k_archive, archive_write_header);
    return real(a, entry);
}

la_ssize_t archive_write_data(struct archive* a, const void* data, size_t size) {
    CAIRN_LAZY_REAL(k_archive, archive_write_data);
    return real(a, data, size);
}

int archive_write_close(struct archive* a) {
    CAIRN_LAZY_REAL(k_archive, archive_write_close);
    return real(a);
}

// Entries.

struct archive_entry* archive_entry_new(void) {
    CAIRN_LAZY_REAL(k_archive, archive_entry_new);
    return real();
}

void archive_entry_free(struct archive_entry* entry) {
    if (!entry)
        return;
    CAIRN_LAZY_REAL(k_archive, archive_entry_free);
    real(entry);
}

const char* archive_entry_pathname(struct archive_entry* entry) {
    CAIRN_LAZY_REAL(k_archive, archive_entry_pathname);
    return real(entry);
}

const char* archive_entry_symlink(struct archive_entry* entry) {
    CAIRN_LAZY_REAL(k_archive, archive_entry_symlink);
    return real(entry);
}

const char* archive_entry_hardlink(struct archive_entry* entry) {
    CAIRN_LAZY_REAL(k_archive, archive_entry_hardlink);
    return real(entry);
}

__LA_MODE_T archive_entry_filetype(struct archive_entry* entry) {
    CAIRN_LAZY_REAL(k_archive, archive_entry_filetype);
    return real(entry);
}

__LA_MODE_T archive_entry_perm(struct archive_entry* entry) {
    CAIRN_LAZY_REAL(k_archive, archive_entry_perm);
    return real(entry);
}

la_int64_t archive_entry_size(struct archive_entry* entry) {
    CAIRN_LAZY_REAL(k_archive, archive_entry_size);
    return real(entry);
}

int archive_entry_size_is_set(struct archive_entry* entry) {
    CAIRN_LAZY_REAL(k_archive, archive_entry_size_is_set);
    return real(entry);
}

void archive_entry_set_pathname_utf8(struct archive_entry* entry, const char* path) {
    CAIRN_LAZY_REAL(k_archive, archive_entry_set_pathname_utf8);
    real(entry, path);
}

void archive_entry_set_symlink_utf8(struct archive_entry* entry, const char* target) {
    CAIRN_LAZY_REAL(k_archive, archive_entry_set_symlink_utf8);
    real(entry, target);
}

void archive_entry_set_filetype(struct archive_entry* entry, unsigned int type) {
    CAIRN_LAZY_REAL(k_archive, archive_entry_set_filetype);
    real(entry, type);
}

void archive_entry_set_perm(struct archive_entry* entry, __LA_MODE_T perm) {
    CAIRN_LAZY_REAL(k_archive, archive_entry_set_perm);
    real(entry, perm);
}

void archive_entry_set_size(struct archive_entry* entry, la_int64_t size) {
    CAIRN_LAZY_REAL(k_archive, archive_entry_set_size);
    real(entry, size);
}

void archive_entry_set_mtime(struct archive_entry* entry, time_t seconds, long nanoseconds) {
    CAIRN_LAZY_REAL(k_archive, archive_entry_set_mtime);
    real(entry, seconds, nanoseconds);
}

void archive_entry_set_uid(struct archive_entry* entry, la_int64_t uid) {
    CAIRN_LAZY_REAL(k_archive, archive_entry_set_uid);
    real(entry, uid);
}

void archive_entry_set_gid(struct archive_entry* entry, la_int64_t gid) {
    CAIRN_LAZY_REAL(k_archive, archive_entry_set_gid);
    real(entry, gid);
}

} // extern "C"
