#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
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

} // namespace cairn::install::detail
