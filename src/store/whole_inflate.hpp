#pragma once

#include "cairn/core/digest.hpp"
#include "cairn/store/extract.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

// Inflating a gzip tarball whole in memory with libdeflate (2.6 times the speed of zlib's
// streaming inflation through libarchive: 163 against 423 ms for the medium bench
// project's 258 tarballs), for the extractor to read as a plain tar.
namespace cairn::store::detail {

// Anonymous memory mapped for one archive and unmapped after: malloc would keep freed
// blocks of this size in its arenas (its mmap threshold rises to 32 MiB after the first
// such free), and a medium cold install's peak RSS grew by 58 MiB.
class MappedBytes {
public:
    MappedBytes() = default;
    explicit MappedBytes(std::size_t size); // empty (false) when the mapping failed
    MappedBytes(MappedBytes&& other) noexcept
        : m_bytes(std::exchange(other.m_bytes, nullptr)), m_size(other.m_size) {}
    MappedBytes& operator=(MappedBytes&& other) noexcept {
        std::swap(m_bytes, other.m_bytes);
        std::swap(m_size, other.m_size);
        return *this;
    }
    ~MappedBytes();

    std::uint8_t* get() const { return m_bytes; }
    std::uint8_t operator[](std::size_t i) const { return m_bytes[i]; }
    explicit operator bool() const { return m_bytes != nullptr; }

private:
    std::uint8_t* m_bytes = nullptr;
    std::size_t m_size = 0;
};

// Bytes held by archives inflated whole, across the process's unpacking threads: past
// this an archive is streamed instead, so that a cold install's peak memory stays what
// streaming needs plus a little (it is compared with bun's).
inline constexpr std::uint64_t k_inflating_at_most = 16u << 20;

// A tarball inflated whole: the tar's bytes, holding their share of the budget.
struct Inflated {
    struct Reservation { // declared first: given back after the memory is unmapped
        std::uint64_t bytes = 0;
        explicit Reservation(std::uint64_t b) : bytes(b) {}
        Reservation(Reservation&& other) noexcept : bytes(std::exchange(other.bytes, 0)) {}
        Reservation& operator=(Reservation&&) = delete;
        ~Reservation();
    };
    Reservation reservation;
    MappedBytes bytes;
    std::size_t size = 0;              // of the tar
    std::uint64_t compressed_size = 0; // of the file, all of it read
};

// The archive open as `fd` (at offset 0), inflated whole when it is one gzip member of at
// most 16 MiB whose trailer's size (16 MiB at most, within `limits`' size and ratio) is
// what it inflates to. The whole file is then read (`hasher`, when given, has it all) and
// `fd` is at its end. nullopt, with nothing read and `fd` where it was, otherwise: a
// second member, trailing bytes, damage, sizes past the limits, the budget spent.
std::optional<Inflated> inflate_whole(int fd, Hasher* hasher, const ExtractLimits& limits);

} // namespace cairn::store::detail
