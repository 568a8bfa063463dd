#pragma once

#include "support/temp_dir.hpp"
#include "support/testdata.hpp"

#include "cairn/core/error.hpp"
#include "cairn/store/store.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <string>

namespace cairn::test {

template <typename F>
std::optional<Error> error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    return std::nullopt;
}

// Every path under `root` (not following links) with its content for regular files and
// its target for links: a snapshot to prove that nothing changed.
inline std::map<std::string, std::string> snapshot(const std::filesystem::path& root,
                                                   const std::set<std::string>& skip = {}) {
    namespace fs = std::filesystem;
    std::map<std::string, std::string> out;
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
         ++it) {
        std::string rel = fs::relative(it->path(), root).string();
        bool skipped = false;
        for (const auto& prefix : skip)
            if (rel.rfind(prefix, 0) == 0)
                skipped = true;
        if (skipped)
            continue;
        auto status = it->symlink_status();
        if (fs::is_symlink(status))
            out[rel] = "-> " + fs::read_symlink(it->path()).string();
        else if (fs::is_regular_file(status))
            out[rel] = read_file(it->path());
        else if (fs::is_directory(status))
            out[rel] = "<dir>";
        else
            out[rel] = "<special>";
    }
    return out;
}

inline Digest sha512_of(std::string_view bytes) {
    return digest_bytes(DigestAlgorithm::sha512, bytes);
}

} // namespace cairn::test
