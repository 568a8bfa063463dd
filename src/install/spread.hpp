#pragma once

#include "fs_tree.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

// Making many sibling folders of unrelated trees (node_modules' packages, the isolated
// layout's units) without paying ext4's spreading search for each of them.
//
// Such folders should land in block groups of their own, away from the one a just-deleted
// node_modules emptied: on ext4 without a journal, each mkdir there steps over every
// recently freed inode, one by one. FS_TOPDIR_FL on their parent does that
// (core/folder_hint.hpp), but then each mkdir in it scans every block group's descriptor
// (about 2,000 on a 250 GB disk without flex_bg) while holding the parent's lock: a tenth
// of a millisecond per package. Instead, the folders are born in "buckets", folders made
// in a flagged home folder (one scan each), each holding `per_bucket` new folders, which
// the allocator puts beside their bucket. Each new folder is then renamed into its parent.
// One install's folders are so spread over about count/per_bucket block groups; measured
// with a medium project right after 4,500 folders were deleted beside it, this kept the
// protection of the flag (150-220 ms against 600-750 ms without either) with one scan per
// bucket instead of one per folder.
//
// A bucket holds 64 folders: each bucket costs a scan, and on a disk without recent
// deletions the scans were what a small project's CI install paid beyond bun's. On a fresh
// 250 GB ext4 (no journal, no flex_bg), 30 alternating rounds: 12.6 ms with 8 per bucket,
// 12.0 with 16, 11.6 with 32, 11.1 with 64 (bun 13.7); a medium project's CI, offline
// and warm installs there, deletions of earlier rounds beside them, were the same with 8,
// 16 or 64 (65/66/89 ms with 8, 64/73/87 with 64; bun 93/95/197).
//
// Buckets are numbered and stay, empty, for the next install into the same node_modules,
// which makes no new ones. Removing a folder frees its block, and a disk mounted with
// `discard` trims that block before rmdir returns, holding the home folder's lock: 0.2-1.5
// ms per bucket on the virtual disk measured, where the other thread waited for that lock
// to make its next bucket.
//
// Bucket names also carry the home folder's inode number (".spread-0.<inode>",
// ".spread-1.<inode>"...): ext4 starts its search for a flagged folder's group at a hash of
// the new folder's name, so fixed names would send every new node_modules' buckets to the
// groups the previous one emptied, where (without a journal) each new inode steps over
// every inode freed there in the last minutes. Repeated installs of a small project (10
// alternating rounds of 5) took 24.8 ms (33.6 of CPU) warm and 21.8 (35.0) from a lockfile
// with fixed names, 22.1 (31.9) and 18.1 (27.7) with these.
//
// Two limits of that, measured later on the same 250 GB disk: ext4 gives a folder made in
// the same second as the last one was removed that one's inode number (it steps over
// inodes freed in earlier seconds only), so `rm -rf node_modules && cairn install` mostly
// gets the previous names; and the search takes the group with the fewest folders among
// all those above the average of free inodes and blocks, where the start only breaks ties.
// Names made new every time (with the inode's random generation, FS_IOC_GETVERSION) got
// the same two groups every time in one project folder, other groups every time in
// another, and the same times (17.8 against 17.9 ms, 12 alternating rounds): left out.
namespace cairn::install::detail {

class FolderSpreader {
public:
    // Buckets are made (or reopened) on first use in `home` (a descriptor that outlives
    // this), for `count` folders at most, numbered 0 to count-1, and locked (flock) while
    // this lives.
    FolderSpreader(int home, std::size_t count, std::size_t per_bucket = 64);
    FolderSpreader(const FolderSpreader&) = delete;
    FolderSpreader& operator=(const FolderSpreader&) = delete;

    // Makes the folder `name` in `parent` through the bucket of folder number `index`, and
    // returns it open. nullopt when `name` already exists in `parent` or the bucket cannot
    // be used: the caller then makes or opens the folder in place. Thread-safe.
    std::optional<Fd> make(std::size_t index, int parent, const char* name);

    // A folder made in its bucket and left there, to be filled before it is moved into place
    // (move_into). A staged folder nobody moves is removed by its owner (or, after a killed
    // run, by the next install whose folder of that number it is).
    struct Staged {
        int bucket = -1;  // the bucket's descriptor (the spreader's)
        std::string name; // the folder's name in it
        Fd fd;            // the folder, open
    };
    // Makes folder number `index` in its bucket; nullopt when the bucket cannot be used.
    // Thread-safe.
    std::optional<Staged> stage(std::size_t index);
    // Renames a staged folder to `name` in `parent`, never replacing what is there; false
    // (errno set) when that failed, and the folder stays in its bucket.
    bool move_into(const Staged& staged, int parent, const char* name);

    // Removes the buckets this spreader made or opened that are empty, when no thread uses
    // it any more (a run that installed nothing leaves no folder behind).
    void remove_empty_buckets();

    // Whether an entry of the home folder is a bucket (".spread-", digits, a dot and
    // digits): installs keep those; anything else of that prefix is an earlier cairn's and
    // may go.
    static bool is_bucket_name(std::string_view name);
    // Whether `name` is a bucket of the home folder whose inode number is `home_inode` (a
    // bucket of another one came with a copy of node_modules, and no install uses it).
    static bool is_bucket_of(std::string_view name, std::uint64_t home_inode);
    // The name of bucket `number` in the home folder whose inode number is `home_inode`.
    static std::string bucket_name(std::uint64_t home_inode, std::size_t number);

private:
    struct Bucket {
        std::once_flag opened;
        Fd fd; // invalid when it could not be made or opened
    };
    int bucket_fd(std::size_t number);
    std::string bucket_name(std::size_t number) const { return bucket_name(m_home_inode, number); }

    int m_home;
    std::uint64_t m_home_inode = 0;
    std::size_t m_per_bucket;
    std::size_t m_count;
    std::unique_ptr<Bucket[]> m_buckets;
    std::atomic<bool> m_unsupported{false}; // renameat2 refused RENAME_NOREPLACE
};

} // namespace cairn::install::detail
