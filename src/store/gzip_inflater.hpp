#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

struct inflate_state;

// Gzip archives inflated with ISA-L's igzip for the extractor, which reads the tar inside
// as a stream. igzip inflated the medium bench project's 258 tarballs (210 MB of tar) in
// 176 ms, where libdeflate inflating each one whole took 211 ms and zlib through
// libarchive 443; it streams, so memory stays two 256 KiB buffers and 87 KiB of state
// whatever an archive's size.
//
// A stream is read as gzip(1) reads it: one member, or several one after the other (as
// `cat a.gz b.gz` makes); each member's trailer must match its data (CRC-32 and size); any
// other bytes after a member end the stream and are ignored.
namespace cairn::store::detail {

class GzipInflater {
public:
    // Reads up to `size` compressed bytes into `into`: how many, 0 at the end of the
    // input, or -1 when it cannot read (its caller knows why).
    using Read = std::function<std::ptrdiff_t(std::uint8_t* into, std::size_t size)>;

    explicit GzipInflater(Read read); // loads libisal on first use (throws Error(io))
    ~GzipInflater();
    GzipInflater(const GzipInflater&) = delete;
    GzipInflater& operator=(const GzipInflater&) = delete;

    // The next inflated bytes, valid until the next call: empty once the stream has ended;
    // nullopt when it is damaged (failure() says how) or the input could not be read
    // (failure() is then empty). The bytes inflated before damage come first.
    std::optional<std::span<const std::uint8_t>> next();
    const std::string& failure() const { return m_failure; }

    // Whether a file starting with `head` is gzip (its magic number).
    static bool is_gzip(std::span<const std::uint8_t> head) {
        return head.size() >= 2 && head[0] == 0x1f && head[1] == 0x8b;
    }

private:
    void refill(); // more input after what is left unread
    void fail(std::string why);

    Read m_read;
    std::unique_ptr<inflate_state> m_state;
    std::vector<std::uint8_t> m_in;
    std::vector<std::uint8_t> m_out;
    bool m_input_ended = false;
    bool m_done = false;
    bool m_failed = false; // damage (m_failure says how) or a failed read
    std::string m_failure;
};

} // namespace cairn::store::detail
