#include "spread.hpp"

#include <fcntl.h>
#include <stdio.h> // renameat2
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace cairn::install::detail {

FolderSpreader::FolderSpreader(int home, std::size_t count, std::size_t per_bucket)
    : m_home(home), m_per_bucket(per_bucket ? per_bucket : 1), m_count(count),
      m_buckets(std::make_unique<Bucket[]>((count + m_per_bucket - 1) / m_per_bucket)) {}

FolderSpreader::~FolderSpreader() {
    std::size_t buckets = (m_count + m_per_bucket - 1) / m_per_bucket;
    for (std::size_t b = 0; b < buckets; ++b) {
        Bucket& bucket = m_buckets[b];
        if (!bucket.fd)
            continue;
        bucket.fd = Fd();
        // Empty: every folder born in it was renamed or removed. Should removing fail, the
        // next install prunes it with everything else in node_modules/.cairn it does not know.
        ::unlinkat(m_home, bucket.name.c_str(), AT_REMOVEDIR);
    }
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
    int bucket = bucket_fd(index / m_per_bucket);
    if (bucket < 0)
        return std::nullopt;
    std::string born = std::to_string(index);
    if (::mkdirat(bucket, born.c_str(), 0777) != 0)
        return std::nullopt;
    Fd fd(::openat(bucket, born.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    // RENAME_NOREPLACE: a folder already there (another thread's make_dirs of a nested
    // package, a half-written one from a killed run) is used as it is, never replaced.
    if (fd && ::renameat2(bucket, born.c_str(), parent, name, RENAME_NOREPLACE) == 0)
        return fd;
    ::unlinkat(bucket, born.c_str(), AT_REMOVEDIR);
    return std::nullopt;
}

} // namespace cairn::install::detail
