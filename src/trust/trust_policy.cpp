#include "cairn/trust/trust_policy.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/glob.hpp"
#include "cairn/core/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace cairn::trust {

bool package_pattern_matches(std::string_view pattern, std::string_view package_id) {
    return glob::matches(pattern, package_id);
}

TrustPolicy::TrustPolicy(std::vector<TrustPin> pins) : m_pins(std::move(pins)) {
    for (const auto& pin : m_pins) {
        if (pin.pattern.empty())
            throw Error(Code::config_invalid, "trust: a package pattern is empty");
        if (pin.keys.empty())
            throw Error(Code::config_invalid,
                        fmt::format("trust: no keys for {}", text::quote(pin.pattern)))
                .hint("list at least one \"ssh-ed25519 AAAA... comment\" key, or remove the "
                      "pattern to trust on first use");
    }
}

TrustPolicy TrustPolicy::from_config(const std::map<std::string, std::vector<std::string>>& trust) {
    std::vector<TrustPin> pins;
    for (const auto& [pattern, lines] : trust) {
        TrustPin pin{pattern, {}};
        for (const auto& line : lines) {
            try {
                pin.keys.push_back(PublicKey::parse(line));
            } catch (const Error& error) {
                throw Error(Code::config_invalid,
                            fmt::format("trust: a key for {} is not usable", text::quote(pattern)))
                    .caused_by(error.message());
            }
        }
        pins.push_back(std::move(pin));
    }
    return TrustPolicy(std::move(pins));
}

const TrustPin* TrustPolicy::pin_for(std::string_view package_id) const {
    const TrustPin* best = nullptr;
    const TrustPin* tied = nullptr;
    for (const auto& pin : m_pins) {
        if (!package_pattern_matches(pin.pattern, package_id))
            continue;
        if (!best || glob::specificity(pin.pattern) > glob::specificity(best->pattern)) {
            best = &pin;
            tied = nullptr;
        } else if (glob::specificity(pin.pattern) == glob::specificity(best->pattern)) {
            tied = &pin;
        }
    }
    if (tied)
        throw Error(Code::config_invalid,
                    fmt::format("trust: {} and {} both match {} equally",
                                text::quote(best->pattern), text::quote(tied->pattern), package_id))
            .hint("make one pattern more specific (more literal characters wins, an exact "
                  "package id beats any pattern)");
    return best;
}

TrustDecision TrustPolicy::decide(std::string_view package_id, const Fingerprint& signer,
                                  const std::optional<Fingerprint>& recorded) const {
    TrustDecision decision{TrustKind::first_use, std::string(package_id), signer, recorded, {}};
    if (const TrustPin* pin = pin_for(package_id)) {
        decision.pattern = pin->pattern;
        bool listed = std::any_of(pin->keys.begin(), pin->keys.end(), [&](const PublicKey& key) {
            return key.fingerprint() == signer;
        });
        decision.kind = listed ? TrustKind::pinned : TrustKind::unpinned;
        return decision;
    }
    if (!recorded)
        decision.kind = TrustKind::first_use;
    else if (*recorded == signer)
        decision.kind = TrustKind::recorded;
    else
        decision.kind = TrustKind::changed;
    return decision;
}

void TrustDecision::enforce() const {
    if (kind == TrustKind::unpinned) {
        throw Error(Code::integrity,
                    fmt::format("{} is signed by {}, which is not among the keys pinned for {}",
                                package_id, signer.text(), text::quote(pattern)))
            .hint(fmt::format("if the owner's new key is genuine, add it to the `trust` config "
                              "entry {}",
                              text::quote(pattern)));
    }
    if (kind == TrustKind::changed) {
        throw Error(Code::integrity,
                    fmt::format("the owner key of {} changed: recorded {}, now signed by {}",
                                package_id, recorded->text(), signer.text()))
            .hint(fmt::format("if you trust the new key, run `cairn trust accept {} {}`",
                              package_id, signer.text()));
    }
}

} // namespace cairn::trust
