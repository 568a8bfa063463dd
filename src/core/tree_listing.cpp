#include "cairn/core/tree_listing.hpp"

#include <algorithm>
#include <cstring>
#include <map>

namespace cairn::tree_listing {

std::string encode(const std::vector<std::pair<std::string, Kind>>& entries) {
    // Each folder's entries, folders in path order (the top, "", first).
    std::map<std::string_view, std::vector<const std::pair<std::string, Kind>*>> folders;
    folders[""];
    for (const auto& entry : entries)
        if (entry.second == Kind::folder)
            folders[entry.first];
    for (const auto& entry : entries) {
        std::string_view path = entry.first;
        auto slash = path.rfind('/');
        folders[slash == std::string_view::npos ? std::string_view() : path.substr(0, slash)]
            .push_back(&entry);
    }
    std::string out;
    for (auto& [path, children] : folders) {
        // Names in byte order, as decode() requires (a name twice is no listing).
        std::sort(children.begin(), children.end(), [](const auto* a, const auto* b) {
            return a->first < b->first; // the same folder: the names decide
        });
        out += '/';
        out += path;
        out += '\0';
        for (const auto* child : children) {
            std::string_view name = child->first;
            if (auto slash = name.rfind('/'); slash != std::string_view::npos)
                name.remove_prefix(slash + 1);
            out += static_cast<char>(child->second);
            out += name;
            out += '\0';
        }
    }
    return out;
}

std::optional<Listing> Listing::decode(std::string_view text) {
    Listing listing;
    std::vector<Entry>* current = nullptr;
    std::size_t at = 0;
    while (at < text.size()) {
        const void* end = std::memchr(text.data() + at, '\0', text.size() - at);
        if (!end)
            return std::nullopt;
        std::size_t stop = static_cast<const char*>(end) - text.data();
        if (stop == at)
            return std::nullopt; // an empty record
        char kind = text[at];
        std::string_view rest = text.substr(at + 1, stop - at - 1);
        at = stop + 1;
        if (kind == '/') {
            auto [it, added] = listing.m_folders.try_emplace(rest);
            if (!added)
                return std::nullopt;
            current = &it->second;
            continue;
        }
        if (!current || rest.empty() || rest == "." || rest == ".." ||
            rest.find('/') != std::string_view::npos)
            return std::nullopt;
        if (kind != 'd' && kind != 'f' && kind != 'l')
            return std::nullopt;
        // Names in strictly increasing byte order: a name twice in a folder (two tasks
        // making one folder, a file where a folder was just made) is no listing.
        if (!current->empty() && !(current->back().name < rest))
            return std::nullopt;
        current->push_back({static_cast<Kind>(kind), rest});
    }
    if (!listing.m_folders.contains(""))
        return std::nullopt;
    return listing;
}

const std::vector<Entry>* Listing::folder(std::string_view path) const {
    auto it = m_folders.find(path);
    return it == m_folders.end() ? nullptr : &it->second;
}

} // namespace cairn::tree_listing
