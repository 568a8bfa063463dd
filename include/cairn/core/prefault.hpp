#pragma once

#include <cstddef>

// Faulting in a buffer about to be filled in one call instead of page by page.
//
// A page of fresh memory costs a trap when it is first touched: 1-2 µs each on a virtual
// machine, where most of that is the trap itself. A buffer that is about to be written
// whole (a response body whose length is known, a cached document read into memory) can
// have its pages made present by one madvise(MADV_POPULATE_WRITE) instead: the kernel
// still zeroes each page, but no thread traps thousands of times.
namespace cairn {

// Buffers smaller than this are left alone: a few pages cost less than the call.
inline constexpr std::size_t k_prefault_from = std::size_t{64} << 10;

// Makes the whole pages inside [data, data + size) present and writable, when size is at
// least k_prefault_from. Best effort: nothing happens where the kernel cannot (before
// Linux 5.14) or the memory is short; the pages then fault as they are touched.
void prefault(void* data, std::size_t size) noexcept;

} // namespace cairn
