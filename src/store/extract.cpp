// Safe extraction (see extract.hpp for the rules). libarchive only reads and decompresses;
// every path, link and mode decision is made here, and files are created with O_EXCL and
// O_NOFOLLOW in a tree where no symbolic link exists until the last entry has been read.
#include "cairn/store/extract.hpp"

#include "content_hash.hpp"
#include "file_writers.hpp"
#include "fs_ops.hpp"
#include "gzip_inflater.hpp"
#include "tree_manifest.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/prefault.hpp"
#include "cairn/core/text.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace cairn::store {
namespace {

using detail::EntryKind;
using detail::ManifestEntry;
namespace fs = std::filesystem;

constexpr int k_max_link_hops = 40;

// Reads the archive file for libarchive, hashing and counting the file's bytes; a gzip
// archive is inflated here (gzip_inflater.hpp) and libarchive reads the tar inside.
struct Source {
    int fd = -1;
    std::vector<std::uint8_t> buffer;
    std::optional<Hasher> hasher;
    std::uint64_t consumed = 0; // bytes of the file read
    int error = 0;              // errno of a failed read
    std::unique_ptr<detail::GzipInflater> gzip;
    // What the read callback caught: nothing may be thrown through libarchive's C frames
    // (a library ISA-L function loaded on its first call can throw).
    std::exception_ptr thrown;
};

// The file's next bytes, hashed and counted: how many, 0 at its end, -1 when the read
// failed (Source::error).
std::ptrdiff_t read_file(Source& source, std::uint8_t* into, std::size_t size) {
    for (;;) {
        ssize_t n = ::read(source.fd, into, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            source.error = errno;
            return -1;
        }
        source.consumed += static_cast<std::uint64_t>(n);
        if (source.hasher)
            source.hasher->update(std::span<const std::uint8_t>(into, static_cast<std::size_t>(n)));
        return n;
    }
}

la_ssize_t read_source(struct archive*, void* data, const void** out) {
    auto* source = static_cast<Source*>(data);
    if (source->gzip) {
        try {
            auto inflated = source->gzip->next();
            if (!inflated)
                return -1;
            *out = inflated->data();
            return static_cast<la_ssize_t>(inflated->size());
        } catch (...) {
            source->thrown = std::current_exception();
            return -1;
        }
    }
    if (source->buffer.empty())
        source->buffer.resize(1 << 18);
    *out = source->buffer.data();
    return read_file(*source, source->buffer.data(), source->buffer.size());
}

// Why libarchive failed: the inflater's finding or the failed read first, as libarchive
// only knows that its read callback failed. What the callback caught is thrown again.
std::string read_failure(struct archive* a, const Source& source,
                         const char* otherwise = "unknown libarchive error") {
    if (source.thrown)
        std::rethrow_exception(source.thrown);
    if (source.gzip && !source.gzip->failure().empty())
        return source.gzip->failure();
    if (source.error)
        return fmt::format("reading the archive failed: {}", std::strerror(source.error));
    const char* said = archive_error_string(a);
    return said ? said : otherwise;
}

struct ArchiveDeleter {
    void operator()(struct archive* a) const { archive_read_free(a); }
};

Error entry_error(Code code, std::string_view entry, std::string_view what,
                  std::string cause = {}) {
    Error error(code, fmt::format("archive entry {} {}", text::quote(entry), what));
    if (!cause.empty())
        error.caused_by(std::move(cause));
    return error;
}

std::string join(const std::vector<std::string>& parts, std::size_t count) {
    std::string out;
    for (std::size_t i = 0; i < count && i < parts.size(); ++i) {
        if (i)
            out += '/';
        out += parts[i];
    }
    return out;
}

std::string join(const std::vector<std::string>& parts) {
    return join(parts, parts.size());
}

bool has_drive_letter(std::string_view text) {
    return text.size() >= 2 && text[1] == ':' &&
           ((text[0] >= 'a' && text[0] <= 'z') || (text[0] >= 'A' && text[0] <= 'Z'));
}

// The reason `text` (an entry path or a link target) cannot be used as a relative path
// on any platform, or empty when it can.
std::string foreign_path_reason(std::string_view text) {
    if (!text.empty() && text[0] == '/')
        return "the path is absolute";
    if (text.find('\\') != std::string_view::npos)
        return "the path has a backslash (a Windows separator)";
    if (has_drive_letter(text))
        return "the path starts with a drive letter";
    return {};
}

std::vector<std::string> split_components(std::string_view text) {
    std::vector<std::string> out;
    for (auto part : text::split(text, '/'))
        if (!part.empty() && part != ".")
            out.emplace_back(part);
    return out;
}

struct Node {
    ManifestEntry entry;
};

class Extractor {
public:
    Extractor(fs::path destination, const ExtractOptions& options)
        : m_root(std::move(destination)), m_options(options),
          m_umask(options.umask ? options.umask : detail::process_umask()) {}

