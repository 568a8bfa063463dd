#include "cairn/core/buffer_pool.hpp"

#include <algorithm>
#include <new>
#include <utility>

namespace cairn {

BufferPool::BufferPool(std::size_t max_bytes, std::size_t min_capacity)
    : m_max_bytes(max_bytes), m_min_capacity(min_capacity) {}

BufferPool::Taken BufferPool::take(std::size_t capacity) {
    {
        std::lock_guard lock(m_mutex);
        auto it = m_kept.lower_bound(capacity);
        if (it != m_kept.end()) {
            Taken taken{std::move(it->second.buffer), it->second.present};
            try {
                m_lent[taken.buffer.data()] = taken.present;
            } catch (const std::bad_alloc&) {
                // Not remembered: given back, it counts as present as far as it was filled.
                m_lent.erase(taken.buffer.data());
            }
            m_kept_bytes -= it->first;
            m_kept.erase(it);
            return taken;
        }
    }
    Taken fresh;
    fresh.buffer.reserve(capacity);
    std::lock_guard lock(m_mutex);
    try {
        // (Replacing what a buffer lent before at this address and never given back left.)
        m_lent[fresh.buffer.data()] = 0;
    } catch (const std::bad_alloc&) {
        m_lent.erase(fresh.buffer.data());
    }
    return fresh;
}

void BufferPool::give(std::string&& buffer) noexcept {
    std::size_t capacity = buffer.capacity();
    if (capacity < m_min_capacity || capacity > m_max_bytes)
        return; // freed by the caller's string
    // What was written is present (a body fills its buffer from byte 0), and what was
    // present when it was lent, if it has not moved since.
    Kept kept{std::move(buffer), 0};
    kept.present = kept.buffer.size();
    kept.buffer.clear();
    std::lock_guard lock(m_mutex);
    if (auto lent = m_lent.find(kept.buffer.data()); lent != m_lent.end()) {
        kept.present = std::max(kept.present, lent->second);
        m_lent.erase(lent);
    }
    try {
        m_kept.emplace(capacity, std::move(kept));
    } catch (const std::bad_alloc&) {
        return; // not kept: `kept` frees it
    }
    m_kept_bytes += capacity;
    while (m_kept_bytes > m_max_bytes) {
        auto smallest = m_kept.begin();
        m_kept_bytes -= smallest->first;
        m_kept.erase(smallest);
    }
}

std::size_t BufferPool::kept_bytes() const {
    std::lock_guard lock(m_mutex);
    return m_kept_bytes;
}

std::size_t BufferPool::kept_buffers() const {
    std::lock_guard lock(m_mutex);
    return m_kept.size();
}

} // namespace cairn
