// Unpacked trees: extracted into the session folder, renamed into unpacked/, then marked
// complete. One process extracts a given tree at a time (its entry lock); the others wait
// and reuse it.
#include "fs_ops.hpp"
#include "unpack_marker.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/text.hpp"
#include "cairn/store/store.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace cairn::store {

namespace fs = std::filesystem;

namespace detail {

std::string format_marker(const UnpackMarker& marker) {
    return fmt::format("{}blob {}\nmanifest {}\nfiles {}\nbytes {}\n", k_marker_header,
                       marker.blob.sri(), marker.manifest.sri(), marker.files, marker.bytes);
}

bool marker_is_current(const fs::path& path, int dir) {
    int fd = ::openat(dir < 0 ? AT_FDCWD : dir, path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return false;
    char header[k_marker_header.size()];
    ssize_t got = ::pread(fd, header, sizeof header, 0);
    ::close(fd);
    return got == static_cast<ssize_t>(sizeof header) &&
           std::string_view(header, sizeof header) == k_marker_header;
}

std::optional<UnpackMarker> read_marker(const fs::path& path) {
    // One open and a read or two (a marker is under 300 bytes): an install looks up every
    // tree it links this way.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return std::nullopt;
        throw io_error("read", path, errno);
    }
    std::string text;
    try {
        read_chunks(fd, path, 1024, [&](std::string_view bytes) {
            text.append(bytes);
            return text.size() <= (1 << 16); // no marker is that long: damaged
        });
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    std::optional<Digest> blob, manifest;
    std::uint64_t files = 0, bytes = 0;
    bool header = false;
    for (auto line : text::split(text, '\n')) {
        auto space = line.find(' ');
        std::string_view key = line.substr(0, space);
        std::string_view value = space == std::string_view::npos ? "" : line.substr(space + 1);
        try {
            if (key == "cairn-unpacked")
                header = std::string(key) + " " + std::string(value) + "\n" == k_marker_header;
            else if (key == "blob")
                blob = Digest::parse(value);
            else if (key == "manifest")
                manifest = Digest::parse(value);
            else if (key == "files")
                files = std::stoull(std::string(value));
            else if (key == "bytes")
                bytes = std::stoull(std::string(value));
        } catch (const std::exception&) {
            return std::nullopt;
        }
    }
    if (!header || !blob || !manifest)
        return std::nullopt;
    return UnpackMarker{*blob, *manifest, files, bytes};
}

} // namespace detail

std::optional<UnpackedTree> Store::find_unpacked(const Digest& digest,
                                                 StripComponents strip) const {
    auto marker = detail::read_marker(marker_path(digest, strip));
    fs::path path = unpacked_path(digest, strip);
    std::error_code ec;
    if (!marker || marker->blob != digest || !fs::is_directory(fs::symlink_status(path, ec)))
        return std::nullopt;
    return UnpackedTree{path, marker->manifest, marker->files, marker->bytes, true};
}

std::optional<fs::path> Store::complete_tree(const Digest& digest, StripComponents strip) const {
    // The marker is written atomically and last (unpack()): there, and of this format, it
    // vouches for the tree. Its first line is checked (what find_unpacked() and unpack()
    // would reject is not linked from), the rest is not parsed.
    int dir = unpacked_fd();
    if (dir < 0)
        return std::nullopt;
    std::string name = unpacked_name(digest, strip);
    if (!detail::marker_is_current(name + ".complete", dir))
        return std::nullopt;
    struct stat st {};
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
        return std::nullopt;
    return unpacked_dir() / name;
}

UnpackedTree Store::unpack(const Digest& digest, const UnpackOptions& options) const {
    if (auto found = find_unpacked(digest, options.strip))
        return *found;
    std::string name = unpacked_name(digest, options.strip);
    FileLock lock = lock_entry("unpack-" + name);
    if (auto found = find_unpacked(digest, options.strip))
        return *found; // another process finished it while this one waited
    auto blob = find_blob(digest);
    if (!blob) {
        Error error(Code::io, fmt::format("the store has no blob {}", digest.sri()));
        error.hint("fetch the artifact first (`cairn cache add URL#INTEGRITY`)");
        throw error;
    }
    fs::path staging = session_dir() / unique_name("unpack-");
    ExtractOptions extract;
    extract.limits = options.limits;
    extract.strip = options.strip;
    if (!written_here_unchanged(*blob)) // else hashed on its way in, moments ago
        extract.expected = digest;
    ExtractResult result = [&] {
        try {
            return extract_archive(*blob, staging, extract);
        } catch (Error& error) {
            if (error.code() == Code::cache_corrupt) {
                try {
                    quarantine(*blob, "blob-" + digest.hex());
                } catch (const Error&) {
                }
                error.hint("the blob was quarantined; fetch it again");
            }
            error.while_(fmt::format("unpacking {}", digest.sri()));
            throw;
        }
    }();
    fs::path target = unpacked_path(digest, options.strip);
    std::error_code ec;
    if (fs::exists(fs::symlink_status(target, ec))) {
        // Left by a process killed before it wrote the marker: never trusted, replaced.
        fs::path trash = session_dir() / unique_name("trash-");
        if (::rename(target.c_str(), trash.c_str()) != 0)
            throw detail::io_error("replace", target, errno);
        detail::remove_tree(trash);
    }
    if (::rename(staging.c_str(), target.c_str()) != 0) {
        int err = errno;
        detail::remove_tree(staging);
        throw detail::io_error("move into place", target, err);
    }
    detail::UnpackMarker marker{digest, result.manifest, result.files, result.bytes};
    // Not fsynced: the tree's files are not either (fsync per file would dominate unpack
    // time). A process crash cannot tear the rename; after a power loss `cairn cache
    // verify` finds a damaged tree through its manifest, and it is re-extracted from its blob.
    detail::write_file_atomically(marker_path(digest, options.strip), detail::format_marker(marker),
                                  session_dir(), detail::Durability::process_crash);
    return UnpackedTree{target, result.manifest, result.files, result.bytes, false};
}

} // namespace cairn::store
