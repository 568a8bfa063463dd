#include "tree_manifest.hpp"

#include "content_hash.hpp"
#include "fs_ops.hpp"

#include "cairn/core/tree_listing.hpp"
#include "cairn/store/extract.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace cairn::store::detail {
namespace {

std::string file_content_hex(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        throw io_error("read", path, errno);
    ContentHasher hasher;
    try {
        read_chunks(fd, path, 1 << 16, [&](std::string_view bytes) {
            hasher.update(bytes);
            return true;
        });
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    return hasher.hex();
}

void scan(const fs::path& root, const std::string& prefix, Manifest& out) {
    std::error_code ec;
    fs::directory_iterator it(root / prefix, ec);
    if (ec)
        throw io_error("list", root / prefix, ec.value());
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec)
            throw io_error("list", root / prefix, ec.value());
        std::string name = it->path().filename().string();
        std::string rel = prefix.empty() ? name : prefix + "/" + name;
        struct stat st {};
        if (::lstat(it->path().c_str(), &st) != 0)
            throw io_error("inspect", it->path(), errno);
        ManifestEntry entry;
        if (S_ISDIR(st.st_mode)) {
            entry.kind = EntryKind::directory;
            entry.mode = st.st_mode & 07777;
            out[rel] = entry;
            scan(root, rel, out);
        } else if (S_ISREG(st.st_mode)) {
            entry.kind = EntryKind::file;
            entry.mode = st.st_mode & 07777;
            entry.size = static_cast<std::uint64_t>(st.st_size);
            entry.content = file_content_hex(it->path());
            out[rel] = entry;
        } else if (S_ISLNK(st.st_mode)) {
            entry.kind = EntryKind::symlink;
            entry.target = fs::read_symlink(it->path(), ec).string();
            if (ec)
                throw io_error("read the link", it->path(), ec.value());
            out[rel] = entry;
        } else {
            throw Error(Code::cache_corrupt,
                        fmt::format("{} is a special file", it->path().string()));
        }
    }
}

} // namespace

Digest manifest_digest(const Manifest& manifest) {
    Hasher hasher(DigestAlgorithm::sha256);
    hasher.update("cairn-tree-manifest 2\n"); // 1: sha256 file contents
    for (const auto& [path, entry] : manifest) {
        std::string line;
        switch (entry.kind) {
        case EntryKind::directory:
            line = fmt::format("d {:o} ", entry.mode);
            break;
        case EntryKind::file:
            line = fmt::format("f {:o} {} {} ", entry.mode, entry.size, entry.content);
            break;
        case EntryKind::symlink:
            line = fmt::format("l {}:{} ", entry.target.size(), entry.target);
            break;
        }
        line += fmt::format("{}:{}\n", path.size(), path);
        hasher.update(line);
    }
    return hasher.finish();
}

std::string manifest_listing(const Manifest& manifest) {
    std::vector<std::pair<std::string, tree_listing::Kind>> entries;
    entries.reserve(manifest.size());
    for (const auto& [path, entry] : manifest) {
        switch (entry.kind) {
        case EntryKind::directory:
            entries.emplace_back(path, tree_listing::Kind::folder);
            break;
        case EntryKind::file:
            entries.emplace_back(path, tree_listing::Kind::file);
            break;
        case EntryKind::symlink:
            entries.emplace_back(path, tree_listing::Kind::link);
            break;
        }
    }
    return tree_listing::encode(entries);
}

Manifest scan_tree(const fs::path& root) {
    Manifest out;
    scan(root, "", out);
    return out;
}

} // namespace cairn::store::detail

namespace cairn::store {

Digest tree_manifest(const std::filesystem::path& root) {
    return detail::manifest_digest(detail::scan_tree(root));
}

} // namespace cairn::store
