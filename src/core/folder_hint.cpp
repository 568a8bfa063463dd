// FS_IOC_GETFLAGS/FS_IOC_SETFLAGS on a folder: the inode flags ext2/3/4 (and a few others)
// keep; the ioctl takes an int.
#include "cairn/core/folder_hint.hpp"

#include <linux/fs.h>
#include <sys/ioctl.h>

namespace cairn::folder_hint {

bool mark_top_of_hierarchies(int dir_fd) noexcept {
    int flags = 0;
    if (::ioctl(dir_fd, FS_IOC_GETFLAGS, &flags) != 0)
        return false;
    if (flags & FS_TOPDIR_FL)
        return true;
    flags |= FS_TOPDIR_FL;
    return ::ioctl(dir_fd, FS_IOC_SETFLAGS, &flags) == 0;
}

} // namespace cairn::folder_hint
