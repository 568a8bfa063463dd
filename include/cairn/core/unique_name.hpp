#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// Names for temporary files and folders that no other process (and no other call in this
// one) picks, and seeds for jitter. Neither asks std::random_device: its set-up runs CPUID,
// which a virtual machine traps into the hypervisor, and that cost showed up in every
// install's profile.
namespace cairn {

// 64 random bits from the kernel (getrandom), read once per process; never blocks.
std::uint64_t process_random_seed() noexcept;

// "<prefix><pid>-<16 hex digits>": the hex digits mix the process's seed with a counter,
// so two calls in one process never repeat and two processes sharing a pid (one after the
// other, in two containers) almost surely differ.
std::string unique_name(std::string_view prefix);

} // namespace cairn
