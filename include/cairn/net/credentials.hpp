#pragma once

#include "cairn/config/json5.hpp"
#include "cairn/config/variables.hpp"
#include "cairn/net/url.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Registry credentials, keyed by URL prefix (DESIGN.md section 3, docs/configuration.md
// "Credentials"). A credential is sent only to URLs with the same scheme, host and port as
// its prefix and a path under the prefix's path; the longest matching prefix wins. The
// client looks a credential up again for every redirect hop, so a redirect to another
// origin never carries the first origin's secret.
namespace cairn::net {

// A secret: moved around, compared, put on the wire by the client, never printed.
class Secret {
public:
    explicit Secret(std::string value) : m_value(std::move(value)) {}
    const std::string& expose() const { return m_value; }
    friend bool operator==(const Secret&, const Secret&) = default;

private:
    std::string m_value;
};

enum class CredentialKind { bearer, basic };

struct Credential {
    CredentialKind kind;
    // bearer: the token; basic: base64("username:password"), as HTTP sends it.
    Secret value;
    // Where the credential came from ("auth.user.json5", "~/.npmrc:3"), for messages.
    std::string source;

    static Credential bearer(std::string token, std::string source);
    static Credential basic(std::string_view username, std::string_view password,
                            std::string source);
    // The Authorization header value: "Bearer ..." or "Basic ...".
    std::string authorization() const;
};

// Which scheme an entry matches. npm's `.npmrc` keys (`//host/path/:_authToken`) carry no
// scheme and match http and https alike, as npm does; cairn's own entries name one.
enum class SchemeMatch { exact, http_or_https };

struct CredentialEntry {
    Url prefix; // scheme, host, port and path prefix (a path ending in '/' or the whole path)
    SchemeMatch scheme_match = SchemeMatch::exact;
    Credential credential;
};

class Credentials {
public:
    Credentials() = default;

    void add(CredentialEntry entry);

    // The credential for a request to `url`: the entry with the longest matching prefix
    // (same origin, path under the prefix's path at a '/' boundary), or nullopt.
    const Credential* find(const Url& url) const;

    std::size_t size() const { return m_entries.size(); }
    bool empty() const { return m_entries.empty(); }
    const std::vector<CredentialEntry>& entries() const { return m_entries; }

    // The `auth` section of cairn's configuration:
    //   auth: { "https://npm.corp.example/": { token: "..." },
    //           "https://host/private/": { username: "me", password: "..." } }
    // `source` names where it came from. Throws cairn::Error(Code::config_invalid) naming
    // the key (never the value) when an entry has the wrong shape.
    void add_config(const config::Json& auth_section, std::string_view source);

    // npm's `.npmrc` convention: `//host[:port]/path/:_authToken=TOKEN`, `:_auth=BASE64`,
    // `:username=` + `:_password=BASE64`; unscoped `_authToken`/`_auth`/`username` +
    // `_password` apply to the same file's `registry=` URL. `${NAME}` in values expands
    // from `env` (`${NAME?}` to empty when unset). Other keys are ignored. Throws
    // cairn::Error(Code::config_invalid) naming `source` and the line for an unset
    // variable or an invalid entry.
    void add_npmrc(std::string_view text, const config::EnvLookup& env, std::string_view source);
    // The same for a file; a missing file adds nothing. Throws Code::io when unreadable.
    void add_npmrc_file(const std::filesystem::path& path, const config::EnvLookup& env);

private:
    std::vector<CredentialEntry> m_entries;
};

} // namespace cairn::net