    ExtractResult run(const fs::path& archive_path);

private:
    void read_archive(Source& source); // the entries, into the tree
    // With ExtractOptions::expected, reads the rest of the file and throws
    // Error(Code::cache_corrupt) when the bytes do not hash to it.
    void check_digest(Source& source) const;
    void process(struct archive* a, struct archive_entry* e, const Source& source);
    std::vector<std::string> entry_path(std::string_view raw) const;
    void make_parents(std::string_view raw, const std::vector<std::string>& parts);
    void write_file(struct archive* a, struct archive_entry* e, std::string_view raw,
                    const std::string& rel, unsigned mode, const Source& source);
    void add_hardlink(std::string_view raw, const std::string& rel, std::string_view target);
    void add_symlink(std::string_view raw, const std::vector<std::string>& parts,
                     std::string_view target);
    void check_link_target(std::string_view raw, const std::vector<std::string>& parts,
                           std::string_view target) const;
    void finish_links();
    void check_limits(std::string_view raw, std::uint64_t extra, const Source& source);
    // Reads the entry's data, hashing it and counting it against the limits (sparse holes
    // as the zeros they are), handing each piece to `put(offset, bytes, length)`; then the
    // hole that ends a sparse file, if any, is counted the same. Returns the file's size
    // and content digest, and the length of that final hole.
    struct ReadData {
        std::uint64_t size = 0;
        std::uint64_t final_hole = 0;
        std::string content; // ContentHasher's hex
    };
    template <typename Put>
    ReadData read_data(struct archive* a, struct archive_entry* e, std::string_view raw,
                       const Source& source, Put&& put);
    void wait_for_writers() {
        if (m_writers)
            m_writers->drain();
    }

