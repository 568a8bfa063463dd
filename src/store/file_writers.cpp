#include "file_writers.hpp"

#include "fs_ops.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

namespace cairn::store::detail {

int write_all(int fd, const std::uint8_t* bytes, std::size_t length,
              std::uint64_t offset) noexcept {
    std::size_t done = 0;
    while (done < length) {
        ssize_t n = ::pwrite(fd, bytes + done, length - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        done += static_cast<std::size_t>(n);
    }
    return 0;
}

void create_whole_file(const WholeFile& file) {
    std::string full;
    if (file.dir == AT_FDCWD)
        full = file.path().string();
    const char* at = file.dir == AT_FDCWD ? full.c_str() : file.name.c_str();
    int fd = ::openat(file.dir, at, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                      file.mode_at_creation ? file.mode : 0600);
    if (fd < 0)
        throw io_error("create", file.path(), errno);
    const char* failed = nullptr;
    int err =
        write_all(fd, reinterpret_cast<const std::uint8_t*>(file.data.data()), file.data.size(), 0);
    if (err != 0)
        failed = "write";
    else if (!file.mode_at_creation && ::fchmod(fd, file.mode) != 0) {
        failed = "set the mode of";
        err = errno;
    }
    if (failed) {
        ::close(fd);
        throw io_error(failed, file.path(), err);
    }
    if (::close(fd) != 0)
        throw io_error("write", file.path(), errno);
}

FileWriters::FileWriters(unsigned threads, std::size_t budget_bytes) : m_budget(budget_bytes) {
    for (unsigned i = 0; i < std::max(1u, threads); ++i)
        m_threads.emplace_back([this] { work(); });
}

FileWriters::~FileWriters() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_queue.clear();
    }
    m_work.notify_all();
    for (auto& thread : m_threads)
        thread.join();
}

void FileWriters::throw_error() {
    if (m_error)
        std::rethrow_exception(std::exchange(m_error, nullptr));
}

void FileWriters::add(WholeFile file) {
    std::unique_lock lock(m_mutex);
    // One file larger than the budget still goes: it waits for an empty queue.
    m_moved.wait(lock, [&] {
        return m_error || m_queue.empty() || m_queued_bytes + file.data.size() <= m_budget;
    });
    throw_error();
    m_queued_bytes += file.data.size();
    m_queue.push_back(std::move(file));
    lock.unlock();
    m_work.notify_one();
}

void FileWriters::drain() {
    std::unique_lock lock(m_mutex);
    m_moved.wait(lock, [&] { return m_error || (m_queue.empty() && m_writing == 0); });
    if (m_error) // the others still running finish before the caller goes on
        m_moved.wait(lock, [&] { return m_writing == 0; });
    throw_error();
}

void FileWriters::work() {
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_work.wait(lock, [&] { return m_stop || !m_queue.empty(); });
        if (m_stop)
            return;
        WholeFile file = std::move(m_queue.front());
        m_queue.pop_front();
        m_queued_bytes -= file.data.size();
        ++m_writing;
        lock.unlock();
        m_moved.notify_all();
        std::exception_ptr error;
        try {
            create_whole_file(file);
        } catch (...) {
            error = std::current_exception();
        }
        file = WholeFile{}; // its memory goes outside the lock
        lock.lock();
        --m_writing;
        if (error && !m_error) {
            m_error = error;
            m_queued_bytes = 0;
            m_queue.clear(); // nothing more is written once one failed
        }
        m_moved.notify_all();
    }
}

} // namespace cairn::store::detail
