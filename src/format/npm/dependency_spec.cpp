#include "cairn/format/npm/dependency_spec.hpp"

#include "cairn/core/error.hpp"
#include "cairn/format/npm/package_name.hpp"

#include <fmt/format.h>

namespace cairn::format::npm {
namespace {

Error invalid(std::string_view name, std::string_view spec, const std::string& why) {
    Error error(Code::manifest_invalid,
                fmt::format("invalid dependency \"{}\": \"{}\" {}", name, spec, why));
    error.hint("a dependency is a semver range (^1.2.0), a dist-tag (latest), an alias "
               "(npm:other@^2), or a path (file:../x, link:../x)");
    return error;
}

// encodeURIComponent(tag) === tag, as npm requires of a dist-tag.
bool valid_tag(std::string_view tag) {
    if (tag.empty())
        return false;
    for (char c : tag) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.' || c == '!' || c == '~' || c == '*' ||
                  c == '\'' || c == '(' || c == ')';
        if (!ok)
            return false;
    }
    return true;
}

bool is_local_path(std::string_view spec) {
    return spec.starts_with("./") || spec.starts_with("../") || spec.starts_with("/") ||
           spec.starts_with("~/") || spec == "." || spec == "..";
}

bool is_git(std::string_view spec) {
    for (std::string_view prefix : {"git+", "git://", "github:", "gitlab:", "bitbucket:", "gist:"})
        if (spec.starts_with(prefix))
            return true;
    if (spec.starts_with("http://") || spec.starts_with("https://")) {
        std::string_view base = spec.substr(0, spec.find('#'));
        return base.ends_with(".git");
    }
    // GitHub shorthand: user/repo or user/repo#ref
    std::string_view base = spec.substr(0, spec.find('#'));
    std::size_t slash = base.find('/');
    if (slash == std::string_view::npos || slash == 0 || base.front() == '@' ||
        slash + 1 == base.size() || base.find('/', slash + 1) != std::string_view::npos)
        return false;
    for (char c : base)
        if (c == ':' || c == ' ' || c == '\t')
            return false;
    return true;
}

// The range-or-tag part of a registry spec (also after an alias target).
void read_range_or_tag(DependencySpec& out, std::string_view name, std::string_view text) {
    std::string_view trimmed = text;
    while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t'))
        trimmed.remove_prefix(1);
    while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\t'))
        trimmed.remove_suffix(1);
    if (trimmed.empty()) {
        out.range = version::NpmRange::parse("*");
        return;
    }
    // npm-package-arg reads ranges loosely.
    if (auto range = version::NpmRange::parse(trimmed, {.loose = true})) {
        out.range = std::move(range);
        return;
    }
    if (valid_tag(trimmed)) {
        out.tag = std::string(trimmed);
        if (out.kind == SpecKind::range)
            out.kind = SpecKind::tag;
        return;
    }
    throw invalid(name, out.raw, "is neither a semver range nor a valid dist-tag");
}

} // namespace

std::string_view spec_kind_name(SpecKind kind) {
    switch (kind) {
    case SpecKind::range:
        return "range";
    case SpecKind::tag:
        return "tag";
    case SpecKind::alias:
        return "alias";
    case SpecKind::file:
        return "file";
    case SpecKind::link:
        return "link";
    case SpecKind::git:
        return "git";
    case SpecKind::tarball_url:
        return "tarball URL";
    case SpecKind::workspace:
        return "workspace";
    }
    return "?";
}

DependencySpec parse_dependency_spec(std::string_view name, std::string_view spec) {
    DependencySpec out;
    out.raw = std::string(spec);
    out.package = std::string(name);
    if (spec.starts_with("npm:")) {
        out.kind = SpecKind::alias;
        std::string_view rest = spec.substr(4);
        std::size_t at = rest.find('@', rest.starts_with('@') ? 1 : 0);
        std::string_view target = rest.substr(0, at);
        if (auto problem = package_name_problem(target))
            throw invalid(name, spec, "aliases an invalid package name: " + *problem);
        out.package = std::string(target);
        read_range_or_tag(out, name, at == std::string_view::npos ? "" : rest.substr(at + 1));
        return out;
    }
    if (spec.starts_with("workspace:")) {
        out.kind = SpecKind::workspace;
        return out;
    }
    if (spec.starts_with("file:") || spec.starts_with("link:")) {
        out.kind = spec.starts_with("file:") ? SpecKind::file : SpecKind::link;
        out.path = std::string(spec.substr(5));
        if (out.path.empty())
            throw invalid(name, spec, "names no path");
        return out;
    }
    if (is_local_path(spec)) {
        out.kind = SpecKind::file;
        out.path = std::string(spec);
        return out;
    }
    if (is_git(spec)) {
        out.kind = SpecKind::git;
        out.url = std::string(spec);
        return out;
    }
    if (spec.starts_with("http://") || spec.starts_with("https://")) {
        out.kind = SpecKind::tarball_url;
        out.url = std::string(spec);
        return out;
    }
    read_range_or_tag(out, name, spec);
    return out;
}

} // namespace cairn::format::npm
