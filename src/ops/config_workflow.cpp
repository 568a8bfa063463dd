#include "cairn/ops/config_workflow.hpp"

#include "cairn/registry/registry_model.hpp"

namespace cairn::ops {

SessionConfig load_config(const ConfigRequest& request) {
    auto root = config::find_project_root(request.cwd);
    config::ConfigLocations locations = config::standard_locations(request.env, root);
    locations.flags = request.flags;
    return SessionConfig{root, config::LayeredConfig::load(locations, request.env)};
}

ConfigValidation validate_config(const config::LayeredConfig& config) {
    ConfigValidation result;
    for (const config::Source* source : config.sources())
        if (source->level != config::Level::defaults && source->level != config::Level::flags)
            ++result.files;
    result.warnings = config.warnings();
    registry::RegistryModel model = registry::read_registry_model(config);
    result.formats = model.formats.size();
    for (const auto& format : model.formats) {
        result.authorities += format.authorities.size();
        for (const auto& authority : format.authorities)
            result.registries += authority.registries.size();
    }
    result.warnings.insert(result.warnings.end(), model.warnings.begin(), model.warnings.end());
    return result;
}

} // namespace cairn::ops
