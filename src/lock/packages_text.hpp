#pragma once

#include "cairn/lock/lockfile.hpp"

#include <map>
#include <string>

namespace cairn::lock::detail {

// The lockfile's "packages" value at its place in the document (two spaces in): the bytes
// the generic writer gives for it (keys sorted, two-space indentation, arrays of strings on
// one line), written without building a JSON tree of a thousand packages first.
void append_packages(std::string& out, const std::map<std::string, LockedPackage>& packages);

} // namespace cairn::lock::detail
