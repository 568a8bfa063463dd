// Blobs: streamed into the session folder, hashed on the way, verified, made read-only and
// linked into blobs/ (an existing verified blob wins).
//
// Durability: a blob is never fsynced. The link into place is atomic, so a killed process
// leaves either no blob or a whole one; a power loss may leave a torn one under its name,
// and that is caught where a stored blob is read again by a later process: unpacking
// hashes the bytes against the digest, quarantines a mismatch, and the install fetches it
// again (offline: Code::cache_corrupt). (The process that wrote a blob does not hash it
// again while it is unchanged: store.hpp.) One fsync per blob, and one per folder, cost about as
// much as the whole download of a small package (7 ms each on a virtio disk).
#include "fs_ops.hpp"

#include "cairn/core/error.hpp"
#include "cairn/store/store.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace cairn::store {

namespace fs = std::filesystem;

namespace {

constexpr mode_t k_verified_mode = 0444;

bool marked_verified(const fs::path& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
           (st.st_mode & 07777) == k_verified_mode;
}

} // namespace

BlobWriter::BlobWriter(const Store& store, Digest expected, std::vector<DigestAlgorithm> algorithms)
    : m_store(&store), m_expected(expected), m_algorithms(std::move(algorithms)) {
    open_file();
}

BlobWriter::BlobWriter(BlobWriter&& other) noexcept
    : m_store(other.m_store), m_expected(other.m_expected),
      m_algorithms(std::move(other.m_algorithms)), m_hasher(std::move(other.m_hasher)),
      m_temp(std::move(other.m_temp)), m_fd(other.m_fd), m_size(other.m_size) {
    other.m_fd = -1;
    other.m_temp.clear();
}

BlobWriter::~BlobWriter() {
    discard();
}

void BlobWriter::open_file() {
    m_temp = m_store->session_dir() / unique_name("blob-");
    m_fd = ::open(m_temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (m_fd < 0)
        throw detail::io_error("create", m_temp, errno);
    m_hasher = std::make_unique<MultiHasher>(m_algorithms);
    m_size = 0;
}

void BlobWriter::discard() {
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    if (!m_temp.empty())
        ::unlink(m_temp.c_str());
    m_temp.clear();
}

void BlobWriter::write(std::span<const std::byte> bytes) {
    if (m_fd < 0)
        throw Error(Code::internal, "write to a finished blob writer");
    auto data = std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                              bytes.size());
    m_hasher->update(data);
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(m_fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw detail::io_error("write", m_temp, errno);
        done += static_cast<std::size_t>(n);
    }
    m_size += data.size();
}

void BlobWriter::write(std::string_view bytes) {
    write(
        std::span<const std::byte>(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()));
}

void BlobWriter::restart() {
    discard();
    open_file();
}

BlobInfo BlobWriter::commit() {
    if (m_fd < 0)
        throw Error(Code::internal, "commit of a finished blob writer");
    BlobInfo info;
    info.digests = m_hasher->finish();
    info.size = m_size;
    if (info.digests.front() != m_expected) {
        discard();
        Error error(Code::integrity, "integrity check failed");
        error.caused_by(fmt::format("expected {}, the {} bytes received hash to {}",
                                    m_expected.sri(), info.size, info.digests.front().sri()));
        throw error;
    }
    if (::fchmod(m_fd, k_verified_mode) != 0) {
        int err = errno;
        discard();
        throw detail::io_error("write", m_temp, err);
    }
    ::close(m_fd);
    m_fd = -1;
    info.path = m_store->blob_path(m_expected);
    // link() never replaces: the first complete copy wins, later ones are dropped. Its
    // folder is made only when missing (a large install's 990 blobs share 256 folders,
    // and checking each first took 0.5% of a cold install).
    int linked = ::link(m_temp.c_str(), info.path.c_str());
    if (linked != 0 && errno == ENOENT) {
        std::error_code ec;
        fs::create_directories(info.path.parent_path(), ec);
        if (ec) {
            discard();
            throw detail::io_error("create the folder", info.path.parent_path(), ec.value());
        }
        linked = ::link(m_temp.c_str(), info.path.c_str());
    }
    if (linked == 0) {
        discard();
        m_store->remember_written(info.path);
        return info;
    }
    int err = errno;
    if (err != EEXIST) {
        discard();
        throw detail::io_error("store", info.path, err);
    }
    info.already_present = true;
    if (!m_store->find_blob(m_expected)) {
        // The copy there was bad and is now quarantined: put this verified one in place.
        if (::rename(m_temp.c_str(), info.path.c_str()) != 0) {
            err = errno;
            discard();
            throw detail::io_error("store", info.path, err);
        }
        m_temp.clear();
        info.already_present = false;
        m_store->remember_written(info.path);
    }
    discard();
    return info;
}

BlobWriter Store::write_blob(const Digest& expected, std::span<const DigestAlgorithm> also) const {
    std::vector<DigestAlgorithm> algorithms{expected.algorithm()};
    for (auto algorithm : also)
        if (std::find(algorithms.begin(), algorithms.end(), algorithm) == algorithms.end())
            algorithms.push_back(algorithm);
    return BlobWriter(*this, expected, std::move(algorithms));
}

BlobInfo Store::add_blob_bytes(const Digest& expected, std::string_view bytes) const {
    BlobWriter writer = write_blob(expected);
    writer.write(bytes);
    return writer.commit();
}

BlobInfo Store::add_blob_file(const Digest& expected, const fs::path& file) const {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw detail::io_error("read", file, errno);
    // The descriptor is closed on every path, also when the writer throws.
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    BlobWriter writer = write_blob(expected);
    std::vector<std::byte> buffer(1 << 20);
    for (;;) {
        ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw detail::io_error("read", file, errno);
        if (n == 0)
            break;
        writer.write(std::span<const std::byte>(buffer.data(), static_cast<std::size_t>(n)));
    }
    return writer.commit();
}

std::optional<Store::WrittenBlob> Store::identify(const fs::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        return std::nullopt;
    return WrittenBlob{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                       static_cast<std::uint64_t>(st.st_size),
                       static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000u +
                           static_cast<std::uint64_t>(st.st_mtim.tv_nsec)};
}

void Store::remember_written(const fs::path& path) const {
    if (auto identity = identify(path)) {
        std::lock_guard lock(m_written_mutex);
        m_written[path.string()] = *identity;
    }
}

bool Store::written_here_unchanged(const fs::path& path) const {
    std::optional<WrittenBlob> written;
    {
        std::lock_guard lock(m_written_mutex);
        auto it = m_written.find(path.string());
        if (it == m_written.end())
            return false;
        written = it->second;
    }
    return identify(path) == written;
}

bool Store::contains_blob(const Digest& digest) const {
    struct stat st {};
    return ::lstat(blob_path(digest).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::optional<fs::path> Store::find_blob(const Digest& digest) const {
    fs::path path = blob_path(digest);
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0)
        return std::nullopt;
    if (marked_verified(path))
        return path;
    // Not written by a verified commit: check it before anyone trusts it.
    bool good = false;
    if (S_ISREG(st.st_mode)) {
        try {
            good = digest_file(digest.algorithm(), path) == digest;
        } catch (const Error&) {
            good = false;
        }
    }
    if (good && ::chmod(path.c_str(), k_verified_mode) == 0)
        return path;
    if (!good) {
        try {
            quarantine(path, "blob-" + digest.hex());
        } catch (const Error&) {
            // Another process quarantined it first.
            if (::lstat(path.c_str(), &st) == 0)
                throw;
        }
    }
    return good ? std::optional<fs::path>(path) : std::nullopt;
}

} // namespace cairn::store
