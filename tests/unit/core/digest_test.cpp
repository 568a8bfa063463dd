#include "support/temp_dir.hpp"
#include "support/testdata.hpp"

#include "cairn/core/digest.hpp"
#include "cairn/core/error.hpp"

#include <gtest/gtest.h>

namespace cairn {
namespace {

// Known answers: FIPS 180 "abc" vectors.
constexpr std::string_view k_abc_sha1 = "a9993e364706816aba3e25717850c26c9cd0d89d";
constexpr std::string_view k_abc_sha256 =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr std::string_view k_abc_sha512 =
    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

template <typename F>
Error thrown(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "no cairn::Error thrown";
    return Error(Code::internal, "none");
}

TEST(Digest, KnownAnswers) {
    EXPECT_EQ(digest_bytes(DigestAlgorithm::sha1, "abc").hex(), k_abc_sha1);
    EXPECT_EQ(digest_bytes(DigestAlgorithm::sha256, "abc").hex(), k_abc_sha256);
    EXPECT_EQ(digest_bytes(DigestAlgorithm::sha512, "abc").hex(), k_abc_sha512);
    EXPECT_EQ(digest_bytes(DigestAlgorithm::sha256, "").hex(),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Digest, StreamingEqualsOneShot) {
    std::string data;
    for (int i = 0; i < 100000; ++i)
        data.push_back(static_cast<char>(i * 31 + 7));
    Hasher hasher(DigestAlgorithm::sha512);
    for (std::size_t pos = 0; pos < data.size(); pos += 777)
        hasher.update(std::string_view(data).substr(pos, 777));
    EXPECT_EQ(hasher.finish(), digest_bytes(DigestAlgorithm::sha512, data));
    // The hasher starts over after finish().
    hasher.update("abc");
    EXPECT_EQ(hasher.finish().hex(), k_abc_sha512);
}

TEST(Digest, MultiHasherComputesEveryAlgorithmInOnePass) {
    DigestAlgorithm all[] = {DigestAlgorithm::sha512, DigestAlgorithm::sha1,
                             DigestAlgorithm::sha256};
    MultiHasher hasher(all);
    hasher.update(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>("ab"), 2));
    hasher.update(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>("c"), 1));
    auto digests = hasher.finish();
    ASSERT_EQ(digests.size(), 3u);
    EXPECT_EQ(digests[0].hex(), k_abc_sha512);
    EXPECT_EQ(digests[1].hex(), k_abc_sha1);
    EXPECT_EQ(digests[2].hex(), k_abc_sha256);
}

TEST(Digest, SriRoundTrip) {
    Digest d = digest_bytes(DigestAlgorithm::sha512, "abc");
    EXPECT_EQ(d.sri(), "sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/"
                       "BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==");
    EXPECT_EQ(Digest::parse_sri(d.sri()), d);
    EXPECT_EQ(Digest::parse(d.sri()), d);
    EXPECT_EQ(Digest::parse("sha512:" + d.hex()), d);
    EXPECT_EQ(d.text(), "sha512:" + std::string(k_abc_sha512));
    Digest s1 = digest_bytes(DigestAlgorithm::sha1, "abc");
    EXPECT_EQ(s1.sri(), "sha1-qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
}

TEST(Digest, ParseSriPicksTheStrongestOfSeveral) {
    Digest s1 = digest_bytes(DigestAlgorithm::sha1, "abc");
    Digest s256 = digest_bytes(DigestAlgorithm::sha256, "abc");
    Digest s512 = digest_bytes(DigestAlgorithm::sha512, "abc");
    EXPECT_EQ(Digest::parse_sri(s1.sri() + " " + s512.sri() + "\t" + s256.sri()), s512);
    EXPECT_EQ(Digest::parse_sri("  " + s256.sri() + "?foo  " + s1.sri() + "  "), s256);
    // Unknown algorithms and malformed tokens are skipped, as browsers and npm do.
    EXPECT_EQ(Digest::parse_sri("sha384-AAAA md5-xyz " + s1.sri()), s1);
    EXPECT_EQ(Digest::parse_sri("sha512-!!!! " + s256.sri()), s256);
}

TEST(Digest, InvalidInputIsAnIntegrityErrorWithTheReason) {
    Error e = thrown([] { Digest::parse_sri("md5-abc sha384-def"); });
    EXPECT_EQ(e.code(), Code::integrity);
    EXPECT_EQ(format_plain(e),
              "error: invalid digest \"md5-abc sha384-def\"\n"
              "  caused by: no sha1, sha256 or sha512 hash in SRI form (algo-base64)\n");
    e = thrown([] { Digest::parse_sri("sha512-qZk+NkcGgWq6PiVxeFDCbJzQ2J0="); });
    EXPECT_EQ(e.code(), Code::integrity);
    e = thrown([] { Digest::parse_hex(DigestAlgorithm::sha1, "abcd"); });
    EXPECT_EQ(format_plain(e), "error: invalid digest \"abcd\"\n"
                               "  caused by: a sha1 digest is 40 hex digits, not 4\n");
    e = thrown([] {
        Digest::parse_hex(DigestAlgorithm::sha1, "zz993e364706816aba3e25717850c26c9cd0d89d");
    });
    EXPECT_EQ(e.causes().at(0), "not a hexadecimal string");
    e = thrown([] { Digest::parse("md5:abcd"); });
    EXPECT_EQ(e.causes().at(0), "the algorithm is not sha1, sha256 or sha512");
    std::uint8_t short_bytes[3] = {1, 2, 3};
    e = thrown([&] { Digest(DigestAlgorithm::sha256, short_bytes); });
    EXPECT_EQ(e.message(), "a sha256 digest has 32 bytes, not 3");
}

TEST(Digest, UpperCaseHexIsAccepted) {
    std::string upper(k_abc_sha1);
    for (char& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(Digest::parse_hex(DigestAlgorithm::sha1, upper).hex(), k_abc_sha1);
}

TEST(Digest, FileDigestMatchesBytes) {
    test::TempDir dir;
    std::string data(3 << 20, 'x');
    data[12345] = 'y';
    test::write_file(dir / "f", data);
    EXPECT_EQ(digest_file(DigestAlgorithm::sha256, dir / "f"),
              digest_bytes(DigestAlgorithm::sha256, data));
    Error e = thrown([&] { digest_file(DigestAlgorithm::sha256, dir / "missing"); });
    EXPECT_EQ(e.code(), Code::io);
    EXPECT_EQ(e.causes().at(0), "No such file or directory");
}

TEST(Digest, OrderingIsByAlgorithmThenBytes) {
    Digest a = digest_bytes(DigestAlgorithm::sha1, "a");
    Digest b = digest_bytes(DigestAlgorithm::sha256, "a");
    EXPECT_LT(a, b);
    EXPECT_NE(a, b);
    EXPECT_EQ(a, digest_bytes(DigestAlgorithm::sha1, "a"));
}

} // namespace
} // namespace cairn
