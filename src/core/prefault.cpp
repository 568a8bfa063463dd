// Faulting in a buffer about to be filled (prefault.hpp).
#include "cairn/core/prefault.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace cairn {

void prefault(void* data, std::size_t size) noexcept {
#ifdef MADV_POPULATE_WRITE
    if (!data || size < k_prefault_from)
        return;
    static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    if (page == 0 || (page & (page - 1)) != 0)
        return;
    auto begin = reinterpret_cast<std::uintptr_t>(data);
    auto end = begin + size;
    begin = (begin + page - 1) & ~(page - 1);
    end &= ~(page - 1);
    if (end > begin)
        ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
#else
    (void)data;
    (void)size;
#endif
}

} // namespace cairn