    fs::path m_root;
    // The tree's folder, open: what is made in it is named from there, so that the kernel
    // walks only the entry's own components, not the store's path every time (a large
    // project's cold install spent 2% of its CPU walking those).
    struct RootFd {
        int fd = -1;
        ~RootFd() {
            if (fd >= 0)
                ::close(fd);
        }
    } m_root_fd;
    const ExtractOptions& m_options;
    // Files whose mode the umask leaves whole are created with it; the others are created
    // private and given their mode once written (as all are when the umask is unknown).
    std::optional<unsigned> m_umask;
    detail::Manifest m_nodes;
    std::vector<std::string> m_links;                // symbolic links, created at the end
    std::map<std::string, std::string> m_link_names; // rel -> entry name as archived
    std::uint64_t m_entries = 0;
    std::uint64_t m_bytes = 0;
    std::unique_ptr<detail::FileWriters> m_writers; // a large archive's small files
    std::string m_checked_parent; // the folder whose parents the last entry had checked
};

std::vector<std::string> Extractor::entry_path(std::string_view raw) const {
    if (raw.empty())
        throw entry_error(Code::archive_invalid, raw, "has an empty name");
    if (raw.size() > m_options.limits.max_path_bytes)
        throw entry_error(
            Code::archive_limit, raw,
            fmt::format("has a path longer than {} bytes", m_options.limits.max_path_bytes));
    if (auto reason = foreign_path_reason(raw); !reason.empty())
        throw entry_error(Code::archive_escape, raw, "escapes the target folder", reason);
    std::vector<std::string> parts = split_components(raw);
    for (const auto& part : parts)
        if (part == "..")
            throw entry_error(Code::archive_escape, raw, "escapes the target folder",
                              "the path has a \"..\" component");
    if (parts.size() > m_options.limits.max_depth)
        throw entry_error(Code::archive_limit, raw,
                          fmt::format("is deeper than {} folders", m_options.limits.max_depth));
    if (m_options.strip == StripComponents::first && !parts.empty())
        parts.erase(parts.begin());
    return parts;
}

void Extractor::make_parents(std::string_view raw, const std::vector<std::string>& parts) {
    for (std::size_t i = 1; i < parts.size(); ++i) {
        std::string prefix = join(parts, i);
        auto it = m_nodes.find(prefix);
        if (it == m_nodes.end()) {
            if (::mkdirat(m_root_fd.fd, prefix.c_str(), 0700) != 0)
                throw detail::io_error("create the folder", m_root / prefix, errno);
            ManifestEntry dir;
            dir.kind = EntryKind::directory;
            dir.mode = 0755;
            m_nodes.emplace(prefix, dir);
        } else if (it->second.kind == EntryKind::symlink) {
            throw entry_error(Code::archive_escape, raw, "escapes the target folder",
                              fmt::format("{} is a symbolic link, and nothing is written "
                                          "through one",
                                          text::quote(prefix)));
        } else if (it->second.kind == EntryKind::file) {
            throw entry_error(Code::archive_invalid, raw, "is ambiguous",
                              fmt::format("{} is a file, not a folder", text::quote(prefix)));
        }
    }
}

void Extractor::check_limits(std::string_view raw, std::uint64_t extra, const Source& source) {
    const ExtractLimits& limits = m_options.limits;
    if (m_bytes + extra > limits.max_bytes)
        throw entry_error(Code::archive_limit, raw,
                          fmt::format("exceeds the limit of {} unpacked bytes", limits.max_bytes));
    std::uint64_t unpacked = m_bytes + extra;
    if (unpacked > limits.ratio_grace_bytes &&
        unpacked / std::max<std::uint64_t>(source.consumed, 1) > limits.max_ratio)
        throw entry_error(
            Code::archive_limit, raw,
            fmt::format("exceeds the compression ratio limit of {}:1", limits.max_ratio),
            fmt::format("{} bytes unpacked from {} compressed bytes", unpacked, source.consumed));
}

template <typename Put>
Extractor::ReadData Extractor::read_data(struct archive* a, struct archive_entry* e,
                                         std::string_view raw, const Source& source, Put&& put) {
    detail::ContentHasher hasher;
    std::vector<std::uint8_t> zeros;
    auto hash_zeros = [&](std::uint64_t count) {
        if (zeros.empty() && count > 0)
            zeros.resize(1 << 16); // only sparse files have holes
        for (std::uint64_t left = count; left > 0;) {
            std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, zeros.size()));
            hasher.update(std::span<const std::uint8_t>(zeros.data(), n));
            left -= n;
        }
    };
    ReadData read;
    const bool sized = archive_entry_size_is_set(e) && archive_entry_size(e) >= 0;
    const auto declared_size = sized ? static_cast<std::uint64_t>(archive_entry_size(e)) : 0;
    const void* block = nullptr;
    size_t length = 0;
    la_int64_t offset = 0;
    for (;;) {
        int rc = archive_read_data_block(a, &block, &length, &offset);
        if (rc == ARCHIVE_EOF)
            break;
        if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
            throw entry_error(Code::archive_invalid, raw, "cannot be read",
                              read_failure(a, source));
        // Sparse holes arrive as gaps between offsets: they count toward the limits like
        // the zeros they are, and are hashed as zeros.
        auto at = static_cast<std::uint64_t>(offset);
        // (A buffer handed to a writer thread is as large as the declared size, no larger.)
        if (sized && (at > declared_size || length > declared_size - at))
            throw entry_error(Code::archive_invalid, raw, "has data past its declared size");
        std::uint64_t gap = at > read.size ? at - read.size : 0;
        check_limits(raw, gap + length, source);
        m_bytes += gap;
        hash_zeros(gap);
        const auto* bytes = static_cast<const std::uint8_t*>(block);
        put(at, bytes, length);
        hasher.update(std::span<const std::uint8_t>(bytes, length));
        m_bytes += length;
        read.size = at + length;
    }
    if (declared_size > read.size) {
        // A sparse file ending in a hole.
        read.final_hole = declared_size - read.size;
        check_limits(raw, read.final_hole, source);
        m_bytes += read.final_hole;
        hash_zeros(read.final_hole);
        read.size = declared_size;
    }
    read.content = hasher.hex();
    return read;
}

