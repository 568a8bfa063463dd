#include "cairn/core/digest.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/text.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace cairn {
namespace {

constexpr char k_base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

const EVP_MD* evp_md(DigestAlgorithm algorithm) {
    switch (algorithm) {
    case DigestAlgorithm::sha1:
        return EVP_sha1();
    case DigestAlgorithm::sha256:
        return EVP_sha256();
    case DigestAlgorithm::sha512:
        return EVP_sha512();
    }
    return EVP_sha512();
}

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

// One "<algo>-<base64>" token of an SRI string; nullopt when malformed or unknown.
std::optional<Digest> parse_sri_token(std::string_view token) {
    if (auto q = token.find('?'); q != std::string_view::npos)
        token = token.substr(0, q);
    auto dash = token.find('-');
    if (dash == std::string_view::npos)
        return std::nullopt;
    auto algorithm = parse_algorithm_name(token.substr(0, dash));
    if (!algorithm)
        return std::nullopt;
    auto bytes = base64_decode(token.substr(dash + 1));
    if (!bytes || bytes->size() != digest_size(*algorithm))
        return std::nullopt;
    return Digest(*algorithm, *bytes);
}

Error invalid_digest(std::string_view text, std::string_view why) {
    Error error(Code::integrity, fmt::format("invalid digest {}", text::quote(text)));
    error.caused_by(std::string(why));
    return error;
}

} // namespace

std::string_view algorithm_name(DigestAlgorithm algorithm) {
    switch (algorithm) {
    case DigestAlgorithm::sha1:
        return "sha1";
    case DigestAlgorithm::sha256:
        return "sha256";
    case DigestAlgorithm::sha512:
        return "sha512";
    }
    return "sha512";
}

std::optional<DigestAlgorithm> parse_algorithm_name(std::string_view name) {
    if (name == "sha1")
        return DigestAlgorithm::sha1;
    if (name == "sha256")
        return DigestAlgorithm::sha256;
    if (name == "sha512")
        return DigestAlgorithm::sha512;
    return std::nullopt;
}

std::size_t digest_size(DigestAlgorithm algorithm) {
    switch (algorithm) {
    case DigestAlgorithm::sha1:
        return 20;
    case DigestAlgorithm::sha256:
        return 32;
    case DigestAlgorithm::sha512:
        return 64;
    }
    return 64;
}

int algorithm_strength(DigestAlgorithm algorithm) {
    switch (algorithm) {
    case DigestAlgorithm::sha1:
        return 1;
    case DigestAlgorithm::sha256:
        return 2;
    case DigestAlgorithm::sha512:
        return 3;
    }
    return 0;
}

Digest::Digest(DigestAlgorithm algorithm, std::span<const std::uint8_t> bytes)
    : m_algorithm(algorithm) {
    if (bytes.size() != digest_size(algorithm))
        throw Error(Code::integrity,
                    fmt::format("a {} digest has {} bytes, not {}", algorithm_name(algorithm),
                                digest_size(algorithm), bytes.size()));
    std::copy(bytes.begin(), bytes.end(), m_bytes.begin());
}

Digest Digest::parse_sri(std::string_view text) {
    std::optional<Digest> best;
    std::size_t pos = 0;
    while (pos < text.size()) {
        while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos])))
            ++pos;
        std::size_t end = pos;
        while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])))
            ++end;
        if (end > pos) {
            auto digest = parse_sri_token(text.substr(pos, end - pos));
            if (digest && (!best || algorithm_strength(digest->algorithm()) >
                                        algorithm_strength(best->algorithm())))
                best = digest;
        }
        pos = end;
    }
    if (!best)
        throw invalid_digest(text, "no sha1, sha256 or sha512 hash in SRI form (algo-base64)");
    return *best;
}

