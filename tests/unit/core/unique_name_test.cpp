// Temporary names: the shape callers and `cairn cache` pruning rely on, and no repeats
// within a process, across threads.
#include "cairn/core/unique_name.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace cairn {
namespace {

TEST(UniqueName, IsPrefixPidAndSixteenHexDigits) {
    std::string name = unique_name("unpack-");
    std::regex shape("unpack-" + std::to_string(::getpid()) + "-[0-9a-f]{16}");
    EXPECT_TRUE(std::regex_match(name, shape)) << name;
}

TEST(UniqueName, NeverRepeatsWithinAProcessAcrossThreads) {
    constexpr int k_threads = 4, k_each = 20000;
    std::vector<std::vector<std::string>> made(k_threads);
    std::vector<std::thread> threads;
    for (int t = 0; t < k_threads; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < k_each; ++i)
                made[t].push_back(unique_name("x-"));
        });
    for (auto& thread : threads)
        thread.join();
    std::set<std::string> all;
    for (const auto& names : made)
        all.insert(names.begin(), names.end());
    EXPECT_EQ(all.size(), static_cast<std::size_t>(k_threads * k_each));
}

} // namespace
} // namespace cairn