void Extractor::write_file(struct archive* a, struct archive_entry* e, std::string_view raw,
                           const std::string& rel, unsigned mode, const Source& source) {
    // The tree is private until complete (its root is 0700), so the mode may be there
    // from the start: one fchmod less per file, when the umask would not change it.
    bool mode_at_creation = m_umask && (mode & *m_umask) == 0;
    constexpr la_int64_t k_handed_over_at_most = 1 << 20;
    ReadData read;
    if (m_writers && archive_entry_size_is_set(e) && archive_entry_size(e) >= 0 &&
        archive_entry_size(e) <= k_handed_over_at_most) {
        // Read whole here, created and written by a writer thread while the next is read.
        detail::WholeFile file{&m_root, rel, mode, mode_at_creation, {}, m_root_fd.fd};
        file.data.reserve(static_cast<std::size_t>(archive_entry_size(e)));
        prefault(file.data.data(), file.data.capacity());
        read = read_data(a, e, raw, source,
                         [&](std::uint64_t at, const std::uint8_t* bytes, std::size_t length) {
                             if (file.data.size() < at + length)
                                 file.data.resize(at + length); // a hole reads as zeros
                             std::memcpy(file.data.data() + at, bytes, length);
                         });
        file.data.resize(read.size);
        m_writers->add(std::move(file));
    } else {
        int fd = ::openat(m_root_fd.fd, rel.c_str(),
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                          mode_at_creation ? mode : 0600);
        // (The file's path, m_root / rel, is made only for an error.)
        if (fd < 0)
            throw detail::io_error("create", m_root / rel, errno);
        try {
            read = read_data(a, e, raw, source,
                             [&](std::uint64_t at, const std::uint8_t* bytes, std::size_t length) {
                                 if (int err = detail::write_all(fd, bytes, length, at))
                                     throw detail::io_error("write", m_root / rel, err);
                             });
            if (read.final_hole > 0 && ::ftruncate(fd, static_cast<off_t>(read.size)) != 0)
                throw detail::io_error("write", m_root / rel, errno);
            if (!mode_at_creation && ::fchmod(fd, mode) != 0)
                throw detail::io_error("set the mode of", m_root / rel, errno);
        } catch (...) {
            ::close(fd);
            throw;
        }
        if (::close(fd) != 0)
            throw detail::io_error("write", m_root / rel, errno);
    }
    ManifestEntry entry;
    entry.kind = EntryKind::file;
    entry.mode = mode;
    entry.size = read.size;
    entry.content = std::move(read.content);
    m_nodes[rel] = entry;
}

void Extractor::add_hardlink(std::string_view raw, const std::string& rel,
                             std::string_view target) {
    if (auto reason = foreign_path_reason(target); !reason.empty())
        throw entry_error(Code::archive_escape, raw, "links outside the target folder",
                          fmt::format("hard link target {}: {}", text::quote(target), reason));
    std::vector<std::string> parts = split_components(target);
    for (const auto& part : parts)
        if (part == "..")
            throw entry_error(
                Code::archive_escape, raw, "links outside the target folder",
                fmt::format("hard link target {} has a \"..\" component", text::quote(target)));
    if (m_options.strip == StripComponents::first && !parts.empty())
        parts.erase(parts.begin());
    std::string target_rel = join(parts);
    auto it = m_nodes.find(target_rel);
    if (target_rel.empty() || target_rel == rel || it == m_nodes.end() ||
        it->second.kind != EntryKind::file)
        throw entry_error(
            Code::archive_invalid, raw, "is a broken hard link",
            fmt::format("{} is not a regular file earlier in the archive", text::quote(target)));
    wait_for_writers(); // the target may still be being written
    if (::linkat(m_root_fd.fd, target_rel.c_str(), m_root_fd.fd, rel.c_str(), 0) != 0)
        throw detail::io_error("create the hard link", m_root / rel, errno);
    m_nodes[rel] = it->second;
}

