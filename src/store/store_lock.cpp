#include "cairn/store/store_lock.hpp"

#include "fs_ops.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace cairn::store {

std::optional<FileLock> FileLock::lock(const std::filesystem::path& path, LockMode mode,
                                       bool wait) {
    int operation = (mode == LockMode::shared ? LOCK_SH : LOCK_EX) | (wait ? 0 : LOCK_NB);
    for (;;) {
        int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
            throw detail::io_error("open the lock file", path, errno);
        int rc;
        while ((rc = ::flock(fd, operation)) != 0 && errno == EINTR) {
        }
        if (rc != 0) {
            int err = errno;
            ::close(fd);
            if (err == EWOULDBLOCK)
                return std::nullopt;
            throw detail::io_error("lock", path, err);
        }
        // The file may have been removed (by gc) between open and flock: then this lock
        // guards nothing, and another process may lock a new file at the same path.
        struct stat held {};
        struct stat current {};
        if (::fstat(fd, &held) == 0 && ::stat(path.c_str(), &current) == 0 &&
            held.st_ino == current.st_ino && held.st_dev == current.st_dev)
            return FileLock(path, fd);
        ::close(fd);
    }
}

FileLock FileLock::acquire(const std::filesystem::path& path, LockMode mode) {
    return *lock(path, mode, true);
}

std::optional<FileLock> FileLock::try_acquire(const std::filesystem::path& path, LockMode mode) {
    return lock(path, mode, false);
}

FileLock::FileLock(FileLock&& other) noexcept : m_path(std::move(other.m_path)), m_fd(other.m_fd) {
    other.m_fd = -1;
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0)
            ::close(m_fd);
        m_path = std::move(other.m_path);
        m_fd = other.m_fd;
        other.m_fd = -1;
    }
    return *this;
}

FileLock::~FileLock() {
    if (m_fd >= 0)
        ::close(m_fd);
}

void FileLock::remove_file() {
    if (m_fd < 0)
        return;
    ::unlink(m_path.c_str());
    ::close(m_fd);
    m_fd = -1;
}

} // namespace cairn::store
