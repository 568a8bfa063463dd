#include "cairn/format/npm/package_name.hpp"

namespace cairn::format::npm {
namespace {

bool url_safe(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

std::optional<std::string> part_problem(std::string_view part, std::string_view what) {
    if (part.empty())
        return std::string(what) + " is empty";
    if (part == "." || part == "..")
        return std::string(what) + " may not be \"" + std::string(part) + "\"";
    if (part.front() == '.' || part.front() == '_')
        return std::string(what) + " may not start with '" + part.front() + "'";
    for (char c : part) {
        if (c >= 'A' && c <= 'Z')
            return std::string(what) + " may not contain capital letters";
        if (!url_safe(c))
            return std::string(what) + " may not contain '" + std::string(1, c) +
                   "' (only a-z, 0-9, '-', '.', '_' and '~')";
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> package_name_problem(std::string_view name) {
    if (name.empty())
        return "the name is empty";
    if (name.size() > 214)
        return "the name is longer than 214 characters";
    if (name.front() == '@') {
        std::size_t slash = name.find('/');
        if (slash == std::string_view::npos)
            return "a scoped name needs the form @scope/name";
        if (auto problem = part_problem(name.substr(1, slash - 1), "the scope"))
            return problem;
        std::string_view rest = name.substr(slash + 1);
        if (rest.find('/') != std::string_view::npos)
            return "a scoped name has exactly one '/'";
        return part_problem(rest, "the name");
    }
    if (name == "node_modules" || name == "favicon.ico")
        return "\"" + std::string(name) + "\" is a reserved name";
    return part_problem(name, "the name");
}

std::string_view unscoped_name(std::string_view name) {
    if (!name.starts_with('@'))
        return name;
    std::size_t slash = name.find('/');
    return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

} // namespace cairn::format::npm
