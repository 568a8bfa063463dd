#pragma once

#include "cairn/registry/registry_model.hpp"

#include <string>
#include <vector>

namespace cairn::registry {

// Orders an authority's registries: the declared before/after constraints first, then
// the authority's default order (declaration order or alphabetical) among registries the
// constraints leave free. Throws cairn::Error(config_invalid) for an unknown name in a
// constraint or a cycle ("corp -> mirror -> corp").
std::vector<Registry> order_registries(const std::string& authority, std::vector<Registry> declared,
                                       DefaultOrder default_order,
                                       const std::vector<std::string>& dropped);

} // namespace cairn::registry
