#pragma once

#include "cairn/core/digest.hpp"
#include "cairn/core/error.hpp"
#include "cairn/store/store.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cairn::net {
class Client;
}

// The install's artifact pipeline: every artifact ends as a complete unpacked tree in the
// store. Trees already complete cost one stat; stored blobs are unpacked; missing ones are
// downloaded (a sliding window of requests through the one client) or read from file://
// URLs, verified while they stream, and unpacked by a worker pool while later downloads
// are still in flight.
namespace cairn::ops::detail {

struct NeededArtifact {
    std::string url; // http(s)://, or file:// for registry folders
    Digest digest;
    std::string label; // "npm:left-pad@1.3.0", for messages
};

struct ArtifactOutcome {
    std::optional<std::filesystem::path> tree; // the unpacked tree, when it worked
    std::optional<Error> error;                // why not, otherwise
    bool downloaded = false;
    std::uint64_t bytes = 0;
};

struct PipelineOptions {
    store::StripComponents strip = store::StripComponents::first;
    store::ExtractLimits limits;
    std::size_t max_in_flight = 64;
    unsigned workers = 0; // 0: hardware threads
    // Called after each artifact completes (from the calling thread): done, total.
    std::function<void(std::size_t, std::size_t)> progress;
};

// One outcome per artifact, in order; never throws for a single artifact's failure (the
// caller decides: an optional package is skipped, anything else fails the install).
// `client` is called (from the calling thread) the first time a download is needed, and
// not at all when the store and file:// URLs have everything.
std::vector<ArtifactOutcome> ensure_unpacked(const store::Store& store,
                                             const std::function<net::Client&()>& client,
                                             const std::vector<NeededArtifact>& artifacts,
                                             const PipelineOptions& options);

// The path of a file:// URL ("file:///a/b%20c" -> "/a/b c"); nullopt for other schemes.
std::optional<std::filesystem::path> file_url_path(std::string_view url);

} // namespace cairn::ops::detail
