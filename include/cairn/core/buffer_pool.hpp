#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

// Large buffers handed back by whoever is done with one and taken again for the next
// use (response bodies: net::Request::body_buffers). A fresh buffer's pages are made
// present (zeroed by the kernel) as bytes reach them and are unmapped when it is freed:
// the 140 MB of packuments a large project's cold install reads cost the network thread
// 40 ms of page work that way. A kept buffer's pages are present already. Thread-safe.
namespace cairn {

class BufferPool {
public:
    // Keeps at most `max_bytes` of buffers, none smaller than `min_capacity`.
    explicit BufferPool(std::size_t max_bytes, std::size_t min_capacity = 64 * 1024);
    BufferPool(const BufferPool&) = delete;
    BufferPool& operator=(const BufferPool&) = delete;

    struct Taken {
        std::string buffer; // empty, with room for at least the bytes asked for
        // The first `present` bytes of its room were written before (their pages are
        // present); 0 for a new buffer.
        std::size_t present = 0;
    };
    // The smallest kept buffer with room for `capacity` bytes, or a new one with that room.
    Taken take(std::size_t capacity);
    // Keeps `buffer` for a later take() (its bytes are dropped), unless it is too small or
    // the pool is full: then the smallest buffers go, down to the limit.
    void give(std::string&& buffer) noexcept;

    std::size_t kept_bytes() const;
    std::size_t kept_buffers() const;

private:
    struct Kept {
        std::string buffer;
        std::size_t present = 0;
    };
    const std::size_t m_max_bytes;
    const std::size_t m_min_capacity;
    mutable std::mutex m_mutex;
    std::multimap<std::size_t, Kept> m_kept; // by capacity
    std::size_t m_kept_bytes = 0;
    // Buffers taken and not yet given back, by address: how much of each was present
    // (a small body in a large buffer leaves the rest of its pages present).
    std::unordered_map<const char*, std::size_t> m_lent;
};

} // namespace cairn
