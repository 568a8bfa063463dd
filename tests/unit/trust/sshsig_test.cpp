#include "keygen.hpp"

#include "cairn/core/error.hpp"
#include "cairn/trust/sshsig.hpp"

#include <gtest/gtest.h>

#include <random>

namespace cairn::trust {
namespace {

using cairn::test::run;
using cairn::test::TempDir;

std::string integrity_error(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::integrity) << error.message();
        return error.message();
    }
    ADD_FAILURE() << "no error";
    return {};
}

cairn::test::RunOptions input_of(const std::string& message) {
    cairn::test::RunOptions options;
    options.input = message;
    return options;
}

class Sshsig : public ::testing::Test {
protected:
    void SetUp() override {
        CAIRN_REQUIRE_SSH_KEYGEN();
        m_key_path = test::make_ed25519_key(m_dir, "alice", "alice@example");
        m_other_path = test::make_ed25519_key(m_dir, "bob", "bob@example");
    }

    PublicKey key(const std::filesystem::path& path) const {
        return PublicKey::read_file(path.string() + ".pub");
    }

    // ssh-keygen's own verdicts, for agreement checks.
    bool ssh_keygen_verifies(const std::string& message, const std::string& armored,
                             const PublicKey& signer, const std::string& name_space) {
        test::write_text(m_dir / "allowed_signers", "signer@cairn " + signer.openssh() + "\n");
        test::write_text(m_dir / "check.sig", armored);
        auto result =
            run({"ssh-keygen", "-Y", "verify", "-f", (m_dir / "allowed_signers").string(), "-I",
                 "signer@cairn", "-n", name_space, "-s", (m_dir / "check.sig").string()},
                input_of(message));
        return result.status == 0;
    }

    bool ssh_keygen_checks(const std::string& message, const std::string& armored,
                           const std::string& name_space) {
        test::write_text(m_dir / "check.sig", armored);
        auto result = run({"ssh-keygen", "-Y", "check-novalidate", "-n", name_space, "-s",
                           (m_dir / "check.sig").string()},
                          input_of(message));
        return result.status == 0;
    }

    SignOptions sign_options(const std::filesystem::path& key) const {
        SignOptions options;
        options.key_path = key;
        options.temp_dir = m_dir.path();
        return options;
    }

    TempDir m_dir;
    std::filesystem::path m_key_path;
    std::filesystem::path m_other_path;
};

TEST_F(Sshsig, VerifiesWhatSshKeygenSigned) {
    test::write_text(m_dir / "data", "the signed bytes\n");
    auto armored = test::ssh_keygen_sign(m_key_path, m_dir / "data", "cairn-index");
    auto signature = SshSignature::parse_armored(armored);
    EXPECT_EQ(signature.public_key(), key(m_key_path));
    EXPECT_EQ(signature.signature_namespace(), "cairn-index");
    EXPECT_EQ(signature.hash(), SshsigHash::sha512);
    EXPECT_EQ(signature.armored(), armored);
    EXPECT_NO_THROW(verify(signature, "the signed bytes\n", key(m_key_path)));
    EXPECT_NO_THROW(verify(SshSignature::parse_base64(signature.base64()), "the signed bytes\n"));
}

TEST_F(Sshsig, VerifiesSha256Signatures) {
    test::write_text(m_dir / "data", "x");
    auto result = run({"ssh-keygen", "-Y", "sign", "-f", m_key_path.string(), "-n", "cairn-index",
                       "-O", "hashalg=sha256", (m_dir / "data").string()});
    ASSERT_EQ(result.status, 0) << result.err;
    auto signature = SshSignature::parse_armored(test::read_text(m_dir / "data.sig"));
    EXPECT_EQ(signature.hash(), SshsigHash::sha256);
    EXPECT_NO_THROW(verify(signature, "x", key(m_key_path)));
    EXPECT_EQ(integrity_error([&] { verify(signature, "y"); }).substr(0, 14), "bad signature:");
}

