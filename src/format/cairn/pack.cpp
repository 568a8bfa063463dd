#include "cairn/format/cairn/pack.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/glob.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>

namespace cairn::format::cairn {
namespace fs = std::filesystem;
namespace {

bool always_skipped(const std::string& rel) {
    auto first = rel.substr(0, rel.find('/'));
    return first == ".git" || first == "cairn_modules" || rel == "cairn.lock" ||
           rel.ends_with(".portable.tar.zst");
}

bool pattern_selects(const std::string& pattern, const std::string& rel) {
    if (glob::matches(pattern, rel))
        return true;
    if (pattern.find('*') == std::string::npos) {
        auto p = pattern;
        while (!p.empty() && p.back() == '/')
            p.pop_back();
        return rel.starts_with(p + "/");
    }
    return false;
}

struct ArchiveDeleter {
    void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
    void operator()(archive_entry* e) const { archive_entry_free(e); }
};

[[noreturn]] void archive_failure(archive* a, const fs::path& path) {
    throw Error(Code::io, "cannot write " + path.string())
        .caused_by(archive_error_string(a) ? archive_error_string(a) : "libarchive failed");
}

} // namespace

std::vector<PackedFile> select_files(const fs::path& root, const Manifest& manifest) {
    std::vector<PackedFile> out;
    auto own_archives = manifest.name.scope() + "-" + manifest.name.name() + "-";
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
    if (ec)
        throw Error(Code::io, "cannot list " + root.string()).caused_by(ec.message());
    for (; it != end; it.increment(ec)) {
        if (ec)
            throw Error(Code::io, "cannot list " + root.string()).caused_by(ec.message());
        auto rel = fs::relative(it->path(), root).generic_string();
        auto status = it->symlink_status();
        if (fs::is_directory(status)) {
            if (always_skipped(rel))
                it.disable_recursion_pending();
            continue;
        }
        if (!fs::is_regular_file(status) && !fs::is_symlink(status))
            continue;
        if (always_skipped(rel))
            continue;
        auto file_name = it->path().filename().string();
        if (file_name.starts_with(own_archives) && file_name.ends_with(".tar.zst"))
            continue; // this package's own archives, e.g. from an earlier `cairn pack`
        bool selected = rel == k_manifest_file;
        if (!selected) {
            selected = manifest.include.empty() ||
                       std::any_of(manifest.include.begin(), manifest.include.end(),
                                   [&](const auto& p) { return pattern_selects(p, rel); });
            if (selected && std::any_of(manifest.exclude.begin(), manifest.exclude.end(),
                                        [&](const auto& p) { return pattern_selects(p, rel); }))
                selected = false;
        }
        if (selected)
            out.push_back({rel, fs::is_symlink(status) ? 0 : fs::file_size(it->path())});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return out;
}

PackResult write_archive(const fs::path& root, std::vector<std::string> files,
                         const fs::path& archive_path) {
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    if (archive_path.has_parent_path())
        fs::create_directories(archive_path.parent_path());
    auto temp = archive_path;
    temp += fmt::format(".tmp-{}", ::getpid());
    std::unique_ptr<archive, ArchiveDeleter> a(archive_write_new());
    if (archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK ||
        archive_write_add_filter_zstd(a.get()) != ARCHIVE_OK ||
        archive_write_set_filter_option(a.get(), "zstd", "compression-level", "10") != ARCHIVE_OK)
        archive_failure(a.get(), archive_path);
    if (archive_write_open_filename(a.get(), temp.c_str()) != ARCHIVE_OK)
        archive_failure(a.get(), archive_path);
    PackResult result{
        archive_path, Digest(DigestAlgorithm::sha256, std::vector<std::uint8_t>(32)), 0, {}};
    std::vector<char> buffer(1 << 16);
    for (const auto& rel : files) {
        auto full = root / rel;
        struct stat st {};
        if (::lstat(full.c_str(), &st) != 0)
            throw Error(Code::io, "cannot read " + full.string());
        std::unique_ptr<archive_entry, EntryDeleter> e(archive_entry_new());
        archive_entry_set_pathname_utf8(e.get(), rel.c_str());
        archive_entry_set_mtime(e.get(), 0, 0);
        archive_entry_set_uid(e.get(), 0);
        archive_entry_set_gid(e.get(), 0);
        bool exec = (st.st_mode & S_IXUSR) != 0;
        if (S_ISLNK(st.st_mode)) {
            auto target = fs::read_symlink(full).generic_string();
            archive_entry_set_filetype(e.get(), AE_IFLNK);
            archive_entry_set_perm(e.get(), 0777);
            archive_entry_set_symlink_utf8(e.get(), target.c_str());
            archive_entry_set_size(e.get(), 0);
            if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK)
                archive_failure(a.get(), archive_path);
            result.files.push_back({rel, 0});
            continue;
        }
        if (!S_ISREG(st.st_mode))
            throw Error(Code::io, "cannot pack " + full.string() + ": not a regular file");
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_perm(e.get(), exec ? 0755 : 0644);
        archive_entry_set_size(e.get(), st.st_size);
        if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK)
            archive_failure(a.get(), archive_path);
        std::ifstream in(full, std::ios::binary);
        if (!in)
            throw Error(Code::io, "cannot read " + full.string());
        std::uint64_t written = 0;
        while (in) {
            in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
            auto n = in.gcount();
            if (n > 0) {
                if (archive_write_data(a.get(), buffer.data(), static_cast<size_t>(n)) < 0)
                    archive_failure(a.get(), archive_path);
                written += static_cast<std::uint64_t>(n);
            }
        }
        if (written != static_cast<std::uint64_t>(st.st_size))
            throw Error(Code::io, "cannot pack " + full.string() + ": it changed while packing");
        result.files.push_back({rel, written});
    }
    if (archive_write_close(a.get()) != ARCHIVE_OK)
        archive_failure(a.get(), archive_path);
    a.reset();
    std::error_code ec;
    fs::rename(temp, archive_path, ec);
    if (ec)
        throw Error(Code::io, "cannot write " + archive_path.string()).caused_by(ec.message());
    result.digest = digest_file(DigestAlgorithm::sha256, archive_path);
    result.size = fs::file_size(archive_path);
    return result;
}

PackResult pack_directory(const fs::path& root, const Manifest& manifest,
                          const fs::path& archive_path) {
    std::vector<std::string> paths;
    for (const auto& f : select_files(root, manifest))
        paths.push_back(f.path);
    return write_archive(root, std::move(paths), archive_path);
}

std::string archive_file_name(const Manifest& manifest) {
    return fmt::format("{}-{}-{}.tar.zst", manifest.name.scope(), manifest.name.name(),
                       manifest.version.to_string());
}

} // namespace cairn::format::cairn
