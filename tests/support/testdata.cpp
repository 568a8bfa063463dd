#include "support/testdata.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cairn::test {

std::optional<std::filesystem::path> testdata_dir() {
    if (const char* env = std::getenv("CAIRN_TESTDATA"); env && *env) {
        if (std::filesystem::is_directory(env))
            return std::filesystem::path(env);
        return std::nullopt;
    }
    std::filesystem::path fallback = CAIRN_DEFAULT_TESTDATA;
    if (std::filesystem::is_directory(fallback))
        return fallback.lexically_normal();
    return std::nullopt;
}

std::string testdata_skip_reason() {
    if (const char* env = std::getenv("CAIRN_TESTDATA"); env && *env)
        return std::string("SKIPPED: $CAIRN_TESTDATA=") + env + " is not a folder";
    return "SKIPPED: shared test vectors not found (../shared/testdata beside the checkout); "
           "set CAIRN_TESTDATA to their folder";
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path.string());
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void write_file(const std::filesystem::path& path, std::string_view content) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out)
        throw std::runtime_error("cannot write " + path.string());
}

std::filesystem::path source_dir() { return CAIRN_SOURCE_DIR; }

} // namespace cairn::test
