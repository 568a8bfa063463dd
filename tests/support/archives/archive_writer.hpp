#pragma once

#include <cstdint>
#include <string>
#include <vector>

// Builds tar archives in memory with libarchive's writer, for tests and benchmarks that
// need exact (including hostile) archives: any path, link target, type or mode.
namespace cairn::test {

struct TarEntry {
    enum class Type { file, directory, symlink, hardlink, char_device, block_device, fifo };
    std::string path;
    Type type = Type::file;
    std::string data;        // file content
    std::string link;        // symlink or hardlink target
    unsigned mode = 0644;    // permission bits, setuid/setgid/sticky included
    std::uint64_t zeros = 0; // when set, the file content is this many zero bytes instead
};

enum class Compression { none, gzip, zstd };
enum class TarFormat { pax, ustar, gnu };

TarEntry file_entry(std::string path, std::string data, unsigned mode = 0644);
TarEntry dir_entry(std::string path, unsigned mode = 0755);
TarEntry symlink_entry(std::string path, std::string target);
TarEntry hardlink_entry(std::string path, std::string target);

std::string make_tar(const std::vector<TarEntry>& entries,
                     Compression compression = Compression::gzip,
                     TarFormat format = TarFormat::pax);

// An uncompressed tar of `count` sparse files (`name`0, `name`1, ...) in the PAX 1.0 sparse
// format, as GNU tar writes it: each `real_size` bytes long, `data` its only data region at
// `offset`, the rest holes that take no space in the archive. Written byte by byte:
// libarchive's writer pads sparse entries out to their full size instead.
std::string make_sparse_tar(const std::string& name, int count, std::uint64_t real_size,
                            std::uint64_t offset, const std::string& data);

} // namespace cairn::test
