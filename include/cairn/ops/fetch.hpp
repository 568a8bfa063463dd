#pragma once

#include "cairn/config/layered_config.hpp"
#include "cairn/core/digest.hpp"
#include "cairn/store/maintenance.hpp"
#include "cairn/store/store.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace cairn::net {
class Client;
}

// Fetching artifacts into the store, and the store's maintenance, as workflows the CLI
// (`cairn cache ...`) and later install/lock call.
namespace cairn::ops {

// One artifact: where to download it, and the digest it must have.
struct Artifact {
    std::string url;
    Digest digest;
};

// "URL#SRI" (as `cairn cache add` takes it, and as npm lockfiles pair them). Throws
// Error(Code::usage) naming the text when there is no '#' or the URL is not http(s), and
// Error(Code::integrity) when the SRI string is not one.
Artifact parse_artifact(std::string_view text);
// A list file: one "URL#SRI" or "URL SRI" per line; blank lines and lines starting with
// '#' are skipped. Errors name the file and line.
std::vector<Artifact> read_artifact_list(const std::filesystem::path& path);

struct FetchOptions {
    bool unpack = false;
    store::StripComponents strip = store::StripComponents::first; // npm tarballs
    store::ExtractLimits limits;    // also caps each download: limits.max_archive_bytes()
    std::size_t max_in_flight = 64; // downloads (and open temporary files) at once
};

struct FetchSummary {
    std::size_t requested = 0;
    std::size_t already_stored = 0;
    std::size_t downloaded = 0;
    std::uint64_t downloaded_bytes = 0;
    std::size_t unpacked = 0;         // trees extracted by this run
    std::size_t already_unpacked = 0; // complete trees found
    std::chrono::milliseconds elapsed{0};
};

// For each artifact not already in the store, downloads it through `client`, streaming
// into the store's blob writer (verified against its digest), then optionally unpacks it.
// Duplicate artifacts are fetched once. Failures carry the artifact as context
// ("while: fetching artifact sha512-... from URL"): offline_miss when the client is
// offline, integrity when the bytes do not match, and the client's network codes.
FetchSummary fetch_artifacts(const store::Store& store, net::Client& client,
                             const std::vector<Artifact>& artifacts, const FetchOptions& options);

// The same with the store at `store_root` and a client configured from `config`
// (net::client_options: network.mode, connection limits, CA file, credentials).
FetchSummary fetch_artifacts(const std::filesystem::path& store_root,
                             const config::LayeredConfig& config,
                             const std::vector<Artifact>& artifacts, const FetchOptions& options);

// $CAIRN_HOME, else $XDG_CACHE_HOME/cairn, else ~/.cache/cairn.
std::filesystem::path store_root(const config::EnvLookup& env);

} // namespace cairn::ops
