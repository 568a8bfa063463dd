#pragma once

#include "cairn/protocol/npm/packument.hpp"

#include <string>

namespace cairn::test {

// A packument in an earlier compact encoding, as an earlier cairn wrote it to the metadata
// cache: 1 ("cpk1", no engines.node) or 2 ("cpk2"); both have `published` as ISO text and
// write every tarball and shasum out.
std::string earlier_compact_packument(const protocol::npm::Packument& packument, int format);

} // namespace cairn::test
