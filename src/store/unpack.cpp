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
#include <limits>

namespace cairn::store {

namespace fs = std::filesystem;

namespace detail {

namespace {

constexpr std::string_view k_listing_key = "listing ";

// A marker's text split at its "listing N" line: the fields before it, and the N bytes
// after it (none when the marker has no such line; `damaged` when they are not N, or more
// than this cairn writes).
struct MarkerParts {
    std::string_view fields;
    std::string_view listing;
    bool damaged = false;
};

MarkerParts split_marker(std::string_view text) {
    std::size_t at = text.find("\nlisting ");
    if (at == std::string_view::npos)
        return {text, {}, false};
    MarkerParts parts{text.substr(0, ++at), {}, true}; // the fields end with their newline
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos)
        return parts;
    std::string_view count =
        text.substr(at + k_listing_key.size(), end - at - k_listing_key.size());
    std::uint64_t size = 0;
    for (char c : count) {
        if (c < '0' || c > '9' || size > k_max_listing_bytes)
            return parts;
        size = size * 10 + static_cast<std::uint64_t>(c - '0');
    }
    std::string_view rest = text.substr(end + 1);
    if (count.empty() || size == 0 || size > k_max_listing_bytes || rest.size() != size)
        return parts;
    return {parts.fields, rest, false};
}

} // namespace

std::string format_marker(const UnpackMarker& marker) {
    std::string text =
        fmt::format("{}blob {}\nmanifest {}\nfiles {}\nbytes {}\n", k_marker_header,
                    marker.blob.sri(), marker.manifest.sri(), marker.files, marker.bytes);
    if (!marker.listing.empty() && marker.listing.size() <= k_max_listing_bytes) {
        text += fmt::format("{}{}\n", k_listing_key, marker.listing.size());
        text += marker.listing;
    }
    return text;
}

std::optional<std::string> current_marker_listing(int dir, const char* name) {
    int fd = ::openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return std::nullopt;
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    // Most markers, their listing included, are read whole by the first read, on the
    // stack: an install asks this of every tree it links, on its main thread.
    char first[4096];
    ssize_t n;
    while ((n = ::pread(fd, first, sizeof first, 0)) < 0 && errno == EINTR) {
    }
    if (n < 0)
        return std::nullopt;
    std::string text(first, static_cast<std::size_t>(n));
    std::size_t got = text.size();
    while (got == text.size()) { // full: there may be more
        if (text.size() >= k_max_marker_bytes)
            return std::nullopt; // no marker is that long: damaged
        text.resize(text.size() * 4);
        do {
            n = ::pread(fd, text.data() + got, text.size() - got, static_cast<off_t>(got));
        } while (n < 0 && errno == EINTR);
        if (n < 0)
            return std::nullopt;
        got += static_cast<std::size_t>(n);
        if (n == 0)
            break;
    }
    text.resize(got);
    if (!is_current_marker(text))
        return std::nullopt;
    return std::string(split_marker(text).listing);
}

bool marker_is_current(const fs::path& path, int dir) {
    int fd = ::openat(dir < 0 ? AT_FDCWD : dir, path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return false;
    static_assert(k_marker_header.size() == k_marker_header_v2.size());
    char header[k_marker_header.size()];
    ssize_t got = ::pread(fd, header, sizeof header, 0);
    ::close(fd);
    return got == static_cast<ssize_t>(sizeof header) &&
           is_current_marker(std::string_view(header, sizeof header));
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
        read_chunks(fd, path, 1 << 16, [&](std::string_view bytes) {
            text.append(bytes);
            return text.size() <= k_max_marker_bytes; // no marker is that long: damaged
        });
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    std::optional<Digest> blob, manifest;
    std::uint64_t files = 0, bytes = 0;
    auto parts = split_marker(text);
    for (auto line : text::split(parts.fields, '\n')) {
        auto space = line.find(' ');
        std::string_view key = line.substr(0, space);
        std::string_view value = space == std::string_view::npos ? "" : line.substr(space + 1);
        try {
            if (key == "blob")
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
    if (!is_current_marker(text) || !blob || !manifest)
        return std::nullopt;
    return UnpackMarker{*blob, *manifest, files, bytes, std::string(parts.listing), parts.damaged};
}

} // namespace detail

std::optional<UnpackedTree> Store::find_unpacked(const Digest& digest,
                                                 StripComponents strip) const {
    auto marker = detail::read_marker(marker_path(digest, strip));
    fs::path path = unpacked_path(digest, strip);
    std::error_code ec;
    // A damaged listing: the tree is unpacked again, and its marker written anew.
    if (!marker || marker->blob != digest || marker->listing_damaged ||
        !fs::is_directory(fs::symlink_status(path, ec)))
        return std::nullopt;
    std::shared_ptr<const std::string> listing;
    if (!marker->listing.empty())
        listing = std::make_shared<const std::string>(std::move(marker->listing));
    return UnpackedTree{path, marker->manifest,  marker->files, marker->bytes,
                        true, std::move(listing)};
}

std::optional<CompleteTree> Store::complete_tree(const Digest& digest,
                                                 StripComponents strip) const {
    // The marker is written atomically and last (unpack()): there, and of this format, it
    // vouches for the tree. Its first line is checked (what find_unpacked() and unpack()
    // would reject is not linked from), and its listing taken; the rest is not parsed.
    int dir = unpacked_fd();
    if (dir < 0)
        return std::nullopt;
    std::string name = unpacked_name(digest, strip);
    auto listing = detail::current_marker_listing(dir, (name + ".complete").c_str());
    if (!listing)
        return std::nullopt;
    struct stat st {};
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
        return std::nullopt;
    CompleteTree tree{unpacked_dir() / name, nullptr};
    if (!listing->empty())
        tree.listing = std::make_shared<const std::string>(std::move(*listing));
    return tree;
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
    extract.umask = process_umask();
    if (!options.parallel_writes)
        extract.parallel_writes_from = std::numeric_limits<std::uint64_t>::max();
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
    detail::UnpackMarker marker{digest, result.manifest, result.files, result.bytes,
                                std::move(result.listing)};
    // Not fsynced: the tree's files are not either (fsync per file would dominate unpack
    // time). A process crash cannot tear the rename; after a power loss `cairn cache
    // verify` finds a damaged tree through its manifest, and it is re-extracted from its blob.
    detail::write_file_atomically(marker_path(digest, options.strip), detail::format_marker(marker),
                                  session_dir(), detail::Durability::process_crash);
    auto listing = std::make_shared<const std::string>(std::move(marker.listing));
    return UnpackedTree{target,       result.manifest, result.files,
                        result.bytes, false,           std::move(listing)};
}

} // namespace cairn::store