TEST_F(Sshsig, SignsThroughSshKeygenAndSshKeygenAgrees) {
    const std::string message = "{\"name\":\"libfoo\",\"seq\":1}";
    auto signature = sign_with_ssh_keygen(message, sign_options(m_key_path));
    EXPECT_EQ(signature.public_key(), key(m_key_path));
    EXPECT_NO_THROW(verify(signature, message, key(m_key_path)));
    EXPECT_TRUE(ssh_keygen_verifies(message, signature.armored(), key(m_key_path), "cairn-index"));
    EXPECT_TRUE(ssh_keygen_checks(message, signature.armored(), "cairn-index"));
    EXPECT_FALSE(ssh_keygen_checks(message + " ", signature.armored(), "cairn-index"));
    // Only the temp folder's own scratch files were removed: nothing is left behind.
    std::size_t left = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(m_dir.path()))
        ++left;
    EXPECT_EQ(left, 6u); // two key pairs, allowed_signers, check.sig
}

TEST_F(Sshsig, SigningWithAMissingKeyReportsSshKeygensReasons) {
    try {
        sign_with_ssh_keygen("x", sign_options(m_dir / "missing-key"));
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::io);
        EXPECT_EQ(error.message(), "ssh-keygen could not sign with " +
                                       (m_dir / "missing-key").string() + " (exit status 255)");
        EXPECT_FALSE(error.causes().empty());
    }
}

TEST_F(Sshsig, RejectsAnotherNamespace) {
    test::write_text(m_dir / "data", "payload");
    auto signature =
        SshSignature::parse_armored(test::ssh_keygen_sign(m_key_path, m_dir / "data", "git"));
    EXPECT_EQ(integrity_error([&] { verify(signature, "payload", key(m_key_path)); }),
              "wrong signature namespace: expected \"cairn-index\", the signature is for \"git\"");
    EXPECT_NO_THROW(verify(signature, "payload", key(m_key_path), "git"));
}

TEST_F(Sshsig, RejectsAnotherKey) {
    test::write_text(m_dir / "data", "payload");
    auto signature = SshSignature::parse_armored(
        test::ssh_keygen_sign(m_other_path, m_dir / "data", "cairn-index"));
    EXPECT_EQ(integrity_error([&] { verify(signature, "payload", key(m_key_path)); }),
              "signed by another key: expected " + key(m_key_path).fingerprint().text() +
                  ", the signature is by " + key(m_other_path).fingerprint().text());
}

TEST_F(Sshsig, RejectsAChangedMessageByte) {
    std::string message = "release 1.2.3 sha256:abcdef";
    test::write_text(m_dir / "data", message);
    auto signature = SshSignature::parse_armored(
        test::ssh_keygen_sign(m_key_path, m_dir / "data", "cairn-index"));
    for (std::size_t i = 0; i < message.size(); ++i) {
        auto changed = message;
        changed[i] ^= 0x01;
        EXPECT_EQ(integrity_error([&] { verify(signature, changed, key(m_key_path)); }),
                  "bad signature: the \"cairn-index\" signature by " +
                      key(m_key_path).fingerprint().text() + " does not match the data");
    }
    EXPECT_THROW(verify(signature, message + "\n", key(m_key_path)), Error);
    EXPECT_THROW(verify(signature, "", key(m_key_path)), Error);
}

TEST_F(Sshsig, RejectsAChangedSignatureByte) {
    test::write_text(m_dir / "data", "payload");
    auto signature = SshSignature::parse_armored(
        test::ssh_keygen_sign(m_key_path, m_dir / "data", "cairn-index"));
    auto blob = std::vector<std::uint8_t>(signature.blob().begin(), signature.blob().end());
    // Each byte of the 64-byte ed25519 signature at the end of the blob.
    for (std::size_t i = blob.size() - 64; i < blob.size(); ++i) {
        auto changed = blob;
        changed[i] ^= 0x80;
        auto parsed = SshSignature::parse_blob(changed);
        EXPECT_THROW(verify(parsed, "payload", key(m_key_path)), Error) << i;
    }
}

