// The built-in CA folder, found through libcurl (ca_folder.hpp).
#include "ca_folder.hpp"

#include <curl/curl.h>
#include <dirent.h>

#include <cctype>
#include <string_view>

namespace cairn::net::detail {

namespace {

bool hashed_name(std::string_view name) {
    if (name.size() < 10 || name[8] != '.')
        return false;
    for (std::size_t i = 0; i < 8; ++i)
        if (!std::isxdigit(static_cast<unsigned char>(name[i])))
            return false;
    for (std::size_t i = 9; i < name.size(); ++i)
        if (!std::isdigit(static_cast<unsigned char>(name[i])))
            return false;
    return true;
}

} // namespace

bool has_hashed_names(const std::string& folder) {
    DIR* dir = ::opendir(folder.c_str());
    if (!dir)
        return false;
    bool found = false;
    while (const dirent* entry = ::readdir(dir)) {
        if (hashed_name(entry->d_name)) {
            found = true;
            break;
        }
    }
    ::closedir(dir);
    return found;
}

std::optional<std::string> builtin_hashed_ca_folder() {
    const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
    if (!info || !info->ssl_version || std::string_view(info->ssl_version).rfind("OpenSSL", 0) != 0)
        return std::nullopt;
    CURL* easy = curl_easy_init();
    if (!easy)
        return std::nullopt;
    char* path = nullptr; // libcurl's own string (7.84 and later; older ones leave it unset)
    std::optional<std::string> folder;
    if (curl_easy_getinfo(easy, CURLINFO_CAPATH, &path) == CURLE_OK && path && *path)
        folder = path;
    curl_easy_cleanup(easy);
    if (folder && !has_hashed_names(*folder))
        folder.reset();
    return folder;
}

} // namespace cairn::net::detail
