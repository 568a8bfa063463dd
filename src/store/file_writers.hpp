#pragma once

#include <fcntl.h>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

// Creating files on threads of their own, for an archive whose reading thread would
// otherwise wait on the filesystem for each one: on ext4 a new inode costs 20-300 µs
// (more where many were freed in the last minutes), and one package of the small bench
// project (zod) holds 840 of its 1,475 files.
namespace cairn::store::detail {

// Writes `bytes` at `offset` of the open file `fd`, all of them: 0, or the errno of the
// write that failed (the caller names the file in its error, a path made only then).
int write_all(int fd, const std::uint8_t* bytes, std::size_t length, std::uint64_t offset) noexcept;

// A file to create, whole: created exclusively (never through a link), with `mode` at
// once when `mode_at_creation`, else private and given `mode` once written. It is created
// at `name` under the open folder `dir` when there is one, else at `*root / name`; errors
// name it `*root / name` (`root` outlives the file).
struct WholeFile {
    const std::filesystem::path* root = nullptr;
    std::string name;
    unsigned mode = 0644;
    bool mode_at_creation = true;
    std::string data;
    int dir = AT_FDCWD;

    std::filesystem::path path() const { return *root / name; }
};

// Creates one; throws Error(Code::io) naming the file.
void create_whole_file(const WholeFile& file);

// Files handed over by one thread, created on `threads` threads of their own in the
// order given (a folder must exist before a file in it is handed over). The first
// failure is thrown by the next add() or drain(); files not started by then are dropped.
class FileWriters {
public:
    explicit FileWriters(unsigned threads, std::size_t budget_bytes = std::size_t{4} << 20);
    // Stops the threads: files not started yet are dropped (the caller removes the tree).
    ~FileWriters();
    FileWriters(const FileWriters&) = delete;
    FileWriters& operator=(const FileWriters&) = delete;

    // Queues a file; waits while `budget_bytes` of data are queued already.
    void add(WholeFile file);
    // Waits until every file added is written.
    void drain();

private:
    void work();
    void throw_error(); // under the lock: rethrows (once) a writer's failure

    std::mutex m_mutex;
    std::condition_variable m_work;  // a file queued, or stopping
    std::condition_variable m_moved; // a file taken or written
    std::deque<WholeFile> m_queue;
    std::size_t m_queued_bytes = 0;
    std::size_t m_writing = 0;
    std::size_t m_budget;
    bool m_stop = false;
    std::exception_ptr m_error;
    std::vector<std::thread> m_threads;
};

} // namespace cairn::store::detail
