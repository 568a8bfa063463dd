// npm's `.npmrc` credential convention (docs/configuration.md, "Credentials").
#include "cairn/net/npmrc.hpp"

#include "cairn/core/encoding.hpp"
#include "cairn/core/error.hpp"
#include "cairn/core/text.hpp"
#include "cairn/net/credentials.hpp"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <sstream>

namespace cairn::net {

namespace {

struct NpmrcAuth {
    std::optional<std::string> token;
    std::optional<std::string> auth; // base64 "user:password"
    std::optional<std::string> username;
    std::optional<std::string> password; // base64, as npm stores it
    std::size_t line = 0;
};

Error npmrc_error(std::string_view source, std::size_t line, std::string_view why) {
    return Error(Code::config_invalid, fmt::format("{}:{}: {}", source, line, why));
}

// npm's `${NAME}` expansion (`${NAME?}`: empty when unset); `\${` stays literal.
std::string expand(std::string_view text, const config::EnvLookup& env, std::string_view source,
                   std::size_t line) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '$') {
            out += '$';
            ++i;
            continue;
        }
        if (text[i] != '$' || i + 1 >= text.size() || text[i + 1] != '{') {
            out += text[i];
            continue;
        }
        std::size_t close = text.find('}', i + 2);
        if (close == std::string_view::npos) {
            out += text.substr(i);
            break;
        }
        std::string_view name = text.substr(i + 2, close - i - 2);
        bool optional = name.ends_with('?');
        if (optional)
            name.remove_suffix(1);
        auto value = env ? env(name) : std::nullopt;
        if (!value && !optional)
            throw npmrc_error(source, line,
                              fmt::format("environment variable {} is not set", name));
        out += value.value_or("");
        i = close;
    }
    return out;
}

std::string unquote(std::string_view value) {
    if (value.size() >= 2 && ((value.front() == '"' && value.back() == '"') ||
                              (value.front() == '\'' && value.back() == '\'')))
        return std::string(value.substr(1, value.size() - 2));
    return std::string(value);
}

} // namespace

void Credentials::add_npmrc(std::string_view text, const config::EnvLookup& env,
                            std::string_view source) {
    std::map<std::string, NpmrcAuth> scoped; // by "//host[:port]/path/"
    NpmrcAuth unscoped;
    std::optional<std::string> registry;
    std::size_t line_number = 0;
    for (std::string_view raw : text::split(text, '\n')) {
        ++line_number;
        std::string_view line = text::trim(raw);
        if (line.empty() || line.front() == ';' || line.front() == '#' || line.front() == '[')
            continue;
        std::size_t eq = line.find('=');
        if (eq == std::string_view::npos)
            continue;
        std::string key = expand(text::trim(line.substr(0, eq)), env, source, line_number);
        std::string_view field = key;
        NpmrcAuth* target = &unscoped;
        if (key.starts_with("//")) {
            std::size_t colon = key.rfind(':');
            if (colon == std::string::npos || colon < 2)
                continue;
            field = std::string_view(key).substr(colon + 1);
            if (field != "_authToken" && field != "_auth" && field != "username" &&
                field != "_password")
                continue;
            target = &scoped[key.substr(0, colon)];
        } else if (field == "registry") {
            registry = unquote(expand(text::trim(line.substr(eq + 1)), env, source, line_number));
            continue;
        }
        if (field != "_authToken" && field != "_auth" && field != "username" &&
            field != "_password")
            continue;
        std::string value =
            unquote(expand(text::trim(line.substr(eq + 1)), env, source, line_number));
        if (target->line == 0)
            target->line = line_number;
        if (field == "_authToken")
            target->token = value;
        else if (field == "_auth")
            target->auth = value;
        else if (field == "username")
            target->username = value;
        else
            target->password = value;
    }

    auto credential_of = [&](const NpmrcAuth& auth) -> std::optional<Credential> {
        std::string where = fmt::format("{}:{}", source, auth.line);
        if (auth.token && !auth.token->empty())
            return Credential::bearer(*auth.token, where);
        if (auth.auth) {
            auto pair = encoding::base64_decode(text::trim(*auth.auth));
            if (!pair || pair->find(':') == std::string::npos)
                throw npmrc_error(source, auth.line,
                                  "_auth must be base64 of \"username:password\"");
            std::size_t colon = pair->find(':');
            return Credential::basic(pair->substr(0, colon), pair->substr(colon + 1), where);
        }
        if (auth.username && auth.password) {
            auto password = encoding::base64_decode(text::trim(*auth.password));
            if (!password)
                throw npmrc_error(source, auth.line, "_password must be base64");
            return Credential::basic(*auth.username, *password, where);
        }
        return std::nullopt;
    };

    for (const auto& [nerf, auth] : scoped) {
        auto prefix = Url::try_parse("https:" + nerf);
        if (!prefix || prefix->has_userinfo())
            throw npmrc_error(source, auth.line, "the key does not name a host and path");
        if (auto credential = credential_of(auth))
            add({*prefix, SchemeMatch::http_or_https, std::move(*credential)});
    }
    if (unscoped.line != 0 && registry) {
        auto prefix = Url::try_parse(*registry);
        if (!prefix)
            throw npmrc_error(source, unscoped.line, "registry= is not an http or https URL");
        if (auto credential = credential_of(unscoped))
            add({prefix->without_userinfo(), SchemeMatch::exact, std::move(*credential)});
    }
}

void Credentials::add_npmrc_file(const std::filesystem::path& path, const config::EnvLookup& env) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(Code::io, fmt::format("cannot read {}", path.string()));
    std::stringstream text;
    text << in.rdbuf();
    add_npmrc(text.str(), env, path.string());
}

} // namespace cairn::net

namespace cairn::net {

NpmrcRegistries parse_npmrc_registries(std::string_view text, const config::EnvLookup& env,
                                       std::string_view source) {
    NpmrcRegistries out;
    std::size_t line_number = 0;
    for (std::string_view raw : text::split(text, '\n')) {
        ++line_number;
        std::string_view line = text::trim(raw);
        if (line.empty() || line.front() == ';' || line.front() == '#' || line.front() == '[')
            continue;
        std::size_t eq = line.find('=');
        if (eq == std::string_view::npos)
            continue;
        std::string key = expand(text::trim(line.substr(0, eq)), env, source, line_number);
        std::optional<std::string> scope;
        if (key == "registry") {
        } else if (key.starts_with("@") && key.ends_with(":registry")) {
            scope = key.substr(0, key.size() - 9);
            if (scope->size() < 2 || scope->find('/') != std::string::npos)
                throw npmrc_error(source, line_number,
                                  fmt::format("\"{}\" is not a scope (@name)", *scope));
        } else {
            continue;
        }
        std::string value =
            unquote(expand(text::trim(line.substr(eq + 1)), env, source, line_number));
        if (value.empty())
            throw npmrc_error(source, line_number, fmt::format("{} has an empty value", key));
        NpmrcSetting setting{value, fmt::format("{}:{}", source, line_number)};
        if (scope)
            out.scopes.insert_or_assign(*scope, std::move(setting));
        else
            out.registry = std::move(setting);
    }
    return out;
}

void merge_npmrc_registries(NpmrcRegistries& lower, const NpmrcRegistries& higher) {
    if (higher.registry)
        lower.registry = higher.registry;
    for (const auto& [scope, setting] : higher.scopes)
        lower.scopes.insert_or_assign(scope, setting);
}

} // namespace cairn::net
