#include "archives/archive_writer.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cstdio>
#include <stdexcept>

namespace cairn::test {
namespace {

la_ssize_t append(struct archive*, void* data, const void* buffer, size_t length) {
    static_cast<std::string*>(data)->append(static_cast<const char*>(buffer), length);
    return static_cast<la_ssize_t>(length);
}

void check(struct archive* a, int rc, const char* what) {
    if (rc < ARCHIVE_WARN)
        throw std::runtime_error(std::string(what) + ": " +
                                 (archive_error_string(a) ? archive_error_string(a) : "?"));
}

} // namespace

TarEntry file_entry(std::string path, std::string data, unsigned mode) {
    TarEntry e;
    e.path = std::move(path);
    e.data = std::move(data);
    e.mode = mode;
    return e;
}

TarEntry dir_entry(std::string path, unsigned mode) {
    TarEntry e;
    e.path = std::move(path);
    e.type = TarEntry::Type::directory;
    e.mode = mode;
    return e;
}

TarEntry symlink_entry(std::string path, std::string target) {
    TarEntry e;
    e.path = std::move(path);
    e.type = TarEntry::Type::symlink;
    e.link = std::move(target);
    e.mode = 0777;
    return e;
}

TarEntry hardlink_entry(std::string path, std::string target) {
    TarEntry e;
    e.path = std::move(path);
    e.type = TarEntry::Type::hardlink;
    e.link = std::move(target);
    return e;
}

std::string make_tar(const std::vector<TarEntry>& entries, Compression compression,
                     TarFormat format) {
    std::string out;
    struct archive* a = archive_write_new();
    switch (format) {
    case TarFormat::pax:
        archive_write_set_format_pax_restricted(a);
        break;
    case TarFormat::ustar:
        archive_write_set_format_ustar(a);
        break;
    case TarFormat::gnu:
        archive_write_set_format_gnutar(a);
        break;
    }
    if (compression == Compression::gzip)
        archive_write_add_filter_gzip(a);
    else if (compression == Compression::zstd)
        archive_write_add_filter_zstd(a);
    archive_write_set_bytes_in_last_block(a, 1);
    check(a, archive_write_open(a, &out, nullptr, append, nullptr), "open");
    for (const auto& e : entries) {
        struct archive_entry* entry = archive_entry_new();
        archive_entry_set_pathname(entry, e.path.c_str());
        archive_entry_set_mtime(entry, 499162500, 0);
        archive_entry_set_uid(entry, 0);
        archive_entry_set_gid(entry, 0);
        std::uint64_t size = 0;
        switch (e.type) {
        case TarEntry::Type::file:
            archive_entry_set_filetype(entry, AE_IFREG);
            size = e.zeros ? e.zeros : e.data.size();
            break;
        case TarEntry::Type::directory:
            archive_entry_set_filetype(entry, AE_IFDIR);
            break;
        case TarEntry::Type::symlink:
            archive_entry_set_filetype(entry, AE_IFLNK);
            archive_entry_set_symlink(entry, e.link.c_str());
            break;
        case TarEntry::Type::hardlink:
            archive_entry_set_filetype(entry, AE_IFREG);
            archive_entry_set_hardlink(entry, e.link.c_str());
            break;
        case TarEntry::Type::char_device:
            archive_entry_set_filetype(entry, AE_IFCHR);
            archive_entry_set_rdev(entry, makedev(1, 3));
            break;
        case TarEntry::Type::block_device:
            archive_entry_set_filetype(entry, AE_IFBLK);
            archive_entry_set_rdev(entry, makedev(8, 0));
            break;
        case TarEntry::Type::fifo:
            archive_entry_set_filetype(entry, AE_IFIFO);
            break;
        }
        archive_entry_set_perm(entry, e.mode);
        archive_entry_set_size(entry, static_cast<la_int64_t>(size));
        check(a, archive_write_header(a, entry), "header");
        if (e.type == TarEntry::Type::file) {
            if (e.zeros) {
                std::string block(1 << 20, '\0');
                for (std::uint64_t left = e.zeros; left > 0;) {
                    std::size_t n =
                        static_cast<std::size_t>(std::min<std::uint64_t>(left, block.size()));
                    archive_write_data(a, block.data(), n);
                    left -= n;
                }
            } else if (!e.data.empty()) {
                archive_write_data(a, e.data.data(), e.data.size());
            }
        }
        archive_entry_free(entry);
    }
    check(a, archive_write_close(a), "close");
    archive_write_free(a);
    return out;
}

namespace {

// One 512-byte ustar header with its checksum.
std::string ustar_header(const std::string& name, char type, std::uint64_t size) {
    std::string h(512, '\0');
    auto put = [&](std::size_t at, std::size_t width, const std::string& text) {
        h.replace(at, std::min(width, text.size()), text.substr(0, width));
    };
    auto octal = [](std::uint64_t value, std::size_t width) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%0*llo", static_cast<int>(width - 1),
                      static_cast<unsigned long long>(value));
        return std::string(buffer);
    };
    put(0, 100, name);
    put(100, 8, octal(0644, 8));
    put(108, 8, octal(0, 8));
    put(116, 8, octal(0, 8));
    put(124, 12, octal(size, 12));
    put(136, 12, octal(499162500, 12));
    h[156] = type;
    put(257, 6, std::string("ustar\0", 6));
    put(263, 2, "00");
    put(148, 8, std::string(8, ' '));
    unsigned sum = 0;
    for (unsigned char c : h)
        sum += c;
    put(148, 8, octal(sum, 7) + std::string(1, '\0'));
    return h;
}

std::string pad512(std::string block) {
    block.append((512 - block.size() % 512) % 512, '\0');
    return block;
}

// "<length> key=value\n", the length counting itself.
std::string pax_record(const std::string& key, const std::string& value) {
    std::string body = " " + key + "=" + value + "\n";
    std::size_t length = body.size() + 1;
    while (std::to_string(length).size() + body.size() != length)
        ++length;
    return std::to_string(length) + body;
}

} // namespace

std::string make_sparse_tar(const std::string& name, int count, std::uint64_t real_size,
                            std::uint64_t offset, const std::string& data) {
    std::string out;
    for (int i = 0; i < count; ++i) {
        std::string file = name + std::to_string(i);
        std::string records = pax_record("GNU.sparse.major", "1") +
                              pax_record("GNU.sparse.minor", "0") +
                              pax_record("GNU.sparse.name", file) +
                              pax_record("GNU.sparse.realsize", std::to_string(real_size));
        std::string map =
            pad512("1\n" + std::to_string(offset) + "\n" + std::to_string(data.size()) + "\n");
        out += ustar_header("PaxHeaders/" + file, 'x', records.size());
        out += pad512(records);
        out += ustar_header("GNUSparseFile.0/" + file, '0', map.size() + data.size());
        out += map + pad512(data);
    }
    out += std::string(1024, '\0');
    return out;
}

} // namespace cairn::test
