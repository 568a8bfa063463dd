#include "spread.hpp"

#include <fcntl.h>
#include <stdio.h> // renameat2
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

namespace cairn::install::detail {

namespace {

constexpr std::string_view k_bucket_prefix = ".spread-";
constexpr int k_open_dir = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

bool all_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

FolderSpreader::FolderSpreader(int home, std::size_t count, std::size_t per_bucket)
    : m_home(home), m_per_bucket(per_bucket ? per_bucket : 1), m_count(count),
      m_buckets(std::make_unique<Bucket[]>((count + m_per_bucket - 1) / m_per_bucket)) {
    struct stat st {};
    if (::fstat(home, &st) == 0)
        m_home_inode = st.st_ino;
}

std::string FolderSpreader::bucket_name(std::uint64_t home_inode, std::size_t number) {
    return std::string(k_bucket_prefix) + std::to_string(number) + '.' + std::to_string(home_inode);
}

bool FolderSpreader::is_bucket_name(std::string_view name) {
    if (!name.starts_with(k_bucket_prefix))
        return false;
    name.remove_prefix(k_bucket_prefix.size());
    auto dot = name.find('.');
    return dot != std::string_view::npos && all_digits(name.substr(0, dot)) &&
           all_digits(name.substr(dot + 1));
}

bool FolderSpreader::is_bucket_of(std::string_view name, std::uint64_t home_inode) {
    std::string suffix = '.' + std::to_string(home_inode);
    return is_bucket_name(name) && name.ends_with(suffix);
}

void FolderSpreader::remove_empty_buckets() {
    std::size_t buckets = (m_count + m_per_bucket - 1) / m_per_bucket;
    for (std::size_t number = 0; number < buckets; ++number)
        if (m_buckets[number].fd)
            ::unlinkat(m_home, bucket_name(number).c_str(), AT_REMOVEDIR); // fails if not empty
}

int FolderSpreader::bucket_fd(std::size_t number) {
    Bucket& bucket = m_buckets[number];
    std::call_once(bucket.opened, [&] {
        std::string name = bucket_name(number);
        // One made by an earlier install is used as it is.
        if (::mkdirat(m_home, name.c_str(), 0700) != 0 && errno != EEXIST)
            return;
        Fd fd(::openat(m_home, name.c_str(), k_open_dir));
        if (!fd && (errno == ELOOP || errno == ENOTDIR)) {
            // A link or a file took the name (O_NOFOLLOW, O_DIRECTORY): never followed, it
            // gives way to the bucket.
            if (::unlinkat(m_home, name.c_str(), 0) != 0 ||
                ::mkdirat(m_home, name.c_str(), 0700) != 0)
                return;
            fd = Fd(::openat(m_home, name.c_str(), k_open_dir));
        }
        // One install uses a bucket at a time: another one into this node_modules that does
        // not share this one's project lock (another store) makes its folders in place
        // rather than have what it left in the bucket cleared.
        if (fd && ::flock(fd.get(), LOCK_EX | LOCK_NB) == 0)
            bucket.fd = std::move(fd);
    });
    return bucket.fd.get();
}

std::optional<FolderSpreader::Staged> FolderSpreader::stage(std::size_t index) {
    if (index >= m_count || m_unsupported.load(std::memory_order_relaxed))
        return std::nullopt;
    int bucket = bucket_fd(index / m_per_bucket);
    if (bucket < 0)
        return std::nullopt;
    std::string born = std::to_string(index);
    if (::mkdirat(bucket, born.c_str(), 0777) != 0) {
        if (errno != EEXIST)
            return std::nullopt;
        // A killed run's folder, left half made: nothing in a bucket is anyone's.
        try {
            remove_entry(bucket, born.c_str(), std::string(k_bucket_prefix) + "*");
        } catch (const Error&) {
            return std::nullopt;
        }
        if (::mkdirat(bucket, born.c_str(), 0777) != 0)
            return std::nullopt;
    }
    Fd fd(::openat(bucket, born.c_str(), k_open_dir));
    if (!fd) {
        ::unlinkat(bucket, born.c_str(), AT_REMOVEDIR);
        return std::nullopt;
    }
    return Staged{bucket, std::move(born), std::move(fd)};
}

bool FolderSpreader::move_into(const Staged& staged, int parent, const char* name) {
    // RENAME_NOREPLACE: a folder already there (another thread's make_dirs of a nested
    // package, a half-written one from a killed run) is used as it is, never replaced.
    if (::renameat2(staged.bucket, staged.name.c_str(), parent, name, RENAME_NOREPLACE) == 0)
        return true;
    // A filesystem without RENAME_NOREPLACE (some FUSE and network ones): every later
    // folder is made in place at once.
    if (errno == EINVAL || errno == ENOSYS || errno == EXDEV)
        m_unsupported.store(true, std::memory_order_relaxed);
    return false;
}

std::optional<Fd> FolderSpreader::make(std::size_t index, int parent, const char* name) {
    auto staged = stage(index);
    if (!staged)
        return std::nullopt;
    if (move_into(*staged, parent, name))
        return std::move(staged->fd);
    ::unlinkat(staged->bucket, staged->name.c_str(), AT_REMOVEDIR);
    return std::nullopt;
}

} // namespace cairn::install::detail