// Follows `target` from the folder of the link at `parts` through the links known so far;
// throws when it climbs above the root.
void Extractor::check_link_target(std::string_view raw, const std::vector<std::string>& parts,
                                  std::string_view target) const {
    auto escape = [&](std::string why) {
        return entry_error(Code::archive_escape, raw, "links outside the target folder",
                           fmt::format("symbolic link target {}{}", text::quote(target), why));
    };
    if (target.empty())
        throw entry_error(Code::archive_invalid, raw, "is a symbolic link to nothing");
    if (auto reason = foreign_path_reason(target); !reason.empty())
        throw escape(": " + reason);
    std::vector<std::string> current(parts.begin(), parts.end() - 1);
    std::deque<std::string> pending;
    for (auto& part : split_components(target))
        pending.push_back(part);
    int hops = 0;
    while (!pending.empty()) {
        std::string part = std::move(pending.front());
        pending.pop_front();
        if (part == "..") {
            if (current.empty())
                throw escape(" resolves outside the folder");
            current.pop_back();
            continue;
        }
        current.push_back(std::move(part));
        auto it = m_nodes.find(join(current));
        if (it == m_nodes.end() || it->second.kind != EntryKind::symlink)
            continue;
        if (++hops > k_max_link_hops)
            throw entry_error(Code::archive_invalid, raw, "is a symbolic link loop",
                              fmt::format("more than {} links followed", k_max_link_hops));
        current.pop_back();
        auto next = split_components(it->second.target);
        pending.insert(pending.begin(), next.begin(), next.end());
    }
}

void Extractor::add_symlink(std::string_view raw, const std::vector<std::string>& parts,
                            std::string_view target) {
    check_link_target(raw, parts, target);
    std::string rel = join(parts);
    ManifestEntry entry;
    entry.kind = EntryKind::symlink;
    entry.target = std::string(target);
    if (m_nodes.find(rel) == m_nodes.end() || m_nodes[rel].kind != EntryKind::symlink)
        m_links.push_back(rel);
    m_nodes[rel] = entry;
    m_link_names[rel] = std::string(raw);
}

void Extractor::finish_links() {
    // Every file is written before links go in and folders get their modes.
    wait_for_writers();
    // Every target again, over the final tree: a later entry may have replaced a link
    // that an earlier link's target goes through.
    for (const auto& rel : m_links) {
        auto it = m_nodes.find(rel);
        if (it == m_nodes.end() || it->second.kind != EntryKind::symlink)
            continue;
        check_link_target(m_link_names[rel], split_components(rel), it->second.target);
    }
    for (const auto& rel : m_links) {
        auto it = m_nodes.find(rel);
        if (it == m_nodes.end() || it->second.kind != EntryKind::symlink)
            continue;
        if (::symlinkat(it->second.target.c_str(), m_root_fd.fd, rel.c_str()) != 0)
            throw detail::io_error("create the symbolic link", m_root / rel, errno);
    }
    for (const auto& [rel, entry] : m_nodes)
        if (entry.kind == EntryKind::directory &&
            ::fchmodat(m_root_fd.fd, rel.c_str(), entry.mode, 0) != 0)
            throw detail::io_error("set the mode of", m_root / rel, errno);
}

