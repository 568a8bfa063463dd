#pragma once

#include "cairn/trust/ssh_key.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Which owner keys are trusted for which packages (docs/cairn-index.md, "Trust policy").
// The `trust` config pins keys per package-id pattern; a package no pattern matches is
// trusted on first use: the first owner key seen is recorded (in cairn.lock, by the caller)
// and a later different key is refused until the user accepts it.
namespace cairn::trust {

// Glob over package ids: `*` matches any run of characters, '/' included; everything else
// matches itself.
bool package_pattern_matches(std::string_view pattern, std::string_view package_id);

struct TrustPin {
    std::string pattern;         // "cairn:acme/*", "cairn:acme/libfoo"
    std::vector<PublicKey> keys; // at least one
};

enum class TrustKind {
    pinned,    // the signer is one of the keys pinned for the package
    unpinned,  // keys are pinned for the package and the signer is not one of them
    first_use, // nothing pinned or recorded: record `signer`
    recorded,  // the signer is the key recorded earlier
    changed,   // a different key than the one recorded earlier
};

struct TrustDecision {
    TrustKind kind;
    std::string package_id;
    Fingerprint signer;
    std::optional<Fingerprint> recorded; // for `recorded` and `changed`
    std::string pattern;                 // the pin pattern that applied (`pinned`, `unpinned`)

    bool accepted() const noexcept {
        return kind == TrustKind::pinned || kind == TrustKind::first_use ||
               kind == TrustKind::recorded;
    }
    // Throws Error(Code::integrity) for `unpinned` and `changed`, naming both keys, with a
    // hint; does nothing otherwise.
    void enforce() const;
};

class TrustPolicy {
public:
    // Throws Error(Code::config_invalid) for an empty pattern or key list.
    explicit TrustPolicy(std::vector<TrustPin> pins);
    // The config's `trust` object: pattern -> list of "ssh-ed25519 AAAA... comment" lines.
    // Throws Error(Code::config_invalid) naming the pattern of a key that does not parse.
    static TrustPolicy from_config(const std::map<std::string, std::vector<std::string>>& trust);

    // The pin for `package_id`: an exact pattern beats any glob; among globs the one with
    // more literal characters wins. nullptr when none matches. Throws
    // Error(Code::config_invalid) when two equally specific patterns match.
    const TrustPin* pin_for(std::string_view package_id) const;

    // Decides about a document of `package_id` whose owner key is `signer`, given the key
    // recorded for the package earlier (from the lockfile), if any.
    TrustDecision decide(std::string_view package_id, const Fingerprint& signer,
                         const std::optional<Fingerprint>& recorded) const;

private:
    std::vector<TrustPin> m_pins;
};

} // namespace cairn::trust
