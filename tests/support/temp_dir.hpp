#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cairn::test {

// A fresh folder under the system temp dir, removed with everything in it on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(const std::filesystem::path& rel) const { return m_path / rel; }

private:
    std::filesystem::path m_path;
};

// The names of the entries of `dir`, sorted.
std::vector<std::string> names_in(const std::filesystem::path& dir);

// The folder's inode flags (FS_IOC_GETFLAGS: FS_TOPDIR_FL...); nullopt where the
// filesystem keeps none.
std::optional<int> inode_flags(const std::filesystem::path& dir);

} // namespace cairn::test
