#include "worker_pool.hpp"

namespace cairn::install::detail {

namespace {

// The queue and worker the calling thread runs tasks for.
struct CurrentWorker {
    const TaskQueue* queue = nullptr;
    std::size_t worker = 0;
};
thread_local CurrentWorker t_current;

} // namespace

void TaskQueue::push_back(Task task) {
    {
        std::lock_guard lock(m_mutex);
        if (m_error)
            return;
        m_shared.push_back(std::move(task));
        m_shared_left = m_shared.size();
        ++m_waiting;
    }
    m_wake.notify_one();
}

void TaskQueue::push_front(Task task) {
    {
        std::lock_guard lock(m_mutex);
        if (m_error)
            return;
        if (t_current.queue == this)
            m_own[t_current.worker].push_front(std::move(task));
        else
            m_shared.push_front(std::move(task));
        m_shared_left = m_shared.size();
        ++m_waiting;
    }
    m_wake.notify_one();
}

bool TaskQueue::take(std::size_t worker, Task& task) {
    if (m_waiting == 0)
        return false;
    if (auto& own = m_own[worker]; !own.empty()) {
        task = std::move(own.front());
        own.pop_front();
    } else if (!m_shared.empty()) {
        task = std::move(m_shared.front());
        m_shared.pop_front();
        m_shared_left = m_shared.size();
    } else {
        for (std::size_t k = 1; k < m_own.size(); ++k) {
            auto& other = m_own[(worker + k) % m_own.size()];
            if (!other.empty()) {
                task = std::move(other.back());
                other.pop_back();
                break;
            }
        }
    }
    --m_waiting;
    return true;
}

void TaskQueue::work(std::size_t worker) {
    CurrentWorker outer = t_current;
    t_current = {this, worker};
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [&] { return m_waiting > 0 || (m_running == 0 && !m_open) || m_error; });
        Task task;
        if (m_error || !take(worker, task))
            break; // stopped, or all done
        ++m_running;
        lock.unlock();
        std::exception_ptr error;
        try {
            task();
        } catch (...) {
            error = std::current_exception();
        }
        task = nullptr; // what it holds is released outside the lock
        lock.lock();
        --m_running;
        if (error && !m_error) {
            m_error = error;
            m_shared.clear();
            m_shared_left = 0;
            for (auto& own : m_own)
                own.clear();
            m_waiting = 0;
        }
        if (m_error || (m_waiting == 0 && m_running == 0 && !m_open))
            m_wake.notify_all();
    }
    t_current = outer;
}

void TaskQueue::keep_open() {
    std::lock_guard lock(m_mutex);
    m_open = true;
}

void TaskQueue::close() {
    {
        std::lock_guard lock(m_mutex);
        m_open = false;
    }
    m_wake.notify_all();
}

void TaskQueue::run(unsigned jobs) {
    jobs = std::max(1u, jobs);
    {
        std::lock_guard lock(m_mutex);
        if (m_waiting == 0 && !m_open)
            return;
        m_own.resize(jobs);
    }
    std::vector<std::thread> pool;
    pool.reserve(jobs - 1);
    for (unsigned t = 1; t < jobs; ++t)
        pool.emplace_back([this, t] { work(t); });
    work(0);
    for (auto& thread : pool)
        thread.join();
    if (m_error)
        std::rethrow_exception(m_error);
}

} // namespace cairn::install::detail
