#pragma once

#include "app.hpp"

#include "cairn/ops/config_workflow.hpp"

namespace cairn::cli {

// The configuration this run of cairn uses: the standard levels around the working
// directory (-C), plus --config/--offline/--prefer-offline as the flag level. Prints the
// configuration's warnings unless --quiet.
ops::SessionConfig load_session_config(const Session& session);

// The process environment as the config module reads it.
config::EnvLookup process_environment();

} // namespace cairn::cli