void Extractor::process(struct archive* a, struct archive_entry* e, const Source& source) {
    const char* name = archive_entry_pathname(e);
    std::string raw = name ? name : "";
    if (++m_entries > m_options.limits.max_entries)
        throw entry_error(
            Code::archive_limit, raw,
            fmt::format("exceeds the limit of {} entries", m_options.limits.max_entries));
    std::vector<std::string> parts = entry_path(raw);
    const char* hardlink = archive_entry_hardlink(e);
    auto type = archive_entry_filetype(e);
    if (!hardlink) {
        switch (type) {
        case AE_IFREG:
        case AE_IFDIR:
        case AE_IFLNK:
            break;
        case AE_IFCHR:
        case AE_IFBLK:
        case AE_IFIFO:
        case AE_IFSOCK: {
            std::string_view what = type == AE_IFCHR   ? "a character device"
                                    : type == AE_IFBLK ? "a block device"
                                    : type == AE_IFIFO ? "a FIFO"
                                                       : "a socket";
            throw entry_error(Code::archive_invalid, raw, fmt::format("is {}", what),
                              "devices, FIFOs and sockets are not allowed in packages");
        }
        default:
            throw entry_error(Code::archive_invalid, raw, "has an unknown file type");
        }
    }
    if (parts.empty())
        return; // the archive's root folder, or the stripped top folder itself
    std::string rel = join(parts);
    // Entries come folder by folder: one in the folder the last one's parents were checked
    // for needs no check again. Those folders exist and are folders still, as a folder's
    // kind never changes within an archive (an entry that would change it is refused as
    // ambiguous, below).
    std::string_view parent(rel.data(), parts.size() > 1 ? rel.rfind('/') : 0);
    if (parts.size() > 1 && parent != m_checked_parent) {
        make_parents(raw, parts);
        m_checked_parent.assign(parent);
    }
    bool is_dir = !hardlink && type == AE_IFDIR;
    unsigned permissions = archive_entry_perm(e) & 0777 & ~0002u;
    auto existing = m_nodes.find(rel);
    if (existing != m_nodes.end()) {
        bool was_dir = existing->second.kind == EntryKind::directory;
        if (was_dir != is_dir)
            throw entry_error(Code::archive_invalid, raw, "is ambiguous",
                              fmt::format("an earlier entry made {} a {}", text::quote(rel),
                                          was_dir ? "folder" : "file or link"));
        if (!is_dir && existing->second.kind == EntryKind::file) {
            wait_for_writers(); // the earlier file may still be being written
            if (::unlinkat(m_root_fd.fd, rel.c_str(), 0) != 0)
                throw detail::io_error("replace", m_root / rel, errno);
        }
    }
    if (hardlink) {
        add_hardlink(raw, rel, hardlink);
    } else if (type == AE_IFDIR) {
        if (existing == m_nodes.end() && ::mkdirat(m_root_fd.fd, rel.c_str(), 0700) != 0)
            throw detail::io_error("create the folder", m_root / rel, errno);
        ManifestEntry dir;
        dir.kind = EntryKind::directory;
        dir.mode = permissions | 0700;
        m_nodes[rel] = dir;
    } else if (type == AE_IFLNK) {
        const char* target = archive_entry_symlink(e);
        add_symlink(raw, parts, target ? target : "");
    } else {
        if (archive_entry_size_is_set(e) &&
            m_bytes + static_cast<std::uint64_t>(archive_entry_size(e)) >
                m_options.limits.max_bytes)
            throw entry_error(
                Code::archive_limit, raw,
                fmt::format("exceeds the limit of {} unpacked bytes", m_options.limits.max_bytes));
        if (existing != m_nodes.end())
            m_nodes.erase(existing); // a link replaced by a file
        write_file(a, e, raw, rel, permissions | 0400, source);
    }
}

