#pragma once

#include "cairn/config/layered_config.hpp"

#include <span>

namespace cairn::config {

// Merges sources given lowest precedence first (grouped by level): within a level with
// conflict errors, across levels key by key with `$clear`.
Json merge_sources(std::span<const LayeredConfig::LoadedSource> sources);

} // namespace cairn::config
