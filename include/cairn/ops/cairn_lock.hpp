#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

// The `cairn` section of cairn.lock, kept by the cairn-format workflows until the lock
// module takes it over. Only the top-level key "cairn" of cairn.lock is read and replaced;
// every other key of the file is kept as it was (the file is JSON, keys sorted, 2-space
// indent):
//
//   "cairn": {
//     "version": 1,
//     "packages": { "acme/libfoo": { "version": "1.2.3", "digest": "sha256:...",
//                   "size": 123, "registry": "file:///...", "index": "<owner-id>/acme/libfoo",
//                   "dependencies": ["acme/libbar"] } },
//     "trust": { "cairn:acme/*": "SHA256:...", "cairn:acme/libfoo": "SHA256:..." }
//   }
namespace cairn::ops {

inline constexpr std::string_view k_lock_file = "cairn.lock";

struct CairnLockedPackage {
    std::string version;
    std::string digest;
    std::uint64_t size = 0;
    std::string registry;
    std::string index;
    std::vector<std::string> dependencies;
};

struct CairnLock {
    std::map<std::string, CairnLockedPackage> packages; // "acme/libfoo" -> release
    std::map<std::string, std::string> trust;           // trust id -> owner id (first use)
};

// Reads PROJECT/cairn.lock's "cairn" section; empty when the file or section is absent.
// Throws Error(Code::config_parse) when the file is not JSON or the section is malformed.
CairnLock read_cairn_lock(const std::filesystem::path& project);
// Replaces the "cairn" section of PROJECT/cairn.lock (creating the file), keeping other keys.
void write_cairn_lock(const std::filesystem::path& project, const CairnLock& lock);

// `cairn trust accept PACKAGE KEYID`: records KEYID as the owner of PACKAGE (a package id,
// or a scope's "cairn:scope/*") in the lockfile, replacing the earlier record. Returns the
// previous owner id, empty when there was none.
std::string accept_owner_key(const std::filesystem::path& project, std::string_view package_id,
                             std::string_view keyid);

} // namespace cairn::ops
