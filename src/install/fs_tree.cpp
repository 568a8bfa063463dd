#include "fs_tree.hpp"

#include "cairn/core/tree_listing.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace cairn::install::detail {

Error io_error(std::string_view action, const fs::path& path, int err) {
    Error error(Code::io, fmt::format("cannot {} {}", action, path.string()));
    error.caused_by(std::strerror(err));
    return error;
}

Fd& Fd::operator=(Fd&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = other.m_fd;
        other.m_fd = -1;
    }
    return *this;
}

Fd::~Fd() {
    if (m_fd >= 0)
        ::close(m_fd);
}

namespace {

constexpr int k_dir_flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

std::vector<std::string_view> components(std::string_view rel) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (start <= rel.size()) {
        std::size_t end = rel.find('/', start);
        if (end == std::string_view::npos)
            end = rel.size();
        if (end > start)
            out.push_back(rel.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// Opens one component; nullopt on ENOENT.
std::optional<Fd> open_component(int dir, const std::string& name, const fs::path& shown) {
    int fd = ::openat(dir, name.c_str(), k_dir_flags);
    if (fd >= 0)
        return Fd(fd);
    int err = errno;
    if (err == ENOENT)
        return std::nullopt;
    if (err == ELOOP || err == ENOTDIR) {
        unsigned type = entry_type(dir, name.c_str());
        if (type == S_IFLNK)
            throw Error(Code::io, fmt::format("{} is a symbolic link where cairn expects a folder",
                                              (shown / name).string()))
                .hint("remove it; cairn never installs through a link");
        throw Error(Code::io, fmt::format("{} is not a folder", (shown / name).string()))
            .hint("remove it and run the install again");
    }
    if (err == EACCES) {
        // A folder a build made unreadable: it is ours to open up.
        if (entry_type(dir, name.c_str()) == S_IFDIR &&
            ::fchmodat(dir, name.c_str(), 0755, 0) == 0) {
            fd = ::openat(dir, name.c_str(), k_dir_flags);
            if (fd >= 0)
                return Fd(fd);
        }
    }
    throw io_error("open", shown / name, err);
}

} // namespace

std::optional<Fd> open_dir(int base, std::string_view rel, const fs::path& shown) {
    auto parts = components(rel);
    Fd current(::dup(base));
    if (!current)
        throw io_error("open", shown, errno);
    fs::path where = shown;
    for (auto part : parts) {
        std::string name(part);
        auto next = open_component(current.get(), name, where);
        if (!next)
            return std::nullopt;
        current = std::move(*next);
        where /= name;
    }
    return current;
}

Fd make_dirs(int base, std::string_view rel, const fs::path& shown) {
    auto parts = components(rel);
    if (parts.empty()) {
        Fd same(::dup(base));
        if (!same)
            throw io_error("open", shown, errno);
        return same;
    }
    Fd current;
    int at = base;
    fs::path where = shown;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        std::string name(parts[i]);
        // The folders on the way usually exist, and the last one usually does not: it is
        // created first, then opened (an existing one, or a file or link in its place, is
        // met by the open, with the same errors).
        std::optional<Fd> next;
        if (i + 1 < parts.size())
            next = open_component(at, name, where);
        if (!next) {
            if (::mkdirat(at, name.c_str(), 0777) != 0 && errno != EEXIST)
                throw io_error("create the folder", where / name, errno);
            next = open_component(at, name, where);
            if (!next)
                throw io_error("open", where / name, ENOENT);
        }
        current = std::move(*next);
        at = current.get();
        where /= name;
    }
    return current;
}

unsigned entry_type(int dir, const char* name) {
    struct stat st {};
    if (::fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return 0;
    return st.st_mode & S_IFMT;
}

std::optional<std::string> read_link(int dir, const char* name) {
    char buffer[4096];
    ssize_t n = ::readlinkat(dir, name, buffer, sizeof buffer);
    if (n < 0 || static_cast<std::size_t>(n) >= sizeof buffer)
        return std::nullopt;
    return std::string(buffer, static_cast<std::size_t>(n));
}

std::vector<std::string> list_dir(int dir, const fs::path& shown) {
    int fd = ::openat(dir, ".", k_dir_flags);
    if (fd < 0)
        throw io_error("open", shown, errno);
    DIR* stream = ::fdopendir(fd);
    if (!stream) {
        int err = errno;
        ::close(fd);
        throw io_error("list", shown, err);
    }
    std::vector<std::string> names;
    errno = 0;
    while (dirent* entry = ::readdir(stream)) {
        if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0)
            continue;
        names.emplace_back(entry->d_name);
    }
    int err = errno;
    ::closedir(stream);
    if (err != 0)
        throw io_error("list", shown, err);
    return names;
}

void empty_dir(int dir, const std::set<std::string>& keep, const fs::path& shown) {
    for (const auto& name : list_dir(dir, shown))
        if (!keep.contains(name))
            remove_entry(dir, name.c_str(), shown);
}

void remove_entry(int dir, const char* name, const fs::path& shown) {
    if (::unlinkat(dir, name, 0) == 0 || errno == ENOENT)
        return;
    int err = errno;
    if (err != EISDIR && err != EPERM && err != EACCES)
        throw io_error("remove", shown / name, err);
    if (entry_type(dir, name) != S_IFDIR) {
        if (err == EACCES) {
            // The folder holding it is not writable (a build made it so); it is ours.
            ::fchmod(dir, 0755);
            if (::unlinkat(dir, name, 0) == 0)
                return;
            err = errno;
        }
        throw io_error("remove", shown / name, err);
    }
    {
        auto sub = open_component(dir, name, shown);
        if (sub) {
            ::fchmod(sub->get(), 0755); // a read-only folder cannot be emptied
            empty_dir(sub->get(), {}, shown / name);
        }
    }
    if (::unlinkat(dir, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
        throw io_error("remove the folder", shown / name, errno);
}

bool ensure_symlink(int dir, const char* name, const std::string& target, const fs::path& shown) {
    if (auto current = read_link(dir, name); current && *current == target)
        return false;
    remove_entry(dir, name, shown);
    if (::symlinkat(target.c_str(), dir, name) != 0)
        throw io_error("create the link", shown / name, errno);
    return true;
}

void copy_file(int src_dir, const char* src_name, int dst_dir, const char* dst_name, unsigned mode,
               const fs::path& shown) {
    Fd in(::openat(src_dir, src_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!in)
        throw io_error("read", shown, errno);
    Fd out(::openat(dst_dir, dst_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (!out)
        throw io_error("create a copy of", shown, errno);
    if (::ioctl(out.get(), FICLONE, in.get()) == 0)
        return;
    struct stat st {};
    if (::fstat(in.get(), &st) != 0)
        throw io_error("read", shown, errno);
    std::uint64_t left = static_cast<std::uint64_t>(st.st_size);
    bool plain = false;
    while (left > 0 && !plain) {
        ssize_t n = ::copy_file_range(in.get(), nullptr, out.get(), nullptr, left, 0);
        if (n > 0) {
            left -= static_cast<std::uint64_t>(n);
        } else if (n == 0) {
            break;
        } else if (errno == EINTR) {
            continue;
        } else if (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP ||
                   errno == EPERM) {
            plain = true;
        } else {
            throw io_error("copy", shown, errno);
        }
    }
    if (plain) {
        char buffer[1 << 16];
        for (;;) {
            ssize_t n = ::read(in.get(), buffer, sizeof buffer);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                throw io_error("read", shown, errno);
            if (n == 0)
                break;
            for (ssize_t done = 0; done < n;) {
                ssize_t w = ::write(out.get(), buffer + done, static_cast<std::size_t>(n - done));
                if (w < 0 && errno == EINTR)
                    continue;
                if (w < 0)
                    throw io_error("write a copy of", shown, errno);
                done += w;
            }
        }
    }
}

namespace {

// What the folders of one tree share: where it is copied from and to, as messages name
// them, and its listing when the caller has it.
struct Shown {
    fs::path src;
    fs::path dst;
    std::shared_ptr<const std::string> listing_text; // what `listing` views
    std::optional<tree_listing::Listing> listing;
};

// A folder being copied, shared by the tasks copying its parts. Its descriptors are owned
// here, except the top folder's destination, which copy_tree's caller keeps open. Its paths
// for messages are made only for a message: composing two fs::paths per folder was a
// tenth of the linking threads' own time in a large project's CI install.
struct Folder {
    Fd src;
    Fd owned_dst;
    int dst = -1;
    std::shared_ptr<const Shown> shown;
    std::string rel; // from the tree's top ("" for the top)
    int depth = 0;
    // A small folder this copy made has no descriptors of its own: its entries are named
    // from the nearest enclosing folder that has (`via`, kept open by holding it), with
    // `prefix` ("sub/dir/") before each name. Opening and closing a source and a
    // destination descriptor for each folder of a few files was most of the system calls
    // of a large project's linking (10,500 opens and as many closes for 31,000 links).
    std::shared_ptr<const Folder> via;
    std::string prefix;

    int src_fd() const { return via ? via->src_fd() : src.get(); }
    int dst_fd() const { return via ? via->dst_fd() : dst; }
    // The destination folder dst_fd() is, for messages about names given with at().
    fs::path named_dst() const { return via ? via->shown_dst() : shown_dst(); }
    // `name` as named from src_fd()/dst_fd(); `buffer` holds it when it needs a prefix.
    const char* at(const char* name, std::string& buffer) const {
        if (prefix.empty())
            return name;
        buffer.assign(prefix);
        buffer.append(name);
        return buffer.c_str();
    }

    fs::path shown_src() const { return rel.empty() ? shown->src : shown->src / rel; }
    fs::path shown_dst() const { return rel.empty() ? shown->dst : shown->dst / rel; }
    std::string child(const char* name) const {
        return rel.empty() ? std::string(name) : rel + "/" + name;
    }
};

using FolderPtr = std::shared_ptr<const Folder>;

// Files and links to recreate in one folder: their names, one after the other with a NUL
// after each (one allocation for them all), and their types (S_IFREG, S_IFLNK).
struct Files {
    struct Entry {
        std::uint32_t name; // offset in names
        unsigned type;
    };
    std::string names;
    std::vector<Entry> entries;

    void add(const char* name, unsigned type) {
        entries.push_back({static_cast<std::uint32_t>(names.size()), type});
        names.append(name, std::strlen(name) + 1);
    }
    const char* name(const Entry& entry) const { return names.data() + entry.name; }
    std::size_t size() const { return entries.size(); }
    void clear() {
        names.clear();
        entries.clear();
    }
};

// getdents64 buffers, kept per thread: one folder's listing is read while subfolders may be
// copied on the same thread (without TreeCopyOptions::spawn), so a thread may need several.
class ListingBuffer {
public:
    static constexpr std::size_t k_size = 16 * 1024;
    ListingBuffer() {
        if (spare().empty()) {
            // Not zeroed: the kernel fills what is read (a vector's zeroing was 18% of a
            // small CI install's instructions).
            m_buffer = std::make_unique_for_overwrite<char[]>(k_size);
        } else {
            m_buffer = std::move(spare().back());
            spare().pop_back();
        }
    }
    ~ListingBuffer() {
        try {
            spare().push_back(std::move(m_buffer));
        } catch (...) {
            // not kept (out of memory): freed with this
        }
    }
    ListingBuffer(const ListingBuffer&) = delete;
    ListingBuffer& operator=(const ListingBuffer&) = delete;
    char* get() const { return m_buffer.get(); }

private:
    static std::vector<std::unique_ptr<char[]>>& spare() {
        thread_local std::vector<std::unique_ptr<char[]>> buffers;
        return buffers;
    }
    std::unique_ptr<char[]> m_buffer;
};

struct TreeCopier {
    const TreeCopyOptions& options;

    // Runs `task` now, or hands it to options.spawn.
    void hand_out(std::function<void()> task) const {
        if (options.spawn)
            options.spawn(std::move(task));
        else
            task();
    }

    // Whether files are copied (not hard linked): then several threads may share one
    // folder's files. Every new name in a folder takes the folder's lock, and a link is
    // little more than that: threads linking into one folder spun on its lock (8.5% of a
    // small CI install's CPU) and gained nothing.
    bool copies_data() const {
        return options.mode == FileMode::copy ||
               options.counters->cross_device.load(std::memory_order_relaxed);
    }

    // Reads the folder's entries straight from the kernel (getdents64 on its descriptor,
    // which it consumes: no second open, no DIR stream) and recreates them: each subfolder
    // is handed out, and so is each run of k_files_per_task files when they are copied.
    void copy_dir(const FolderPtr& folder) const {
        Files files;
        if (const auto* listed = listed_entries(*folder)) {
            for (const auto& entry : *listed) {
                add_entry(folder, entry.name.data(), d_type_of(entry.kind), files);
                if (files.size() == k_files_per_task && copies_data()) {
                    hand_out([copier = *this, folder, batch = std::move(files)] {
                        copier.copy_files(*folder, batch);
                    });
                    files.clear();
                }
            }
            copy_files(*folder, files);
            return;
        }
        ListingBuffer buffer;
        for (;;) {
            ssize_t got = ::getdents64(folder->src_fd(), buffer.get(), ListingBuffer::k_size);
            if (got < 0) {
                if (errno == EINTR)
                    continue;
                throw io_error("list", folder->shown_src(), errno);
            }
            if (got == 0)
                break;
            for (ssize_t offset = 0; offset < got;) {
                auto* entry = reinterpret_cast<dirent64*>(buffer.get() + offset);
                offset += entry->d_reclen;
                add_entry(folder, entry->d_name, entry->d_type, files);
                if (files.size() == k_files_per_task && copies_data()) {
                    hand_out([copier = *this, folder, batch = std::move(files)] {
                        copier.copy_files(*folder, batch);
                    });
                    files.clear();
                }
            }
        }
        copy_files(*folder, files);
    }

    // The folder's entries from the tree's listing; nullptr when there is none (or it
    // lacks the folder): the folder is listed from the kernel then.
    static const std::vector<tree_listing::Entry>* listed_entries(const Folder& folder) {
        return folder.shown->listing ? folder.shown->listing->folder(folder.rel) : nullptr;
    }

    static unsigned char d_type_of(tree_listing::Kind kind) {
        switch (kind) {
        case tree_listing::Kind::folder:
            return DT_DIR;
        case tree_listing::Kind::file:
            return DT_REG;
        case tree_listing::Kind::link:
            return DT_LNK;
        }
        return DT_UNKNOWN;
    }

    void add_entry(const FolderPtr& folder, const char* name, unsigned char d_type,
                   Files& files) const {
        if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0)
            return;
        if (folder->depth < 3 && !options.skip.empty() &&
            options.skip.contains(folder->child(name)))
            return;
        unsigned type;
        switch (d_type) {
        case DT_DIR:
            type = S_IFDIR;
            break;
        case DT_REG:
            type = S_IFREG;
            break;
        case DT_LNK:
            type = S_IFLNK;
            break;
        default:
            std::string buffer;
            type = entry_type(folder->src_fd(), folder->at(name, buffer));
            break;
        }
        if (type == S_IFDIR) {
            if (folder->depth == 0 && options.top_folders)
                options.top_folders->emplace_back(name);
            std::string buffer;
            bool made = ::mkdirat(folder->dst_fd(), folder->at(name, buffer), 0777) == 0;
            if (!made && errno != EEXIST)
                throw io_error("create the folder", folder->shown_dst() / name, errno);
            hand_out([copier = *this, folder, name = std::string(name), made] {
                copier.copy_subdir(folder, name, made);
            });
        } else if (type == S_IFREG || type == S_IFLNK) {
            if (type == S_IFREG && folder->depth == 0 && options.top_files)
                options.top_files->emplace_back(name);
            files.add(name, type);
        }
        // The store holds no other kind of entry (devices, FIFOs are refused there).
    }

    // A folder of at most this many entries, made by this copy and listed, is named
    // through an enclosing folder's descriptors (Folder::via). Opening a folder costs two
    // opens and two closes; naming through costs each entry the lookup of its prefix's
    // names, a tenth of that each or less (cached). At 8, a large project's CI install
    // made 5,400 opens instead of 9,500; at 24, 4,400.
    static constexpr std::size_t k_named_through_at_most = 24;

    // `made`: the destination folder was created by this copy (so it is empty and nothing
    // else's: no link in the way).
    void copy_subdir(const FolderPtr& parent, const std::string& name, bool made) const {
        std::string rel = parent->child(name.c_str());
        if (made && parent->shown->listing) {
            const auto* listed = parent->shown->listing->folder(rel);
            if (listed && listed->size() <= k_named_through_at_most) {
                // Entries of the folder show it is there as they are linked; an empty one
                // is looked for (the listing names it: gone, the tree is damaged).
                if (listed->empty()) {
                    std::string buffer;
                    struct stat st {};
                    if (::fstatat(parent->src_fd(), parent->at(name.c_str(), buffer), &st,
                                  AT_SYMLINK_NOFOLLOW) != 0)
                        throw source_error("open", *parent, name.c_str(), errno);
                    if (!S_ISDIR(st.st_mode))
                        throw source_error("open", *parent, name.c_str(), ENOTDIR);
                }
                FolderPtr via = parent->via ? parent->via : parent;
                copy_dir(std::make_shared<const Folder>(Folder{Fd(), Fd(), -1, parent->shown,
                                                               std::move(rel), parent->depth + 1,
                                                               via, parent->prefix + name + "/"}));
                return;
            }
        }
        std::string buffer;
        const char* at = parent->at(name.c_str(), buffer);
        Fd src(::openat(parent->src_fd(), at, k_dir_flags));
        if (!src)
            throw source_error("open", *parent, name.c_str(), errno);
        Fd dst(::openat(parent->dst_fd(), at, k_dir_flags));
        if (!dst) {
            // What is in the way (a link, a file, an unreadable folder) is dealt with there.
            auto opened = open_component(parent->dst_fd(), at, parent->named_dst());
            if (!opened)
                throw io_error("open", parent->shown_dst() / name, ENOENT);
            dst = std::move(*opened);
        }
        int dst_fd = dst.get();
        copy_dir(std::make_shared<const Folder>(Folder{std::move(src), std::move(dst), dst_fd,
                                                       parent->shown, std::move(rel),
                                                       parent->depth + 1, nullptr, ""}));
    }

    void copy_files(const Folder& folder, const Files& files) const {
        // Counted here and added once: an atomic shared by every linking thread, added to
        // for each file, moved its cache line between the cores 31,000 times in a large
        // project's install.
        std::uint64_t linked = 0;
        for (const auto& entry : files.entries) {
            const char* name = files.name(entry);
            if (entry.type == S_IFREG) {
                linked += copy_one(folder, name);
                continue;
            }
            std::string buffer;
            const char* at = folder.at(name, buffer);
            auto target = read_link(folder.src_fd(), at);
            if (!target)
                throw source_error("read the link", folder, name, errno);
            if (::symlinkat(target->c_str(), folder.dst_fd(), at) != 0) {
                if (errno != EEXIST)
                    throw io_error("create the link", folder.shown_dst() / name, errno);
                ensure_symlink(folder.dst_fd(), at, *target, folder.named_dst());
            }
        }
        if (linked)
            options.counters->linked.fetch_add(linked, std::memory_order_relaxed);
    }

    // What failed with the source entry `name` of `folder`. An entry the store tree's
    // listing names that is not there: the tree was damaged after it was unpacked (its
    // marker vouches for what it held then).
    static Error source_error(std::string_view action, const Folder& folder, const char* name,
                              int err) {
        if (err != ENOENT || !listed_entries(folder))
            return err == ENOENT && action == "link"
                       ? io_error(action, folder.shown_dst() / name, err)
                       : io_error(action, folder.shown_src() / name, err);
        Error error(Code::cache_corrupt, fmt::format("{} is missing from the store",
                                                     (folder.shown_src() / name).string()));
        error.caused_by("its tree's listing names it: something removed it from the store");
        error.hint("run `cairn cache verify`, which removes damaged trees (they are unpacked "
                   "again from their archives), then install again");
        return error;
    }

    // Links (1 returned) or copies (0) one file.
    int copy_one(const Folder& folder, const char* shown_name) const {
        CopyCounters& counters = *options.counters;
        int src = folder.src_fd();
        int dst = folder.dst_fd();
        std::string buffer;
        const char* name = folder.at(shown_name, buffer);
        if (options.mode == FileMode::hardlink &&
            !counters.cross_device.load(std::memory_order_relaxed)) {
            for (int attempt = 0; attempt < 2; ++attempt) {
                if (::linkat(src, name, dst, name, 0) == 0)
                    return 1;
                if (errno == EEXIST && attempt == 0) {
                    remove_entry(dst, name, folder.named_dst());
                    continue;
                }
                break;
            }
            int err = errno;
            if (err == ENOENT)
                throw source_error("link", folder, shown_name, err);
            if (err == EXDEV)
                counters.cross_device.store(true, std::memory_order_relaxed);
            else if (err != EMLINK && err != EPERM && err != EACCES && err != EOPNOTSUPP)
                throw io_error("link", folder.shown_dst() / shown_name, err);
        }
        struct stat st {};
        if (::fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            throw source_error("read", folder, shown_name, errno);
        // The copy is ours: its owner may write it (a build, a later removal).
        unsigned mode = (st.st_mode & 0777) | 0600;
        if (::faccessat(dst, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
            remove_entry(dst, name, folder.named_dst());
        copy_file(src, name, dst, name, mode, folder.shown_src() / shown_name);
        // The mode argument went through the umask; the copy keeps the source's bits.
        counters.copied.fetch_add(1, std::memory_order_relaxed);
        return 0;
    }
};

} // namespace

void copy_tree(Fd src, int dst, const TreeCopyOptions& options, const fs::path& shown_src,
               const fs::path& shown_dst) {
    auto shown = std::make_shared<Shown>(shown_src, shown_dst, options.listing, std::nullopt);
    // A listing that does not decode is not used: each folder is listed instead.
    if (options.listing)
        shown->listing = tree_listing::Listing::decode(*options.listing);
    TreeCopier{options}.copy_dir(std::make_shared<const Folder>(
        Folder{std::move(src), Fd(), dst, std::move(shown), "", 0, nullptr, ""}));
}

void write_file_atomically(int dir, const char* name, std::string_view text,
                           const fs::path& shown) {
    std::string temp = unique_name(std::string(name) + ".tmp-");
    Fd out(::openat(dir, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!out)
        throw io_error("create", shown / temp, errno);
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(out.get(), text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;
            ::unlinkat(dir, temp.c_str(), 0);
            throw io_error("write", shown / temp, err);
        }
        done += static_cast<std::size_t>(n);
    }
    out = Fd();
    if (::renameat(dir, temp.c_str(), dir, name) != 0) {
        int err = errno;
        ::unlinkat(dir, temp.c_str(), 0);
        throw io_error("replace", shown / name, err);
    }
}

std::optional<std::string> read_file(int dir, const char* name, const fs::path& shown) {
    Fd in(::openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!in) {
        if (errno == ENOENT)
            return std::nullopt;
        throw io_error("read", shown / name, errno);
    }
    std::string text;
    char buffer[1 << 15];
    for (;;) {
        ssize_t n = ::read(in.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw io_error("read", shown / name, errno);
        if (n == 0)
            break;
        text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
}

} // namespace cairn::install::detail
