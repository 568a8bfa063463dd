#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cairn::install::detail {

// Runs fn(i) for i in [0, count) on up to `jobs` threads (the caller's included). The first
// exception thrown stops the hand-out of further items and is rethrown once every thread
// has finished; items already running complete.
template <typename Fn>
void parallel_for(std::size_t count, unsigned jobs, Fn&& fn) {
    if (count == 0)
        return;
    unsigned threads = std::max(1u, std::min<unsigned>(jobs, static_cast<unsigned>(count)));
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr first;
    std::mutex mutex;
    auto work = [&] {
        for (;;) {
            if (failed.load(std::memory_order_relaxed))
                return;
            std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
            if (i >= count)
                return;
            try {
                fn(i);
            } catch (...) {
                std::lock_guard lock(mutex);
                if (!first)
                    first = std::current_exception();
                failed.store(true);
                return;
            }
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    for (unsigned t = 1; t < threads; ++t)
        pool.emplace_back(work);
    work();
    for (auto& thread : pool)
        thread.join();
    if (first)
        std::rethrow_exception(first);
}

// Tasks that add tasks (a folder's copy hands out its subfolders), run on up to `jobs`
// threads (the caller's included) until none is left or running. Each thread keeps the tasks
// it adds and runs them first, newest first (depth first: few wait, holding few open
// folders); when it has none it takes the next task added with push_back, and when there is
// none of those either, the oldest (largest) task of another thread. So the threads work on
// different packages while there are some to start, and share the last ones; a task asks
// wants_tasks() before handing out a part it could as well run itself. The first
// exception thrown stops the hand-out (waiting tasks are dropped, so are those added later)
// and is rethrown by run() once every thread has finished; tasks already running complete.
// A queue runs once. A queue kept open (keep_open(), before run()) waits for more tasks when
// it has none, until close(): tasks may then come from outside while it runs.
class TaskQueue {
public:
    using Task = std::function<void()>;

    // Adds a task after those waiting (the first tasks, in the order to start them).
    void push_back(Task task);
    // Adds a task that the calling thread, when it runs a task of this queue, runs next.
    void push_front(Task task);
    void run(unsigned jobs);
    void keep_open();
    void close();
    // From a running task: whether a part handed out now would help, that is, there is more
    // than one thread and no task added with push_back is left to start (the threads share
    // what is left; a thread waits for work only then). When not, a task runs its parts
    // itself and the queue costs nothing.
    bool wants_tasks() const {
        return m_own.size() > 1 && m_shared_left.load(std::memory_order_relaxed) == 0;
    }

private:
    bool take(std::size_t worker, Task& task);
    void work(std::size_t worker);

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Task> m_shared;
    std::vector<std::deque<Task>> m_own; // a thread's own tasks, newest first
    std::size_t m_waiting = 0;           // tasks in m_shared and m_own
    std::atomic<std::size_t> m_shared_left{0};
    std::size_t m_running = 0;
    bool m_open = false;
    std::exception_ptr m_error;
};

} // namespace cairn::install::detail
