#include "fs_ops.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace cairn::store::detail {

Error io_error(std::string_view action, const fs::path& path, int err) {
    Error error(Code::io, fmt::format("cannot {} {}", action, path.string()));
    error.caused_by(std::strerror(err));
    return error;
}

void sync_directory(const fs::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        throw io_error("open", dir, errno);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0 && err != EINVAL)
        throw io_error("sync", dir, err);
}

void write_file_atomically(const fs::path& path, std::string_view text, const fs::path& tmp_dir,
                           Durability durability) {
    fs::path tmp = tmp_dir / unique_name("write-");
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        throw io_error("create", tmp, errno);
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            throw io_error("write", tmp, err);
        }
        done += static_cast<std::size_t>(n);
    }
    bool synced = durability == Durability::process_crash || ::fsync(fd) == 0;
    if (!synced || ::close(fd) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw io_error("write", tmp, err);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw io_error("rename into place", path, err);
    }
    if (durability == Durability::power_loss)
        sync_directory(path.parent_path());
}

std::optional<unsigned> process_umask() {
    // umask(2) can only be read by setting it, which would race with other threads
    // creating files; the kernel reports it in the status file instead.
    std::string status;
    try {
        status = read_small_file("/proc/self/status");
    } catch (const Error&) {
        return std::nullopt;
    }
    std::size_t at = status.find("\nUmask:");
    if (at == std::string_view::npos)
        return std::nullopt;
    unsigned mask = 0;
    std::size_t digits = 0;
    for (std::size_t i = at + 7; i < status.size() && status[i] != '\n'; ++i) {
        char c = status[i];
        if (c == ' ' || c == '\t')
            continue;
        if (c < '0' || c > '7')
            return std::nullopt;
        mask = mask * 8 + static_cast<unsigned>(c - '0');
        ++digits;
    }
    if (digits == 0 || mask > 0777)
        return std::nullopt;
    return mask;
}

std::string read_small_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw io_error("read", path, errno ? errno : ENOENT);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void read_chunks(int fd, const fs::path& path, std::size_t size,
                 const std::function<bool(std::string_view)>& chunk) {
    std::vector<char> buffer(size);
    for (;;) {
        ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw io_error("read", path, errno);
        if (n == 0 || !chunk(std::string_view(buffer.data(), static_cast<std::size_t>(n))))
            return;
    }
}

DiskUsage disk_usage(const fs::path& path) {
    DiskUsage usage;
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(path, ec)))
        return usage;
    if (fs::is_regular_file(fs::symlink_status(path, ec))) {
        usage.files = 1;
        usage.bytes = fs::file_size(path, ec);
        return usage;
    }
    for (auto it = fs::recursive_directory_iterator(
             path, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec) && !it->is_symlink(ec)) {
            ++usage.files;
            usage.bytes += it->file_size(ec);
        }
    }
    return usage;
}

void remove_tree(const fs::path& path) {
    std::error_code ec;
    fs::remove_all(path, ec);
    if (!ec)
        return;
    // A folder without write permission cannot be emptied: open everything up, retry.
    for (auto it = fs::recursive_directory_iterator(path, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_directory(ec) && !it->is_symlink(ec))
            ::chmod(it->path().c_str(), 0700);
    ::chmod(path.c_str(), 0700);
    fs::remove_all(path, ec);
    if (ec)
        throw io_error("remove", path, ec.value());
}

} // namespace cairn::store::detail