TEST_F(Sshsig, RejectsMalformedArmor) {
    test::write_text(m_dir / "data", "payload");
    auto armored = test::ssh_keygen_sign(m_key_path, m_dir / "data", "cairn-index");
    EXPECT_EQ(integrity_error([&] { SshSignature::parse_armored(armored.substr(0, 100)); }),
              "malformed SSH signature armor: it does not end with -----END SSH SIGNATURE----- "
              "(truncated?)");
    EXPECT_EQ(integrity_error([&] { SshSignature::parse_armored(armored.substr(31)); }),
              "malformed SSH signature armor: it does not start with "
              "-----BEGIN SSH SIGNATURE-----");
    EXPECT_EQ(integrity_error([&] {
                  SshSignature::parse_armored(
                      "-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----\n");
              }),
              "malformed SSH signature armor: there is nothing between the BEGIN and END lines");
    // A line of the body missing (70 characters: no longer whole base64 quanta).
    auto first_nl = armored.find('\n');
    auto second_nl = armored.find('\n', first_nl + 1);
    auto cut = armored.substr(0, first_nl + 1) + armored.substr(second_nl + 1);
    EXPECT_EQ(integrity_error([&] { SshSignature::parse_armored(cut); }),
              "malformed SSH signature armor: the body is not valid base64");
    auto bad_char = armored;
    bad_char[40] = '*';
    EXPECT_EQ(integrity_error([&] { SshSignature::parse_armored(bad_char); }),
              "malformed SSH signature armor: the body is not valid base64");
    // CRLF line ends and surrounding blank lines are accepted.
    std::string crlf;
    for (char c : armored)
        crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    EXPECT_NO_THROW(verify(SshSignature::parse_armored("\n" + crlf + "\n"), "payload"));
}

TEST_F(Sshsig, RejectsMalformedBlobs) {
    test::write_text(m_dir / "data", "payload");
    auto signature = SshSignature::parse_armored(
        test::ssh_keygen_sign(m_key_path, m_dir / "data", "cairn-index"));
    auto blob = std::vector<std::uint8_t>(signature.blob().begin(), signature.blob().end());
    auto bad_magic = blob;
    bad_magic[0] = 'X';
    EXPECT_EQ(integrity_error([&] { SshSignature::parse_blob(bad_magic); }),
              "malformed SSH signature: it does not start with SSHSIG");
    auto bad_version = blob;
    bad_version[9] = 2;
    EXPECT_EQ(integrity_error([&] { SshSignature::parse_blob(bad_version); }),
              "malformed SSH signature: version 2 is not supported (only 1)");
    auto extra = blob;
    extra.push_back(0);
    EXPECT_EQ(integrity_error([&] { SshSignature::parse_blob(extra); }),
              "malformed SSH signature: 1 unexpected bytes after the last field");
    for (std::size_t size = 0; size < blob.size(); size += 7) {
        std::vector<std::uint8_t> cut(blob.begin(), blob.begin() + static_cast<long>(size));
        EXPECT_THROW(SshSignature::parse_blob(cut), Error) << size;
    }
}

// Random single-byte changes to the message or anywhere in the signature blob: cairn's
// verdict must equal ssh-keygen's for every case.
TEST_F(Sshsig, AgreesWithSshKeygenOnRandomTampering) {
    const std::string message = "{\"entries\":{\"libfoo\":\"x/libfoo\"},\"seq\":7}";
    auto signature = sign_with_ssh_keygen(message, sign_options(m_key_path));
    auto blob = std::vector<std::uint8_t>(signature.blob().begin(), signature.blob().end());
    std::mt19937 random(20240611);
    int accepted = 0, rejected = 0;
    for (int round = 0; round < 40; ++round) {
        auto changed_blob = blob;
        auto changed_message = message;
        if (round % 4 == 0) {
            changed_message[random() % changed_message.size()] ^= 1 << (random() % 8);
        } else if (round % 4 != 3) {
            changed_blob[random() % changed_blob.size()] ^= 1 << (random() % 8);
        }
        bool native = true;
        std::string armored;
        try {
            auto parsed = SshSignature::parse_blob(changed_blob);
            armored = parsed.armored();
            verify(parsed, changed_message, key(m_key_path));
        } catch (const Error&) {
            native = false;
        }
        if (armored.empty()) // unparseable: show ssh-keygen the same bytes
            armored = test::armor(changed_blob);
        bool reference =
            ssh_keygen_verifies(changed_message, armored, key(m_key_path), "cairn-index");
        EXPECT_EQ(native, reference) << "round " << round;
        (native ? accepted : rejected) += 1;
    }
    EXPECT_GE(accepted, 10); // the untouched rounds
    EXPECT_GE(rejected, 20);
}

// ssh-keygen may reject a signature file before it reads the message from its input: the
// harness's write then meets a closed pipe, which once killed this test binary (SIGPIPE).
TEST(SshKeygenInput, AChildThatExitsBeforeReadingItIsNotFatal) {
    cairn::test::RunOptions options;
    options.input.assign(std::size_t{1} << 20, 'x'); // more than a pipe holds
    auto result = cairn::test::run({"true"}, options);
    EXPECT_EQ(result.status, 0);
}

} // namespace
} // namespace cairn::trust
