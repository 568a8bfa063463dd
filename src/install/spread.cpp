#include "spread.hpp"

#include <fcntl.h>
#include <stdio.h> // renameat2
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

namespace cairn::install::detail {

FolderSpreader::FolderSpreader(int home, std::size_t count, std::size_t per_bucket)
    : m_home(home), m_per_bucket(per_bucket ? per_bucket : 1), m_count(count),
      m_bucket_count((count + m_per_bucket - 1) / m_per_bucket),
      m_buckets(std::make_unique<Bucket[]>(m_bucket_count)) {
    for (std::size_t b = 0; b < m_bucket_count; ++b)
        m_buckets[b].left = std::min(m_per_bucket, m_count - b * m_per_bucket);
}

FolderSpreader::~FolderSpreader() {
    // After an error some numbers were never settled.
    for (std::size_t b = 0; b < m_bucket_count; ++b)
        remove(m_buckets[b]);
}

void FolderSpreader::remove(Bucket& bucket) {
    if (!bucket.fd)
        return;
    bucket.fd = Fd();
    // Empty: every folder born in it was renamed or removed. Should removing fail, the next
    // install prunes it with everything else in node_modules/.cairn it does not know.
    ::unlinkat(m_home, bucket.name.c_str(), AT_REMOVEDIR);
}

void FolderSpreader::settle(std::size_t number) {
    if (m_buckets[number].left.fetch_sub(1) == 1)
        remove(m_buckets[number]);
}

void FolderSpreader::pass(std::size_t index) {
    if (index < m_count)
        settle(index / m_per_bucket);
}

int FolderSpreader::bucket_fd(std::size_t number) {
    Bucket& bucket = m_buckets[number];
    std::call_once(bucket.made, [&] {
        bucket.name = unique_name(".spread-");
        if (::mkdirat(m_home, bucket.name.c_str(), 0700) != 0)
            return;
        bucket.fd = Fd(
            ::openat(m_home, bucket.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!bucket.fd)
            ::unlinkat(m_home, bucket.name.c_str(), AT_REMOVEDIR);
    });
    return bucket.fd.get();
}

std::optional<Fd> FolderSpreader::make(std::size_t index, int parent, const char* name) {
    if (index >= m_count)
        return std::nullopt;
    std::size_t number = index / m_per_bucket;
    std::optional<Fd> made;
    int bucket = m_unsupported.load(std::memory_order_relaxed) ? -1 : bucket_fd(number);
    std::string born = std::to_string(index);
    if (bucket >= 0 && ::mkdirat(bucket, born.c_str(), 0777) == 0) {
        Fd fd(::openat(bucket, born.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        // RENAME_NOREPLACE: a folder already there (another thread's make_dirs of a nested
        // package, a half-written one from a killed run) is used as it is, never replaced.
        if (fd && ::renameat2(bucket, born.c_str(), parent, name, RENAME_NOREPLACE) == 0) {
            made = std::move(fd);
        } else {
            // A filesystem without RENAME_NOREPLACE (some FUSE and network ones): every
            // later folder is made in place at once.
            if (fd && (errno == EINVAL || errno == ENOSYS || errno == EXDEV))
                m_unsupported.store(true, std::memory_order_relaxed);
            ::unlinkat(bucket, born.c_str(), AT_REMOVEDIR);
        }
    }
    settle(number);
    return made;
}

} // namespace cairn::install::detail
