#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// Content digests: the algorithms cairn verifies artifacts with, a validated Digest
// value (parsed once, at the edge, from hex or from Subresource Integrity strings as npm
// writes them) and a streaming Hasher.
namespace cairn {

enum class DigestAlgorithm { sha1, sha256, sha512 };

// "sha1", "sha256", "sha512": the names SRI strings and the store's folders use.
std::string_view algorithm_name(DigestAlgorithm algorithm);
std::optional<DigestAlgorithm> parse_algorithm_name(std::string_view name);
// Length of a digest in bytes (20, 32, 64).
std::size_t digest_size(DigestAlgorithm algorithm);
// Higher is stronger: sha512 > sha256 > sha1.
int algorithm_strength(DigestAlgorithm algorithm);

// A digest of one algorithm; always holds exactly digest_size(algorithm) bytes.
class Digest {
public:
    // Throws Error(Code::integrity) when the byte count does not fit the algorithm.
    Digest(DigestAlgorithm algorithm, std::span<const std::uint8_t> bytes);

    // A Subresource Integrity string: "sha512-<base64>", or several hashes separated by
    // whitespace as npm writes them ("sha512-... sha1-..."); options after '?' are
    // ignored, unknown algorithms skipped, and the strongest known hash is returned.
    // Throws Error(Code::integrity) when no well-formed hash of a known algorithm is there.
    static Digest parse_sri(std::string_view text);
    // Lower- or upper-case hex of exactly digest_size(algorithm) bytes.
    static Digest parse_hex(DigestAlgorithm algorithm, std::string_view hex);
    // "<algo>-<base64>" (SRI) or "<algo>:<hex>" (OCI style).
    static Digest parse(std::string_view text);

    DigestAlgorithm algorithm() const noexcept { return m_algorithm; }
    std::span<const std::uint8_t> bytes() const noexcept {
        return {m_bytes.data(), digest_size(m_algorithm)};
    }
    std::string hex() const;
    std::string base64() const;
    // "sha512-<base64>"
    std::string sri() const;
    // "sha512:<hex>", for messages and folder names.
    std::string text() const;

    friend bool operator==(const Digest& a, const Digest& b) noexcept {
        return a.m_algorithm == b.m_algorithm && a.m_bytes == b.m_bytes;
    }
    friend std::strong_ordering operator<=>(const Digest& a, const Digest& b) noexcept {
        if (auto c = a.m_algorithm <=> b.m_algorithm; c != 0)
            return c;
        return a.m_bytes <=> b.m_bytes;
    }

private:
    DigestAlgorithm m_algorithm;
    std::array<std::uint8_t, 64> m_bytes{}; // unused tail is zero
};

// Hashes a stream of bytes with one algorithm (OpenSSL EVP underneath).
class Hasher {
public:
    explicit Hasher(DigestAlgorithm algorithm);
    ~Hasher();
    Hasher(Hasher&& other) noexcept;
    Hasher& operator=(Hasher&& other) noexcept;
    Hasher(const Hasher&) = delete;
    Hasher& operator=(const Hasher&) = delete;

    DigestAlgorithm algorithm() const noexcept { return m_algorithm; }
    void update(std::span<const std::uint8_t> bytes);
    void update(std::string_view bytes);
    // The digest of everything given so far; the hasher starts over afterwards.
    Digest finish();

private:
    struct State;
    DigestAlgorithm m_algorithm;
    std::unique_ptr<State> m_state;
};

// Hashes one stream with several algorithms at once (each byte is read once).
class MultiHasher {
public:
    explicit MultiHasher(std::span<const DigestAlgorithm> algorithms);

    void update(std::span<const std::uint8_t> bytes);
    // One digest per algorithm, in the order given.
    std::vector<Digest> finish();

private:
    std::vector<Hasher> m_hashers;
};

Digest digest_bytes(DigestAlgorithm algorithm, std::string_view bytes);
// Reads the file in large blocks; throws Error(Code::io) when it cannot be read.
Digest digest_file(DigestAlgorithm algorithm, const std::filesystem::path& path);

} // namespace cairn
