// Package archives on arbitrary bytes (plain tar, gzip inflated by ISA-L, zstd, xz):
// extract_archive either makes a tree whose listing on disk is the manifest it returned,
// and is the listing it returned folder by folder (which installs link by), or throws a
// cairn::Error of an archive kind (or io, for a name the filesystem refuses) and leaves nothing
// behind. Nothing may ever appear beside the destination folder. Every other input also goes
// through the parallel file writers (ExtractOptions).
#include "cairn/core/error.hpp"
#include "cairn/core/tree_listing.hpp"
#include "cairn/store/extract.hpp"

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;
using namespace cairn;

namespace {

const fs::path& work_folder() {
    static const fs::path root = [] {
        fs::path made =
            fs::temp_directory_path() / ("cairn-archive-fuzz-" + std::to_string(::getpid()));
        fs::create_directories(made);
        std::atexit([] {
            std::error_code ec;
            fs::remove_all(work_folder(), ec);
        });
        return made;
    }();
    return root;
}

// Whether each folder of the tree at `top` holds what `text` lists for it, and nothing
// else, and `text` lists no folder the tree lacks.
bool listing_is_the_tree(const std::string& text, const fs::path& top) {
    auto listing = tree_listing::Listing::decode(text);
    if (!listing)
        return false;
    std::size_t folders = 0;
    std::vector<std::string> pending{""};
    while (!pending.empty()) {
        std::string rel = std::move(pending.back());
        pending.pop_back();
        ++folders;
        const auto* listed = listing->folder(rel);
        if (!listed)
            return false;
        std::set<std::pair<char, std::string>> want, have;
        for (const auto& entry : *listed)
            want.emplace(static_cast<char>(entry.kind), std::string(entry.name));
        for (const auto& entry : fs::directory_iterator(rel.empty() ? top : top / rel)) {
            std::string name = entry.path().filename().string();
            char kind = entry.is_symlink() ? 'l' : entry.is_directory() ? 'd' : 'f';
            have.emplace(kind, name);
            if (kind == 'd')
                pending.push_back(rel.empty() ? name : rel + "/" + name);
        }
        if (want != have)
            return false;
    }
    return folders == listing->folders();
}

bool only_the_archive_is_left(const fs::path& root) {
    for (const auto& entry : fs::directory_iterator(root))
        if (entry.path().filename() != "a.archive")
            return false;
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fs::path& root = work_folder();
    const fs::path archive = root / "a.archive";
    const fs::path out = root / "out";
    {
        std::ofstream file(archive, std::ios::binary | std::ios::trunc);
        file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    store::ExtractOptions options;
    options.limits.max_bytes = 8u << 20;
    options.limits.max_entries = 4000;
    options.limits.ratio_grace_bytes = 1u << 20;
    options.strip = size % 3 == 0 ? store::StripComponents::first : store::StripComponents::none;
    options.parallel_writes_from = size % 2 == 0 ? 0 : std::numeric_limits<std::uint64_t>::max();
    try {
        auto result = store::extract_archive(archive, out, options);
        if (store::tree_manifest(out) != result.manifest)
            std::abort();
        if (!listing_is_the_tree(result.listing, out))
            std::abort();
        fs::remove_all(out);
    } catch (const Error& e) {
        switch (e.code()) {
        case Code::archive_invalid:
        case Code::archive_escape:
        case Code::archive_limit:
        case Code::io:
            break;
        default:
            std::abort();
        }
        if (fs::exists(fs::symlink_status(out)))
            std::abort();
    }
    if (!only_the_archive_is_left(root))
        std::abort();
    return 0;
}
