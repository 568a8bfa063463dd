#include "cairn/core/unique_name.hpp"

#include <fmt/format.h>
#include <sys/random.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>

namespace cairn {

namespace {

// splitmix64's finaliser: spreads consecutive counters over all 64 bits.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

std::uint64_t read_seed() noexcept {
    std::uint64_t seed = 0;
    ssize_t n;
    do
        n = ::getrandom(&seed, sizeof seed, GRND_NONBLOCK);
    while (n < 0 && errno == EINTR);
    if (n != static_cast<ssize_t>(sizeof seed)) {
        // Before the kernel's pool is ready (early boot) or without getrandom: the clock and
        // the address of this frame still tell two processes apart.
        auto now = std::chrono::steady_clock::now().time_since_epoch().count();
        seed = mix(static_cast<std::uint64_t>(now) ^ reinterpret_cast<std::uintptr_t>(&seed));
    }
    return seed;
}

} // namespace

std::uint64_t process_random_seed() noexcept {
    static const std::uint64_t seed = read_seed();
    return seed;
}

std::string unique_name(std::string_view prefix) {
    static std::atomic<std::uint64_t> counter{0};
    std::uint64_t value = mix(process_random_seed() ^ mix(counter.fetch_add(1)));
    return fmt::format("{}{}-{:016x}", prefix, ::getpid(), value);
}

} // namespace cairn
