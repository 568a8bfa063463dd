#include "program_path.hpp"

#include "cairn/core/text.hpp"

#include <unistd.h>

namespace cairn::ops::detail {

namespace fs = std::filesystem;

std::optional<fs::path> find_on_path(const config::EnvLookup& env, std::string_view program) {
    auto path = env ? env("PATH") : std::nullopt;
    if (!path)
        return std::nullopt;
    for (std::string_view dir : text::split(*path, ':')) {
        if (dir.empty())
            continue;
        fs::path candidate = fs::path(std::string(dir)) / std::string(program);
        if (::access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate))
            return candidate;
    }
    return std::nullopt;
}

} // namespace cairn::ops::detail