ExtractResult Extractor::run(const fs::path& archive_path) {
    Source source;
    source.fd = ::open(archive_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (source.fd < 0)
        throw detail::io_error("read", archive_path, errno);
    struct FdCloser {
        int fd;
        ~FdCloser() { ::close(fd); }
    } closer{source.fd};
    if (m_options.expected)
        source.hasher.emplace(m_options.expected->algorithm());
    try {
        read_archive(source);
    } catch (const Error&) {
        // A blob damaged on disk reads as a damaged archive: its digest tells which it is.
        check_digest(source);
        throw;
    }
    check_digest(source);
    ExtractResult result{detail::manifest_digest(m_nodes), 0, 0, 0, {}};
    result.entries = m_entries;
    result.bytes = m_bytes;
    for (const auto& [rel, entry] : m_nodes)
        if (entry.kind == EntryKind::file)
            ++result.files;
    result.listing = detail::manifest_listing(m_nodes);
    return result;
}

void Extractor::check_digest(Source& source) const {
    if (!source.hasher)
        return;
    // Bytes after the tar's end marker belong to the blob's digest too.
    std::vector<std::uint8_t> rest(1 << 16);
    while (read_file(source, rest.data(), rest.size()) > 0) {
    }
    Digest actual = source.hasher->finish();
    if (actual != *m_options.expected) {
        Error error(Code::cache_corrupt, "the stored archive does not match its digest");
        error.caused_by(fmt::format("expected {}, the bytes hash to {}", m_options.expected->sri(),
                                    actual.sri()));
        throw error;
    }
}

void Extractor::read_archive(Source& source) {
    std::unique_ptr<struct archive, ArchiveDeleter> a(archive_read_new());
    archive_read_support_format_tar(a.get());
    archive_read_support_filter_zstd(a.get());
    archive_read_support_filter_xz(a.get());
    // gzip (nearly every npm tarball) is inflated here, faster than libarchive's zlib.
    std::uint8_t head[2] = {};
    if (::pread(source.fd, head, sizeof head, 0) == static_cast<ssize_t>(sizeof head) &&
        detail::GzipInflater::is_gzip(head))
        source.gzip =
            std::make_unique<detail::GzipInflater>([&source](std::uint8_t* into, std::size_t size) {
                return read_file(source, into, size);
            });
    if (archive_read_open(a.get(), &source, nullptr, read_source, nullptr) != ARCHIVE_OK) {
        Error error(Code::archive_invalid, "the archive cannot be read");
        error.caused_by(read_failure(a.get(), source, "not a tar archive"));
        throw error;
    }
    if (::mkdir(m_root.c_str(), 0700) != 0)
        throw detail::io_error("create the folder", m_root, errno);
    m_root_fd.fd = ::open(m_root.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (m_root_fd.fd < 0)
        throw detail::io_error("open the folder", m_root, errno);
    if (struct stat st{}; ::fstat(source.fd, &st) == 0 &&
                          static_cast<std::uint64_t>(st.st_size) >= m_options.parallel_writes_from)
        m_writers = std::make_unique<detail::FileWriters>(2);
    std::string last_entry;
    for (;;) {
        struct archive_entry* entry = nullptr;
        int rc = archive_read_next_header(a.get(), &entry);
        if (rc == ARCHIVE_EOF)
            break;
        // ARCHIVE_RETRY (a damaged header libarchive could skip) is an error here: skipping
        // would make cairn's listing differ from other tools'.
        if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
            std::string cause = read_failure(a.get(), source);
            if (m_entries == 0) {
                Error error(Code::archive_invalid, "the archive cannot be read");
                error.caused_by(cause);
                throw error;
            }
            throw entry_error(Code::archive_invalid, last_entry, "is followed by a bad header",
                              cause);
        }
        last_entry = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
        process(a.get(), entry, source);
    }
    if (m_entries == 0)
        throw Error(Code::archive_invalid, "the archive has no entries");
    finish_links();

    // libarchive stops at the tar's end marker: the rest of a gzip member is inflated (and
    // dropped) for its trailer to be checked.
    if (source.gzip) {
        for (;;) {
            auto rest = source.gzip->next();
            if (!rest) {
                Error error(Code::archive_invalid, "the archive cannot be read to its end");
                error.caused_by(read_failure(a.get(), source));
                throw error;
            }
            if (rest->empty())
                break;
        }
    }
}

} // namespace

ExtractResult extract_archive(const fs::path& archive, const fs::path& destination,
                              const ExtractOptions& options) {
    std::error_code ec;
    if (fs::exists(fs::symlink_status(destination, ec)))
        throw detail::io_error("extract into", destination, EEXIST);
    try {
        Extractor extractor(destination, options);
        return extractor.run(archive);
    } catch (...) {
        if (fs::exists(fs::symlink_status(destination, ec)))
            detail::remove_tree(destination);
        throw;
    }
}

} // namespace cairn::store
