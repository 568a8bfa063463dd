#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace cairn::test {

// The shared test vectors: $CAIRN_TESTDATA, else ../shared/testdata beside the checkout.
// nullopt when neither exists; callers GTEST_SKIP() with skip_reason().
std::optional<std::filesystem::path> testdata_dir();
std::string testdata_skip_reason();

// The test vectors of one set (e.g. "json5"), or GTEST_SKIP from the calling test.
#define CAIRN_REQUIRE_TESTDATA(var, subdir)                                                        \
    auto var##_root = ::cairn::test::testdata_dir();                                              \
    if (!var##_root)                                                                               \
        GTEST_SKIP() << ::cairn::test::testdata_skip_reason();                                     \
    const std::filesystem::path var = *var##_root / (subdir)

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, std::string_view content);

// The project's source folder (for bundled fixtures under tests/ and examples/).
std::filesystem::path source_dir();

} // namespace cairn::test
