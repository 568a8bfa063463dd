#include "whole_inflate.hpp"

#include <libdeflate.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <memory>
#include <span>

namespace cairn::store::detail {

namespace {

std::atomic<std::uint64_t> g_inflating{0};

// Takes `bytes` of the budget; false when they do not fit.
bool reserve_inflating(std::uint64_t bytes) {
    std::uint64_t held = g_inflating.load(std::memory_order_relaxed);
    do {
        if (held + bytes > k_inflating_at_most)
            return false;
    } while (!g_inflating.compare_exchange_weak(held, held + bytes, std::memory_order_relaxed));
    return true;
}

} // namespace

MappedBytes::MappedBytes(std::size_t size) : m_size(size) {
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m_bytes = p == MAP_FAILED ? nullptr : static_cast<std::uint8_t*>(p);
}

MappedBytes::~MappedBytes() {
    if (m_bytes)
        ::munmap(m_bytes, m_size);
}

Inflated::Reservation::~Reservation() {
    g_inflating.fetch_sub(bytes, std::memory_order_relaxed);
}

std::optional<Inflated> inflate_whole(int fd, Hasher* hasher, const ExtractLimits& limits) {
    constexpr std::uint64_t k_most_compressed = 16u << 20;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size < 18 ||
        static_cast<std::uint64_t>(st.st_size) > k_most_compressed)
        return std::nullopt;
    auto size = static_cast<std::size_t>(st.st_size);
    MappedBytes in(size);
    if (!in)
        return std::nullopt;
    for (std::size_t done = 0; done < size;) {
        ssize_t n = ::pread(fd, in.get() + done, size - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return std::nullopt; // the stream reports it
        done += static_cast<std::size_t>(n);
    }
    if (in[0] != 0x1f || in[1] != 0x8b || in[2] != 8)
        return std::nullopt;
    // ISIZE, the inflated size modulo 2^32: a tar is at least its 1024-byte end marker,
    // and what would break the limits' size or ratio is left to the stream's checks.
    std::uint64_t inflated = std::uint64_t{in[size - 4]} | std::uint64_t{in[size - 3]} << 8 |
                             std::uint64_t{in[size - 2]} << 16 | std::uint64_t{in[size - 1]} << 24;
    if (inflated < 1024 || inflated > k_inflating_at_most || inflated > limits.max_bytes ||
        (inflated > limits.ratio_grace_bytes && inflated / size > limits.max_ratio))
        return std::nullopt;
    std::unique_ptr<libdeflate_decompressor, void (*)(libdeflate_decompressor*)> decompressor(
        libdeflate_alloc_decompressor(), libdeflate_free_decompressor);
    if (!decompressor || !reserve_inflating(inflated))
        return std::nullopt;
    Inflated out{Inflated::Reservation(inflated), MappedBytes(static_cast<std::size_t>(inflated)),
                 static_cast<std::size_t>(inflated), size};
    if (!out.bytes)
        return std::nullopt;
    std::size_t used = 0, produced = 0;
    if (libdeflate_gzip_decompress_ex(decompressor.get(), in.get(), size, out.bytes.get(), out.size,
                                      &used, &produced) != LIBDEFLATE_SUCCESS ||
        used != size || produced != out.size)
        return std::nullopt;          // another member, trailing bytes, damage: the stream decides
    if (::lseek(fd, 0, SEEK_END) < 0) // read: the digest check finds nothing more
        return std::nullopt;
    if (hasher)
        hasher->update(std::span<const std::uint8_t>(in.get(), size));
    return out;
}

} // namespace cairn::store::detail
