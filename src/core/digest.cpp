#include "cairn/core/digest.hpp"

#include "cairn/core/encoding.hpp"
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

std::string_view as_text(std::span<const std::uint8_t> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::span<const std::uint8_t> as_byte_span(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

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
    auto bytes = encoding::base64_decode(token.substr(dash + 1));
    if (!bytes || bytes->size() != digest_size(*algorithm))
        return std::nullopt;
    return Digest(*algorithm, as_byte_span(*bytes));
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
    auto bytes = encoding::hex_decode(hex);
    if (!bytes)
        throw invalid_digest(hex, "not a hexadecimal string");
    return Digest(algorithm, as_byte_span(*bytes));
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
    return encoding::hex_encode(as_text(bytes()));
}

std::string Digest::base64() const {
    return encoding::base64_encode(as_text(bytes()));
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

} // namespace cairn
