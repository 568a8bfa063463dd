#pragma once

#include "cairn/resolve/derivation.hpp"
#include "cairn/version/version_set.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace cairn::resolve {

struct ReportOptions {
    // How a range of one package is written; the default prints "any" for every version
    // and VersionSet::to_string otherwise. A format can print its own range flavour
    // (for example "^1.0.0").
    std::function<std::string(std::string_view package, const version::VersionSet& versions)>
        format_versions;
};

// The derivation as readable English, one derived fact per line, following the error
// reporting of PubGrub: "Because a 1.x depends on b ^2 and root depends on b ^1, ...".
// A line that is referred to again later is numbered "(1)"; the last line concludes
// "version solving failed". Lines end with '\n'.
std::string explain(const DerivationTree& tree, const ReportOptions& options = {});

} // namespace cairn::resolve
