#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

// The listing of a folder tree, folder by folder, as the store keeps it beside an unpacked
// tree (written when the tree is extracted) so that linking the tree into node_modules
// need not list each of its folders from the kernel again: getdents64 was 13 ms of CPU of
// a large project's CI install on tmpfs, its 3,950 folders listed twice each (the second
// call to learn the end).
//
// The encoding is binary: records ended by a NUL byte, which no name holds. A folder's
// record is '/' and its path from the top ("" for the top itself, "lib/sub"), followed by
// one record per entry of that folder, in byte order of the names: 'd' (folder), 'f'
// (file) or 'l' (symbolic link) and the entry's name. Every folder of the tree has its
// record, empty ones included.
namespace cairn::tree_listing {

enum class Kind : char { folder = 'd', file = 'f', link = 'l' };

struct Entry {
    Kind kind;
    std::string_view name; // ends with a NUL byte (name.data() is a C string)
};

// Encodes a tree from its entries: each one's path from the top ('/'-separated, no
// leading or trailing '/') and kind, in any order, each path once. Folders are listed in
// path order.
std::string encode(const std::vector<std::pair<std::string, Kind>>& entries);

// A decoded listing: the entries of each folder, viewed in the text (which must outlive
// it and stay unchanged).
class Listing {
public:
    // nullopt when the text is not a listing (a record without its end, an unknown kind,
    // an entry before any folder, a folder twice, a name with '/', "." or "..", names of a
    // folder out of order or twice).
    static std::optional<Listing> decode(std::string_view text);

    // The entries of the folder at `path` ("" for the top); nullptr when the listing has
    // no such folder.
    const std::vector<Entry>* folder(std::string_view path) const;
    std::size_t folders() const { return m_folders.size(); }

private:
    std::unordered_map<std::string_view, std::vector<Entry>> m_folders;
};

} // namespace cairn::tree_listing
