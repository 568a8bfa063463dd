#include "cairn/core/error.hpp"
#include "cairn/trust/trust_policy.hpp"

#include <gtest/gtest.h>

namespace cairn::trust {
namespace {

// Two fixed keys (generated with ssh-keygen).
constexpr const char* k_alice =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDzLrjwyvBU+GEBAyTzhVR5d783DE69vRbZhRCGAvmTv alice";
constexpr const char* k_alice_fp = "SHA256:RdOt4gSKihN4GnBOq2kU6uqmXGVPzcjD0oy5twv9ALY";
const char* bob_line() {
    static const std::string line = [] {
        // Any other 32 bytes form a different key.
        auto alice = PublicKey::parse(k_alice);
        auto blob = alice.blob();
        blob.back() ^= 0x55;
        return PublicKey::from_blob(blob, "bob").openssh();
    }();
    return line.c_str();
}

Fingerprint alice() {
    return Fingerprint::parse(k_alice_fp);
}
Fingerprint bob() {
    return PublicKey::parse(bob_line()).fingerprint();
}

TEST(PackagePattern, Globs) {
    EXPECT_TRUE(package_pattern_matches("cairn:acme/*", "cairn:acme/libfoo"));
    EXPECT_TRUE(package_pattern_matches("cairn:acme/*", "cairn:acme/a/b"));
    EXPECT_TRUE(package_pattern_matches("cairn:*/libfoo", "cairn:acme/libfoo"));
    EXPECT_TRUE(package_pattern_matches("*", "npm:x"));
    EXPECT_TRUE(package_pattern_matches("cairn:acme/libfoo", "cairn:acme/libfoo"));
    EXPECT_FALSE(package_pattern_matches("cairn:acme/libfoo", "cairn:acme/libfoo2"));
    EXPECT_FALSE(package_pattern_matches("cairn:acme/*", "cairn:acmex/libfoo"));
    EXPECT_FALSE(package_pattern_matches("cairn:acme/*", "npm:acme/libfoo"));
    EXPECT_TRUE(package_pattern_matches("cairn:a*b*c", "cairn:aXbYbZc"));
    EXPECT_FALSE(package_pattern_matches("cairn:a*b*c", "cairn:aXbYbZ"));
}

TEST(TrustPolicy, PinnedKeysDecide) {
    auto policy = TrustPolicy::from_config({{"cairn:acme/*", {k_alice}}});
    auto decision = policy.decide("cairn:acme/libfoo", alice(), std::nullopt);
    EXPECT_EQ(decision.kind, TrustKind::pinned);
    EXPECT_EQ(decision.pattern, "cairn:acme/*");
    EXPECT_TRUE(decision.accepted());
    EXPECT_NO_THROW(decision.enforce());
    // A pin overrides whatever was recorded.
    EXPECT_EQ(policy.decide("cairn:acme/libfoo", alice(), bob()).kind, TrustKind::pinned);

    auto other = policy.decide("cairn:acme/libfoo", bob(), std::nullopt);
    EXPECT_EQ(other.kind, TrustKind::unpinned);
    EXPECT_FALSE(other.accepted());
    try {
        other.enforce();
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::integrity);
        EXPECT_EQ(error.message(), "cairn:acme/libfoo is signed by " + bob().text() +
                                       ", which is not among the keys pinned for "
                                       "\"cairn:acme/*\"");
    }
}

TEST(TrustPolicy, MostSpecificPatternWins) {
    auto policy = TrustPolicy::from_config({{"cairn:*", {bob_line()}},
                                            {"cairn:acme/*", {k_alice}},
                                            {"cairn:acme/special", {bob_line()}}});
    EXPECT_EQ(policy.pin_for("cairn:acme/libfoo")->pattern, "cairn:acme/*");
    EXPECT_EQ(policy.pin_for("cairn:acme/special")->pattern, "cairn:acme/special");
    EXPECT_EQ(policy.pin_for("cairn:other/x")->pattern, "cairn:*");
    EXPECT_EQ(policy.pin_for("npm:left-pad"), nullptr);
    EXPECT_EQ(policy.decide("cairn:acme/special", bob(), std::nullopt).kind, TrustKind::pinned);
    EXPECT_EQ(policy.decide("cairn:acme/special", alice(), std::nullopt).kind, TrustKind::unpinned);
    EXPECT_EQ(policy.decide("cairn:acme/libfoo", alice(), std::nullopt).kind, TrustKind::pinned);
}

TEST(TrustPolicy, EquallySpecificPatternsAreAConfigError) {
    auto policy =
        TrustPolicy::from_config({{"cairn:acme/*", {k_alice}}, {"cairn:*/libf*", {bob_line()}}});
    try {
        policy.pin_for("cairn:acme/libfoo");
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::config_invalid);
        EXPECT_EQ(error.message(),
                  "trust: \"cairn:*/libf*\" and \"cairn:acme/*\" both match cairn:acme/libfoo "
                  "equally");
    }
}

TEST(TrustPolicy, TrustOnFirstUseThenRecorded) {
    TrustPolicy policy({});
    auto first = policy.decide("cairn:acme/libfoo", alice(), std::nullopt);
    EXPECT_EQ(first.kind, TrustKind::first_use);
    EXPECT_EQ(first.signer, alice()); // what the caller records
    EXPECT_TRUE(first.accepted());
    auto again = policy.decide("cairn:acme/libfoo", alice(), alice());
    EXPECT_EQ(again.kind, TrustKind::recorded);
    EXPECT_NO_THROW(again.enforce());
}

TEST(TrustPolicy, AChangedKeyIsAnErrorNamingBothKeysAndTheCommand) {
    TrustPolicy policy({});
    auto decision = policy.decide("cairn:acme/libfoo", bob(), alice());
    EXPECT_EQ(decision.kind, TrustKind::changed);
    EXPECT_FALSE(decision.accepted());
    try {
        decision.enforce();
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::integrity);
        EXPECT_EQ(error.message(), "the owner key of cairn:acme/libfoo changed: recorded " +
                                       alice().text() + ", now signed by " + bob().text());
        ASSERT_EQ(error.hints().size(), 1u);
        EXPECT_EQ(error.hints()[0], "if you trust the new key, run `cairn trust accept "
                                    "cairn:acme/libfoo " +
                                        bob().text() + "`");
    }
}

TEST(TrustPolicy, RejectsUnusableConfig) {
    try {
        TrustPolicy::from_config({{"cairn:acme/*", {"ssh-rsa AAAAB3NzaC1yc2E x"}}});
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::config_invalid);
        EXPECT_EQ(error.message(), "trust: a key for \"cairn:acme/*\" is not usable");
        ASSERT_EQ(error.causes().size(), 1u);
        EXPECT_EQ(error.causes()[0].substr(0, 30), "ssh-rsa keys are not supported");
    }
    EXPECT_THROW(TrustPolicy::from_config({{"cairn:acme/*", {}}}), Error);
    EXPECT_THROW(TrustPolicy::from_config({{"", {k_alice}}}), Error);
}

} // namespace
} // namespace cairn::trust
