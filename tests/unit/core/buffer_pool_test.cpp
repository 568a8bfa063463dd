// Buffers for response bodies kept from one response to the next: best fit, what is known
// to be present, the size limit.
#include "cairn/core/buffer_pool.hpp"

#include <gtest/gtest.h>

namespace cairn {
namespace {

// A body's buffer from elsewhere, `bytes` of its `room` written.
std::string filled(std::size_t room, std::size_t bytes) {
    std::string buffer;
    buffer.reserve(room);
    buffer.append(bytes, 'x');
    return buffer;
}

TEST(BufferPool, AGivenBufferServesTheNextBodyThatFits) {
    BufferPool pool(1 << 20);
    auto fresh = pool.take(100'000);
    EXPECT_EQ(fresh.present, 0u);
    EXPECT_TRUE(fresh.buffer.empty());
    EXPECT_GE(fresh.buffer.capacity(), 100'000u);
    fresh.buffer.append(100'000, 'x');
    const char* address = fresh.buffer.data();
    std::size_t capacity = fresh.buffer.capacity();
    pool.give(std::move(fresh.buffer));
    EXPECT_EQ(pool.kept_buffers(), 1u);
    EXPECT_EQ(pool.kept_bytes(), capacity);

    auto again = pool.take(40'000);
    EXPECT_EQ(again.buffer.data(), address);
    EXPECT_TRUE(again.buffer.empty()) << "the last body's bytes are not handed on";
    EXPECT_EQ(again.present, 100'000u);
    EXPECT_EQ(pool.kept_bytes(), 0u);

    // A small body in it leaves what was present before present.
    again.buffer.append(1'000, 'y');
    pool.give(std::move(again.buffer));
    EXPECT_EQ(pool.take(1'000).present, 100'000u);
}

TEST(BufferPool, TheSmallestBufferWithRoomIsTaken) {
    BufferPool pool(1 << 20);
    pool.give(filled(300'000, 300'000));
    pool.give(filled(100'000, 100'000));
    pool.give(filled(200'000, 200'000));
    EXPECT_EQ(pool.take(150'000).present, 200'000u);
    EXPECT_EQ(pool.take(150'000).present, 300'000u);
    auto none = pool.take(150'000);
    EXPECT_EQ(none.present, 0u) << "no kept buffer has room: a new one";
    EXPECT_GE(none.buffer.capacity(), 150'000u);
    EXPECT_EQ(pool.kept_buffers(), 1u); // the 100,000-byte one
}

TEST(BufferPool, KeepsNoSmallBuffersAndNoMoreThanItsLimit) {
    BufferPool pool(350'000, 64 * 1024);
    pool.give(filled(1'000, 1'000));
    EXPECT_EQ(pool.kept_buffers(), 0u) << "a small buffer is left to malloc";
    pool.give(filled(100'000, 100'000));
    pool.give(filled(120'000, 120'000));
    pool.give(filled(150'000, 150'000));
    EXPECT_EQ(pool.kept_buffers(), 2u) << "the smallest went";
    EXPECT_LE(pool.kept_bytes(), 350'000u);
    EXPECT_EQ(pool.take(100'000).present, 120'000u);
    pool.give(filled(400'000, 400'000));
    EXPECT_EQ(pool.kept_buffers(), 1u) << "a buffer larger than the limit is not kept";
}

} // namespace
} // namespace cairn