Digest Digest::parse_hex(DigestAlgorithm algorithm, std::string_view hex) {
    std::size_t size = digest_size(algorithm);
    if (hex.size() != size * 2)
        throw invalid_digest(hex, fmt::format("a {} digest is {} hex digits, not {}",
                                              algorithm_name(algorithm), size * 2, hex.size()));
    std::array<std::uint8_t, 64> bytes{};
    for (std::size_t i = 0; i < size; ++i) {
        int hi = hex_value(hex[2 * i]);
        int lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            throw invalid_digest(hex, "not a hexadecimal string");
        bytes[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return Digest(algorithm, std::span<const std::uint8_t>(bytes.data(), size));
}

Digest Digest::parse(std::string_view text) {
    auto colon = text.find(':');
    if (colon != std::string_view::npos) {
        auto algorithm = parse_algorithm_name(text.substr(0, colon));
        if (!algorithm)
            throw invalid_digest(text, "the algorithm is not sha1, sha256 or sha512");
        return parse_hex(*algorithm, text.substr(colon + 1));
    }
    auto digest = parse_sri_token(text);
    if (!digest)
        throw invalid_digest(text, "expected <algo>-<base64> or <algo>:<hex>");
    return *digest;
}

std::string Digest::hex() const {
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(digest_size(m_algorithm) * 2);
    for (std::uint8_t b : bytes()) {
        out.push_back(k_digits[b >> 4]);
        out.push_back(k_digits[b & 15]);
    }
    return out;
}

std::string Digest::base64() const {
    return base64_encode(bytes());
}

std::string Digest::sri() const {
    return std::string(algorithm_name(m_algorithm)) + "-" + base64();
}

std::string Digest::text() const {
    return std::string(algorithm_name(m_algorithm)) + ":" + hex();
}

struct Hasher::State {
    EVP_MD_CTX* ctx = nullptr;
    ~State() { EVP_MD_CTX_free(ctx); }
};

Hasher::Hasher(DigestAlgorithm algorithm)
    : m_algorithm(algorithm), m_state(std::make_unique<State>()) {
    m_state->ctx = EVP_MD_CTX_new();
    if (!m_state->ctx || EVP_DigestInit_ex(m_state->ctx, evp_md(algorithm), nullptr) != 1)
        throw Error(Code::internal, "OpenSSL could not start a digest");
}

Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&& other) noexcept = default;
Hasher& Hasher::operator=(Hasher&& other) noexcept = default;

void Hasher::update(std::span<const std::uint8_t> bytes) {
    if (!bytes.empty() && EVP_DigestUpdate(m_state->ctx, bytes.data(), bytes.size()) != 1)
        throw Error(Code::internal, "OpenSSL could not update a digest");
}

void Hasher::update(std::string_view bytes) {
    update(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                         bytes.size()));
}

Digest Hasher::finish() {
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> out{};
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(m_state->ctx, out.data(), &size) != 1 ||
        EVP_DigestInit_ex(m_state->ctx, evp_md(m_algorithm), nullptr) != 1)
        throw Error(Code::internal, "OpenSSL could not finish a digest");
    return Digest(m_algorithm, std::span<const std::uint8_t>(out.data(), size));
}

MultiHasher::MultiHasher(std::span<const DigestAlgorithm> algorithms) {
    m_hashers.reserve(algorithms.size());
    for (auto algorithm : algorithms)
        m_hashers.emplace_back(algorithm);
}

void MultiHasher::update(std::span<const std::uint8_t> bytes) {
    for (auto& hasher : m_hashers)
        hasher.update(bytes);
}

std::vector<Digest> MultiHasher::finish() {
    std::vector<Digest> out;
    out.reserve(m_hashers.size());
    for (auto& hasher : m_hashers)
        out.push_back(hasher.finish());
    return out;
}

Digest digest_bytes(DigestAlgorithm algorithm, std::string_view bytes) {
    Hasher hasher(algorithm);
    hasher.update(bytes);
    return hasher.finish();
}

Digest digest_file(DigestAlgorithm algorithm, const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    auto fail = [&](int err) {
        Error error(Code::io, fmt::format("cannot read {}", path.string()));
        error.caused_by(std::strerror(err));
        return error;
    };
    if (fd < 0)
        throw fail(errno);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    Hasher hasher(algorithm);
    std::vector<std::uint8_t> buffer(1 << 20);
    for (;;) {
        ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;
            ::close(fd);
            throw fail(err);
        }
        if (n == 0)
            break;
        hasher.update(std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(n)));
    }
    ::close(fd);
    return hasher.finish();
}

std::string base64_encode(std::span<const std::uint8_t> bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        std::uint32_t v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
        out.push_back(k_base64_alphabet[(v >> 18) & 63]);
        out.push_back(k_base64_alphabet[(v >> 12) & 63]);
        out.push_back(k_base64_alphabet[(v >> 6) & 63]);
        out.push_back(k_base64_alphabet[v & 63]);
    }
    std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        std::uint32_t v = bytes[i] << 16;
        if (rest == 2)
            v |= bytes[i + 1] << 8;
        out.push_back(k_base64_alphabet[(v >> 18) & 63]);
        out.push_back(k_base64_alphabet[(v >> 12) & 63]);
        out.push_back(rest == 2 ? k_base64_alphabet[(v >> 6) & 63] : '=');
        out.push_back('=');
    }
    return out;
}

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
    while (!text.empty() && text.back() == '=')
        text.remove_suffix(1);
    if (text.size() % 4 == 1)
        return std::nullopt;
    std::vector<std::uint8_t> out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        int v = base64_value(c);
        if (v < 0)
            return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xff));
        }
    }
    // Leftover bits must be zero (canonical encoding).
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
        return std::nullopt;
    return out;
}

} // namespace cairn
