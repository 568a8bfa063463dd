// The top-of-hierarchies hint: set where the filesystem keeps inode flags (ext4 under the
// test's temporary folder), refused quietly where it does not.
#include "support/temp_dir.hpp"

#include "cairn/core/folder_hint.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace cairn {
namespace {

std::optional<int> inode_flags(int fd) {
    int flags = 0;
    if (::ioctl(fd, FS_IOC_GETFLAGS, &flags) != 0)
        return std::nullopt;
    return flags;
}

TEST(FolderHint, MarksAFolderAsTheTopOfUnrelatedHierarchies) {
    test::TempDir dir;
    int fd = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    auto before = inode_flags(fd);
    if (!before) {
        EXPECT_FALSE(folder_hint::mark_top_of_hierarchies(fd));
        ::close(fd);
        GTEST_SKIP() << "the temporary folder's filesystem keeps no inode flags (tmpfs?): "
                        "nothing to mark";
    }
    EXPECT_FALSE(*before & FS_TOPDIR_FL);
    if (!folder_hint::mark_top_of_hierarchies(fd)) {
        // tmpfs (since Linux 6.0), btrfs and xfs read inode flags but refuse this one.
        EXPECT_EQ(inode_flags(fd), before);
        ::close(fd);
        GTEST_SKIP() << "the temporary folder's filesystem refuses FS_TOPDIR_FL: nothing to mark";
    }
    EXPECT_TRUE(*inode_flags(fd) & FS_TOPDIR_FL);
    EXPECT_EQ(*inode_flags(fd) & ~FS_TOPDIR_FL, *before);  // nothing else changed
    EXPECT_TRUE(folder_hint::mark_top_of_hierarchies(fd)); // already marked
    ::close(fd);
}

TEST(FolderHint, ABadDescriptorIsNotAnError) {
    EXPECT_FALSE(folder_hint::mark_top_of_hierarchies(-1));
}

} // namespace
} // namespace cairn
