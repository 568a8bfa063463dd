#include "cairn/net/credentials.hpp"

#include "cairn/core/encoding.hpp"
#include "cairn/core/error.hpp"

#include <fmt/format.h>

namespace cairn::net {

namespace {

bool path_under(std::string_view path, std::string_view prefix) {
    if (prefix.ends_with('/'))
        return path.starts_with(prefix);
    return path == prefix || (path.starts_with(prefix) && path[prefix.size()] == '/');
}

bool matches(const CredentialEntry& entry, const Url& url) {
    const Url& prefix = entry.prefix;
    if (prefix.host() != url.host() || !path_under(url.path(), prefix.path()))
        return false;
    if (entry.scheme_match == SchemeMatch::exact)
        return prefix.scheme() == url.scheme() && prefix.port() == url.port();
    // npm's scheme-less keys: http or https, on the key's port or both default ports.
    return prefix.port() == url.port() || (prefix.default_port() && url.default_port());
}

Error invalid_entry(std::string_view source, std::string_view key, std::string_view why) {
    return Error(Code::config_invalid,
                 fmt::format("invalid credential entry auth.\"{}\" in {}: {}", key, source, why))
        .hint("an entry is { token: \"...\" } or { username: \"...\", password: \"...\" }, "
              "keyed by a URL prefix such as \"https://registry.example/\"");
}

} // namespace

Credential Credential::bearer(std::string token, std::string source) {
    return Credential{CredentialKind::bearer, Secret(std::move(token)), std::move(source)};
}

Credential Credential::basic(std::string_view username, std::string_view password,
                             std::string source) {
    std::string pair = std::string(username) + ":" + std::string(password);
    return Credential{CredentialKind::basic, Secret(encoding::base64_encode(pair)),
                      std::move(source)};
}

std::string Credential::authorization() const {
    return (kind == CredentialKind::bearer ? "Bearer " : "Basic ") + value.expose();
}

void Credentials::add(CredentialEntry entry) {
    m_entries.push_back(std::move(entry));
}

const Credential* Credentials::find(const Url& url) const {
    const CredentialEntry* best = nullptr;
    for (const auto& entry : m_entries)
        if (matches(entry, url) &&
            (!best || entry.prefix.path().size() > best->prefix.path().size()))
            best = &entry;
    return best ? &best->credential : nullptr;
}

void Credentials::add_config(const config::Json& auth_section, std::string_view source) {
    if (auth_section.is_null())
        return;
    if (!auth_section.is_object())
        throw Error(Code::config_invalid,
                    fmt::format("auth in {} must be an object keyed by URL prefix", source));
    for (const auto& [key, value] : auth_section.items()) {
        if (key == "$clear")
            continue;
        auto prefix = Url::try_parse(key);
        if (!prefix) {
            // Not a URL, so not redactable as one: hide anything before an '@'.
            std::size_t at = key.rfind('@');
            std::string shown = at == std::string::npos ? key : "***" + key.substr(at);
            throw invalid_entry(source, shown, "the key is not an http or https URL");
        }
        if (prefix->has_userinfo())
            throw invalid_entry(source, prefix->redacted(),
                                "the key must not hold a user name or password");
        if (!value.is_object())
            throw invalid_entry(source, key, "expected an object");
        auto text = [&](const char* field) -> std::optional<std::string> {
            auto it = value.find(field);
            if (it == value.end())
                return std::nullopt;
            if (!it->is_string())
                throw invalid_entry(source, key, fmt::format("`{}` must be a string", field));
            return it->get<std::string>();
        };
        for (const auto& [field, ignored] : value.items())
            if (field != "token" && field != "username" && field != "password")
                throw invalid_entry(source, key, fmt::format("unknown field `{}`", field));
        auto token = text("token");
        auto username = text("username");
        auto password = text("password");
        std::string where = fmt::format("{} (auth.\"{}\")", source, key);
        if (token && !username && !password) {
            if (token->empty())
                throw invalid_entry(source, key, "`token` is empty");
            add({*prefix, SchemeMatch::exact, Credential::bearer(*token, where)});
        } else if (!token && username && password) {
            add({*prefix, SchemeMatch::exact, Credential::basic(*username, *password, where)});
        } else {
            throw invalid_entry(source, key,
                                "give either `token` or both `username` and `password`");
        }
    }
}

} // namespace cairn::net
