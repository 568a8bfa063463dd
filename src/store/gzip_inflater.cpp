#include "gzip_inflater.hpp"

#include <isa-l/igzip_lib.h>

#include <cstring>
#include <utility>

namespace cairn::store::detail {

namespace {

constexpr std::size_t k_buffer_bytes = 256 * 1024;

std::string describe(int code) {
    switch (code) {
    case ISAL_INVALID_BLOCK:
        return "the gzip data is damaged: an invalid deflate block";
    case ISAL_INVALID_SYMBOL:
        return "the gzip data is damaged: an invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK:
        return "the gzip data is damaged: a back-reference before the start of the data";
    case ISAL_INVALID_WRAPPER:
        return "the gzip header is invalid";
    case ISAL_UNSUPPORTED_METHOD:
        return "the gzip header names a compression method other than deflate";
    case ISAL_INCORRECT_CHECKSUM:
        return "the gzip trailer does not match the data (CRC-32 or size): the archive is "
               "damaged";
    default:
        return "the gzip data cannot be inflated (ISA-L error " + std::to_string(code) + ")";
    }
}

} // namespace

GzipInflater::GzipInflater(Read read)
    : m_read(std::move(read)), m_state(std::make_unique<inflate_state>()), m_in(k_buffer_bytes),
      m_out(k_buffer_bytes) {
    isal_inflate_init(m_state.get());
    m_state->crc_flag = ISAL_GZIP; // parse the header, check the trailer
    m_state->next_in = m_in.data();
    m_state->avail_in = 0;
}

GzipInflater::~GzipInflater() = default;

void GzipInflater::fail(std::string why) {
    m_failure = std::move(why);
    m_failed = true;
}

void GzipInflater::refill() {
    inflate_state& s = *m_state;
    if (s.avail_in > 0 && s.next_in != m_in.data())
        std::memmove(m_in.data(), s.next_in, s.avail_in);
    s.next_in = m_in.data();
    std::ptrdiff_t n = m_read(m_in.data() + s.avail_in, m_in.size() - s.avail_in);
    if (n < 0) {
        m_failed = true; // the reader knows why
        return;
    }
    if (n == 0)
        m_input_ended = true;
    s.avail_in += static_cast<std::uint32_t>(n);
}

std::optional<std::span<const std::uint8_t>> GzipInflater::next() {
    if (m_failed)
        return std::nullopt;
    inflate_state& s = *m_state;
    s.next_out = m_out.data();
    s.avail_out = static_cast<std::uint32_t>(m_out.size());
    // Fill the output buffer, or end the stream. A failure hands over what was inflated
    // before it first (the extractor then names the entry it cuts), then fails the next call.
    while (!m_done && !m_failed && s.avail_out > 0) {
        if (s.block_state == ISAL_BLOCK_FINISH) {
            // A member ended (its trailer checked): another may follow.
            if (s.avail_in < 2 && !m_input_ended) {
                refill();
                continue;
            }
            if (s.avail_in >= 2 && is_gzip({s.next_in, 2})) {
                isal_inflate_reset(&s); // keeps the input and the gzip flag
                continue;
            }
            m_done = true; // the end of the input, or bytes that are not gzip: ignored
            break;
        }
        if (s.avail_in == 0 && !m_input_ended) {
            refill();
            continue;
        }
        std::uint32_t in_before = s.avail_in, out_before = s.avail_out;
        int rc = isal_inflate(&s);
        if (rc < 0) {
            fail(describe(rc));
        } else if (s.block_state != ISAL_BLOCK_FINISH && s.avail_in == in_before &&
                   s.avail_out == out_before) {
            if (m_input_ended)
                fail("the gzip data ends early: the archive is truncated");
            else if (s.avail_in == m_in.size()) // a full buffer it cannot use
                fail("the gzip data cannot be inflated: the inflater is stuck");
            else
                refill(); // it holds on to a partial header or code until more comes
        }
    }
    std::size_t produced = m_out.size() - s.avail_out;
    if (m_failed && produced == 0)
        return std::nullopt;
    return std::span<const std::uint8_t>(m_out.data(), produced);
}

} // namespace cairn::store::detail
