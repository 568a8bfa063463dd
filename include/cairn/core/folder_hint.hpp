#pragma once

// Hints to the filesystem about folders cairn fills with many others.
namespace cairn::folder_hint {

// Marks the open folder `dir_fd` as the top of unrelated hierarchies (the ext2/3/4 inode
// flag FS_TOPDIR_FL, what `chattr +T` sets): ext4's Orlov allocator then places each new
// subfolder in a block group with room to spare instead of beside its parent. For
// node_modules and the store's unpacking folder, whose subfolders are independent
// packages, that is the documented use; it also keeps folder creation off the block group
// a just-deleted node_modules emptied, where ext4 without a journal skips every recently
// freed inode one by one on each mkdir. Returns whether the folder carries the flag now;
// filesystems without it (tmpfs, xfs, btrfs...) are left as they are.
bool mark_top_of_hierarchies(int dir_fd) noexcept;

} // namespace cairn::folder_hint
