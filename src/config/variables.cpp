#include "cairn/config/variables.hpp"

#include "cairn/core/error.hpp"

#include <fmt/format.h>

#include <optional>

namespace cairn::config {
namespace {

constexpr const char* k_known = "${env:NAME}, ${PACKAGE_NAME}, ${PACKAGE_VERSION}, ${FORMAT}, "
                                "optionally sliced as ${PACKAGE_NAME:0-0}";

struct Slice {
    std::size_t first = 0;
    std::optional<std::size_t> last; // inclusive; none = to the end
};

struct Reference {
    std::string name;           // "env:HOME", "PACKAGE_NAME", ...
    std::optional<Slice> slice; // package variables only
};

Error variable_error(const std::string& message) {
    Error error(Code::config_variable, message);
    error.hint(std::string("the variables are ") + k_known);
    return error;
}

bool valid_env_name(std::string_view name) {
    if (name.empty() || (name[0] >= '0' && name[0] <= '9'))
        return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    return true;
}

std::optional<std::size_t> parse_index(std::string_view digits) {
    if (digits.empty() || digits.size() > 9)
        return std::nullopt;
    std::size_t value = 0;
    for (char c : digits) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + static_cast<std::size_t>(c - '0');
    }
    return value;
}

Reference parse_reference(std::string_view body) {
    Reference ref;
    if (body.starts_with("env:")) {
        std::string_view name = body.substr(4);
        if (!valid_env_name(name))
            throw variable_error(fmt::format("invalid environment variable name in ${{{}}}", body));
        ref.name = std::string(body);
        return ref;
    }
    std::string_view name = body;
    std::size_t colon = body.find(':');
    if (colon != std::string_view::npos) {
        name = body.substr(0, colon);
        std::string_view spec = body.substr(colon + 1);
        std::size_t dash = spec.find('-');
        std::optional<std::size_t> first =
            parse_index(dash == std::string_view::npos ? spec : spec.substr(0, dash));
        Slice slice;
        bool ok = first.has_value() && dash != std::string_view::npos;
        if (ok) {
            slice.first = *first;
            std::string_view rest = spec.substr(dash + 1);
            if (!rest.empty()) {
                slice.last = parse_index(rest);
                ok = slice.last.has_value() && *slice.last >= slice.first;
            }
        }
        if (!ok)
            throw variable_error(fmt::format("invalid slice in ${{{}}}: write FIRST-LAST (both "
                                             "inclusive, LAST >= FIRST) or FIRST-",
                                             body));
        ref.slice = slice;
    }
    if (name != "PACKAGE_NAME" && name != "PACKAGE_VERSION" && name != "FORMAT")
        throw variable_error(fmt::format("unknown variable ${{{}}}", body));
    ref.name = std::string(name);
    return ref;
}

// Code-point slice of UTF-8 text.
std::string slice_text(const std::string& text, const Slice& slice) {
    std::string out;
    std::size_t index = 0;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t len = 1;
        auto b = static_cast<unsigned char>(text[i]);
        if (b >= 0xF0)
            len = 4;
        else if (b >= 0xE0)
            len = 3;
        else if (b >= 0xC0)
            len = 2;
        if (index >= slice.first && (!slice.last || index <= *slice.last))
            out.append(text, i, len);
        i += len;
        ++index;
    }
    return out;
}

// Walks `text`, calling `on_reference` for each ${...}; `$${` is kept or unescaped.
template <typename OnReference>
std::string substitute(std::string_view text, bool unescape, OnReference on_reference) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 3, "$${") == 0) {
            out += unescape ? "${" : "$${";
            i += 2;
            continue;
        }
        if (text.compare(i, 2, "${") != 0) {
            out += text[i];
            continue;
        }
        std::size_t close = text.find('}', i + 2);
        if (close == std::string_view::npos)
            throw variable_error(fmt::format(
                "unterminated variable reference \"{}\" (expected '}}')", text.substr(i)));
        std::string_view body = text.substr(i + 2, close - i - 2);
        out += on_reference(body);
        i = close;
    }
    return out;
}

} // namespace

std::string expand_environment(std::string_view text, const EnvLookup& env) {
    return substitute(text, false, [&](std::string_view body) -> std::string {
        Reference ref = parse_reference(body);
        if (!ref.name.starts_with("env:"))
            return "${" + std::string(body) + "}"; // a package variable, expanded later
        std::string name = ref.name.substr(4);
        std::optional<std::string> value = env(name);
        if (!value) {
            Error error(Code::config_variable,
                        fmt::format("environment variable {} is not set", name));
            error.hint(fmt::format("set {} (e.g. `export {}=...`), or remove ${{env:{}}} from "
                                   "the configuration",
                                   name, name, name));
            throw error;
        }
        return *value;
    });
}

std::string expand_package_variables(std::string_view text, const PackageVariables& vars) {
    return substitute(text, true, [&](std::string_view body) -> std::string {
        Reference ref = parse_reference(body);
        if (ref.name.starts_with("env:"))
            throw variable_error(fmt::format("${{{}}} was not expanded when the configuration "
                                             "was loaded",
                                             body));
        const std::string& value = ref.name == "PACKAGE_NAME"      ? vars.package_name
                                   : ref.name == "PACKAGE_VERSION" ? vars.package_version
                                                                   : vars.format;
        return ref.slice ? slice_text(value, *ref.slice) : value;
    });
}

} // namespace cairn::config
