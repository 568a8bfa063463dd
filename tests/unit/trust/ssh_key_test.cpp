#include "keygen.hpp"

#include "cairn/core/error.hpp"
#include "cairn/trust/ssh_key.hpp"

#include <gtest/gtest.h>

namespace cairn::trust {
namespace {

// A fixed key (generated once with ssh-keygen) and what `ssh-keygen -lf` prints for it.
constexpr const char* k_key =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDzLrjwyvBU+GEBAyTzhVR5d783DE69vRbZhRCGAvmTv me@x";
constexpr const char* k_fingerprint = "SHA256:RdOt4gSKihN4GnBOq2kU6uqmXGVPzcjD0oy5twv9ALY";

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::integrity);
        return error.message();
    }
    ADD_FAILURE() << "no error";
    return {};
}

TEST(PublicKey, ParsesLineAndComputesFingerprint) {
    auto key = PublicKey::parse(k_key);
    EXPECT_EQ(key.fingerprint().text(), k_fingerprint);
    EXPECT_EQ(key.comment(), "me@x");
    EXPECT_EQ(key.openssh(), k_key);
    EXPECT_EQ(key.blob().size(), 4u + 11 + 4 + 32);
    EXPECT_EQ(PublicKey::from_blob(key.blob()), key);
}

TEST(PublicKey, CommentIsOptionalAndIgnoredByEquality) {
    auto a = PublicKey::parse(
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDzLrjwyvBU+GEBAyTzhVR5d783DE69vRbZhRCGAvmTv");
    auto b = PublicKey::parse(std::string(k_key) + " more words\n");
    EXPECT_EQ(a, b);
    EXPECT_EQ(a.comment(), "");
    EXPECT_EQ(b.comment(), "me@x more words");
}

TEST(PublicKey, RejectsOtherKeyTypes) {
    EXPECT_EQ(error_of([] { PublicKey::parse("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ x"); }),
              "ssh-rsa keys are not supported: cairn identities are ssh-ed25519 keys (create one "
              "with `ssh-keygen -t ed25519`)");
    EXPECT_EQ(error_of([] { PublicKey::parse("sk-ssh-ed25519@openssh.com AAAA x"); }),
              "sk-ssh-ed25519@openssh.com keys are not supported: cairn identities are "
              "ssh-ed25519 keys (create one with `ssh-keygen -t ed25519`)");
}

TEST(PublicKey, RejectsAMismatchedWireType) {
    // An ssh-rsa blob behind an ssh-ed25519 label.
    EXPECT_EQ(error_of([] { PublicKey::parse("ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQAB"); }),
              "ssh-rsa keys are not supported: cairn identities are ssh-ed25519 keys (create one "
              "with `ssh-keygen -t ed25519`)");
}

TEST(PublicKey, RejectsMalformedKeys) {
    EXPECT_EQ(error_of([] { PublicKey::parse(""); }), "not an SSH public key: the line is empty");
    EXPECT_EQ(error_of([] { PublicKey::parse("ssh-ed25519"); }),
              "not an SSH public key: the base64 key is missing");
    EXPECT_EQ(error_of([] { PublicKey::parse("ssh-ed25519 AAAA!x"); }),
              "malformed SSH public key: the key is not valid base64");
    // The key is cut short by 4 bytes.
    EXPECT_EQ(
        error_of([] {
            PublicKey::parse(
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDzLrjwyvBU+GEBAyTzhVR5d783DE69vRbZhRCGA");
        }),
        "malformed SSH public key: the ed25519 key is truncated");
    // Trailing bytes after the key.
    EXPECT_EQ(error_of([] {
                  PublicKey::parse(
                      "ssh-ed25519 "
                      "AAAAC3NzaC1lZDI1NTE5AAAAIDzLrjwyvBU+GEBAyTzhVR5d783DE69vRbZhRCGAvmTvAAAA");
              }),
              "malformed SSH public key: 3 unexpected bytes after the last field");
    EXPECT_EQ(error_of([] { PublicKey::parse("command=\"x\" ssh-ed25519 AAAA"); }),
              "not an SSH public key: \"command=\\\"x\\\" ssh-ed25519 AAAA\" (expected "
              "\"ssh-ed25519 AAAA... comment\" as in a .pub file; key options are not allowed)");
}

TEST(Fingerprint, ParsesOnlyTheSshKeygenForm) {
    EXPECT_EQ(Fingerprint::parse(k_fingerprint).text(), k_fingerprint);
    EXPECT_EQ(Fingerprint::parse(k_fingerprint), PublicKey::parse(k_key).fingerprint());
    for (const char* bad : {"", "SHA256:", "sha256:RdOt4gSKihN4GnBOq2kU6uqmXGVPzcjD0oy5twv9ALY",
                            "SHA256:RdOt4gSKihN4GnBOq2kU6uqmXGVPzcjD0oy5twv9ALY=",
                            "SHA256:RdOt4gSKihN4GnBOq2kU6uqmXGVPzcjD0oy5twv9AL!", "MD5:aa:bb"}) {
        EXPECT_THROW(Fingerprint::parse(bad), Error) << bad;
    }
}

TEST(Fingerprint, EqualsSshKeygenOutputForFreshKeys) {
    CAIRN_REQUIRE_SSH_KEYGEN();
    cairn::test::TempDir dir;
    for (int i = 0; i < 5; ++i) {
        auto path = test::make_ed25519_key(dir, "key" + std::to_string(i), "k" + std::to_string(i));
        auto pub = path;
        pub += ".pub";
        auto key = PublicKey::read_file(pub);
        auto printed = cairn::test::run({"ssh-keygen", "-lf", pub.string()});
        ASSERT_EQ(printed.status, 0) << printed.err;
        // "256 SHA256:... comment (ED25519)"
        auto words = printed.out.substr(4);
        EXPECT_EQ(words.substr(0, words.find(' ')), key.fingerprint().text());
        EXPECT_EQ(key.comment(), "k" + std::to_string(i));
        EXPECT_EQ(key.openssh() + "\n", test::read_text(pub));
    }
}

TEST(PublicKey, ReadFileReportsMissingFiles) {
    cairn::test::TempDir dir;
    try {
        PublicKey::read_file(dir / "absent.pub");
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::io);
    }
}

} // namespace
} // namespace cairn::trust
