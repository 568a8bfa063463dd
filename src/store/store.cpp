// The store's layout: folders, the layout version, this process's tmp session, entry
// locks and the quarantine.
#include "cairn/store/store.hpp"

#include "fs_ops.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/folder_hint.hpp"
#include "cairn/core/text.hpp"
#include "cairn/core/unique_name.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdio.h> // renameat2
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <vector>

namespace cairn::store {

namespace fs = std::filesystem;

fs::path default_store_root(const EnvLookup& env) {
    if (auto home = env("CAIRN_HOME"); home && !home->empty())
        return fs::path(*home);
    if (auto cache = env("XDG_CACHE_HOME"); cache && !cache->empty())
        return fs::path(*cache) / "cairn";
    if (auto home = env("HOME"); home && !home->empty())
        return fs::path(*home) / ".cache" / "cairn";
    Error error(Code::io, "cannot tell where the store is");
    error.caused_by("none of CAIRN_HOME, XDG_CACHE_HOME and HOME is set");
    error.hint("set CAIRN_HOME to the folder cairn should keep its store in");
    throw error;
}

namespace {

void make_dir(const fs::path& path) {
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec)
        throw detail::io_error("create the folder", path, ec.value());
}

constexpr std::array<const char*, 5> k_folders{"blobs", "unpacked", "tmp", "quarantine", "locks"};

// The store's folders. Those missing (a new store) are made in a folder of a random name
// first, in the root marked as the top of unrelated hierarchies (core/folder_hint.hpp), and
// then moved into place: ext4 puts such a folder in a block group of its choosing, and
// everything the store creates later (locks, blobs, tmp sessions) beside it. Made in place,
// they would land in the group of the folders a removed store emptied, where ext4 without a
// journal steps over each inode freed there in the last minutes on every new one: a third
// of the CPU of a cold install of a small project right after `rm -rf` of its store.
// A symbolic link where the store keeps a folder, to something missing or not a folder.
Error link_where_a_folder_goes(const fs::path& root, const char* name) {
    fs::path path = root / name;
    std::error_code ec;
    fs::path target = fs::read_symlink(path, ec);
    struct stat st {};
    bool missing = ::stat(path.c_str(), &st) != 0;
    Error error(Code::io, fmt::format("the store at {} has a symbolic link where its folder {} "
                                      "goes, to {}, which {}",
                                      root.string(), name, target.string(),
                                      missing ? "does not exist" : "is not a folder"));
    error.hint(missing ? fmt::format("make the folder {} (relative to {}), or remove the link",
                                     target.string(), root.string())
                       : fmt::format("remove the link {}, or set CAIRN_HOME to another folder",
                                     path.string()));
    return error;
}

void make_folders(const fs::path& root) {
    std::vector<const char*> missing;
    for (const char* name : k_folders) {
        struct stat st {};
        if (::stat((root / name).c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
            missing.push_back(name);
    }
    if (missing.empty())
        return;
    make_dir(root);
    int root_fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root_fd >= 0 && folder_hint::mark_top_of_hierarchies(root_fd)) {
        std::string fresh = unique_name(".new-");
        if (::mkdirat(root_fd, fresh.c_str(), 0700) == 0) {
            for (const char* name : missing) {
                std::string made = fresh + "/" + name;
                // Never replacing a folder another process has just made.
                if (::mkdirat(root_fd, made.c_str(), 0777) == 0 &&
                    ::renameat2(root_fd, made.c_str(), root_fd, name, RENAME_NOREPLACE) != 0)
                    ::unlinkat(root_fd, made.c_str(), AT_REMOVEDIR);
            }
            ::unlinkat(root_fd, fresh.c_str(), AT_REMOVEDIR);
        }
    }
    if (root_fd >= 0)
        ::close(root_fd);
    for (const char* name : missing) { // what was not made above (other filesystems)
        struct stat st {};
        fs::path path = root / name;
        if (::lstat(path.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
            if (S_ISLNK(st.st_mode)) // a link to a folder was taken as the folder above
                throw link_where_a_folder_goes(root, name);
            Error error(Code::io, fmt::format("the store at {} has a file where its folder {} "
                                              "goes",
                                              root.string(), name));
            error.hint(
                fmt::format("move {} away, or set CAIRN_HOME to another folder", path.string()));
            throw error;
        }
        make_dir(path);
    }
}

void check_version(const fs::path& root) {
    fs::path file = root / "store-version";
    std::error_code ec;
    if (!fs::exists(file, ec)) {
        // The temporary file goes beside it, not in tmp/: gc may remove anything in tmp/
        // that is not a locked session folder.
        detail::write_file_atomically(file, fmt::format("{}\n", k_store_version), root);
        return;
    }
    std::string text(text::trim(detail::read_small_file(file)));
    if (text != std::to_string(k_store_version)) {
        Error error(Code::cache_corrupt, fmt::format("the store at {} has layout version {}",
                                                     root.string(), text::quote(text)));
        error.caused_by(fmt::format("this cairn reads store layout version {}", k_store_version));
        error.hint(
            fmt::format("use another CAIRN_HOME, or remove {} to start over", root.string()));
        throw error;
    }
}

} // namespace

Store::Store(fs::path root) : m_root(std::move(root)) {
    make_folders(m_root);
    check_version(m_root);
    m_session = tmp_dir() / unique_name("s-");
}

const fs::path& Store::session_dir() const {
    std::lock_guard lock(m_session_mutex);
    if (m_session_fd < 0)
        start_session();
    return m_session;
}

void Store::start_session() const {
    // The session folder is created and locked under the shared maintenance lock, so gc
    // (which takes it exclusively) never sees it unlocked.
    FileLock guard = FileLock::acquire(maintenance_lock_path(), LockMode::shared);
    if (::mkdir(m_session.c_str(), 0700) != 0)
        throw detail::io_error("create the folder", m_session, errno);
    int fd = ::open(m_session.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || ::flock(fd, LOCK_EX) != 0) {
        int err = errno;
        if (fd >= 0)
            ::close(fd);
        ::rmdir(m_session.c_str());
        throw detail::io_error("lock", m_session, err);
    }
    m_session_fd = fd;
    // Each artifact unpacks into a folder of its own here before it moves to unpacked/.
    folder_hint::mark_top_of_hierarchies(m_session_fd);
}

Store::~Store() {
    if (m_unpacked_fd >= 0)
        ::close(m_unpacked_fd);
    if (m_session_fd < 0)
        return; // never made
    std::error_code ec;
    fs::remove_all(m_session, ec);
    ::close(m_session_fd);
}

int Store::unpacked_fd() const {
    std::call_once(m_unpacked_once, [this] {
        m_unpacked_fd = ::open(unpacked_dir().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    });
    return m_unpacked_fd;
}

std::optional<unsigned> Store::process_umask() const {
    std::call_once(m_umask_once, [this] { m_umask = detail::process_umask(); });
    return m_umask;
}

fs::path Store::blob_path(const Digest& digest) const {
    std::string hex = digest.hex();
    return blobs_dir() / std::string(algorithm_name(digest.algorithm())) / hex.substr(0, 2) / hex;
}

std::string Store::unpacked_name(const Digest& digest, StripComponents strip) const {
    return fmt::format("{}-{}{}", algorithm_name(digest.algorithm()), digest.hex(),
                       strip == StripComponents::first ? "-s1" : "");
}

fs::path Store::unpacked_path(const Digest& digest, StripComponents strip) const {
    return unpacked_dir() / unpacked_name(digest, strip);
}

fs::path Store::marker_path(const Digest& digest, StripComponents strip) const {
    return unpacked_dir() / (unpacked_name(digest, strip) + ".complete");
}

FileLock Store::lock_entry(std::string_view key) const {
    return FileLock::acquire(locks_dir() / (std::string(key) + ".lock"), LockMode::exclusive);
}

std::optional<FileLock> Store::try_lock_entry(std::string_view key) const {
    return FileLock::try_acquire(locks_dir() / (std::string(key) + ".lock"), LockMode::exclusive);
}

fs::path Store::quarantine(const fs::path& entry, std::string_view name) const {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    fs::path target =
        quarantine_dir() /
        fmt::format("{}-{}", std::chrono::duration_cast<std::chrono::seconds>(now).count(),
                    unique_name(std::string(name) + "-"));
    if (::rename(entry.c_str(), target.c_str()) != 0)
        throw detail::io_error("quarantine", entry, errno);
    return target;
}

} // namespace cairn::store
