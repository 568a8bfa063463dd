#pragma once

#include "cairn/config/layered_config.hpp"

#include <filesystem>
#include <optional>
#include <string_view>

namespace cairn::ops::detail {

// The program a shell would run for `program`: the first executable, non-folder match in
// the PATH that `env` gives; nullopt when there is none.
std::optional<std::filesystem::path> find_on_path(const config::EnvLookup& env,
                                                  std::string_view program);

} // namespace cairn::ops::detail
