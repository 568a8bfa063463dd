#include "cairn/format/cairn/package_name.hpp"

#include "cairn/core/error.hpp"

namespace cairn::format::cairn {

bool is_valid_name_part(std::string_view part) {
    if (part.empty() || part.size() > 64)
        return false;
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!alnum(part.front()))
        return false;
    for (char c : part)
        if (!alnum(c) && c != '.' && c != '_' && c != '-')
            return false;
    return true;
}

PackageName PackageName::parse(std::string_view text) {
    std::string_view rest = text;
    if (rest.starts_with(k_id_prefix))
        rest.remove_prefix(k_id_prefix.size());
    auto fail = [&](std::string_view why) {
        return Error(Code::manifest_invalid,
                     "invalid package name \"" + std::string(text) + "\": " + std::string(why));
    };
    auto slash = rest.find('/');
    if (slash == std::string_view::npos)
        throw fail("expected scope/name");
    auto scope = rest.substr(0, slash);
    auto name = rest.substr(slash + 1);
    if (name.find('/') != std::string_view::npos)
        throw fail("expected exactly one '/'");
    for (auto part : {scope, name})
        if (!is_valid_name_part(part))
            throw fail("\"" + std::string(part) +
                       "\" must be 1 to 64 characters of a-z, 0-9, '.', '_' or '-', starting with "
                       "a letter or digit");
    return PackageName(std::string(scope), std::string(name));
}

} // namespace cairn::format::cairn
