#pragma once

#include <filesystem>
#include <optional>

// Advisory locks between cairn processes sharing one store: flock(2) on a lock file.
// The kernel drops a lock when its holder dies (kill -9 included), so a lock is never
// stale; a lock *file* left behind is harmless and `cairn cache gc` removes it.
namespace cairn::store {

enum class LockMode { shared, exclusive };

class FileLock {
public:
    // Blocks until the lock is held; creates the lock file when absent. Throws
    // Error(Code::io) when the file cannot be created or locked.
    static FileLock acquire(const std::filesystem::path& path, LockMode mode);
    // nullopt when another process holds a conflicting lock.
    static std::optional<FileLock> try_acquire(const std::filesystem::path& path, LockMode mode);

    FileLock(FileLock&& other) noexcept;
    FileLock& operator=(FileLock&& other) noexcept;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock();

    const std::filesystem::path& path() const { return m_path; }
    // Unlinks the lock file while still holding the lock, then releases it. Safe against
    // waiters: acquire() re-checks after locking that its file is still the one at the
    // path and starts over when it is not.
    void remove_file();

private:
    FileLock(std::filesystem::path path, int fd) : m_path(std::move(path)), m_fd(fd) {}
    static std::optional<FileLock> lock(const std::filesystem::path& path, LockMode mode,
                                        bool wait);

    std::filesystem::path m_path;
    int m_fd = -1;
};

} // namespace cairn::store
