#pragma once

#include "support/run.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

// Helpers for trust tests that need real ssh-keygen keys and signatures.
namespace cairn::trust::test {

inline std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

// Generates an unencrypted ed25519 key pair DIR/NAME and DIR/NAME.pub; fails the test
// when ssh-keygen fails.
inline std::filesystem::path make_ed25519_key(const cairn::test::TempDir& dir,
                                              const std::string& name,
                                              const std::string& comment = "test@cairn") {
    auto path = dir / name;
    auto result = cairn::test::run(
        {"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path.string()});
    EXPECT_EQ(result.status, 0) << result.err;
    return path;
}

// Signs the file `data` with ssh-keygen; returns the armored signature.
inline std::string ssh_keygen_sign(const std::filesystem::path& key,
                                   const std::filesystem::path& data,
                                   const std::string& name_space) {
    std::filesystem::remove(data.string() + ".sig");
    auto result = cairn::test::run(
        {"ssh-keygen", "-Y", "sign", "-f", key.string(), "-n", name_space, data.string()});
    EXPECT_EQ(result.status, 0) << result.err;
    return read_text(data.string() + ".sig");
}

// Any bytes in the armor ssh-keygen reads, whether or not they parse as SSHSIG.
inline std::string armor(const std::vector<std::uint8_t>& blob) {
    static constexpr char k_alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string body;
    for (std::size_t i = 0; i < blob.size(); i += 3) {
        std::size_t n = std::min<std::size_t>(3, blob.size() - i);
        std::uint32_t v = std::uint32_t{blob[i]} << 16;
        if (n > 1)
            v |= std::uint32_t{blob[i + 1]} << 8;
        if (n > 2)
            v |= blob[i + 2];
        for (std::size_t k = 0; k < 4; ++k)
            body += k <= n ? k_alphabet[(v >> (18 - 6 * k)) & 63] : '=';
    }
    std::string out = "-----BEGIN SSH SIGNATURE-----\n";
    for (std::size_t j = 0; j < body.size(); j += 70)
        out += body.substr(j, 70) + "\n";
    return out + "-----END SSH SIGNATURE-----\n";
}

#define CAIRN_REQUIRE_SSH_KEYGEN()                                                                 \
    do {                                                                                           \
        if (!cairn::test::have_program("ssh-keygen"))                                              \
            GTEST_SKIP() << "ssh-keygen is not on PATH (install openssh-client)";                  \
    } while (0)

} // namespace cairn::trust::test
