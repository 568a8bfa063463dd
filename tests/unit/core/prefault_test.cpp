#include "cairn/core/prefault.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <vector>

namespace cairn {
namespace {

// Fresh anonymous memory: no page is present until touched (or prefaulted).
struct Mapping {
    explicit Mapping(std::size_t size) : size(size) {
        void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        data = p == MAP_FAILED ? nullptr : static_cast<char*>(p);
    }
    ~Mapping() {
        if (data)
            ::munmap(data, size);
    }
    std::size_t present(std::size_t from, std::size_t length) const {
        std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
        std::vector<unsigned char> in(length / page);
        if (::mincore(data + from, length, in.data()) != 0)
            return 0;
        std::size_t n = 0;
        for (unsigned char c : in)
            n += c & 1;
        return n;
    }
    char* data = nullptr;
    std::size_t size;
};

bool kernel_populates() {
    Mapping probe(1 << 20);
    return probe.data && ::madvise(probe.data, 1 << 20, MADV_POPULATE_WRITE) == 0;
}

// 64 fresh pages, on a kernel that can make them present.
class Prefault : public ::testing::Test {
protected:
    void SetUp() override {
        if (!kernel_populates())
            GTEST_SKIP() << "this kernel has no MADV_POPULATE_WRITE (Linux 5.14+)";
        ASSERT_NE(m.data, nullptr);
    }
    const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    Mapping m{64 * page};
};

TEST_F(Prefault, MakesTheWholePagesOfABufferPresentAndKeepsWhatItHolds) {
    EXPECT_EQ(m.present(0, 64 * page), 0u);
    std::memcpy(m.data + 10 * page, "kept", 4);
    // From the middle of page 3 to the middle of page 50: pages 4 to 49 whole.
    prefault(m.data + 3 * page + 100, 47 * page);
    EXPECT_EQ(m.present(4 * page, 46 * page), 46u);
    EXPECT_EQ(m.present(0, 3 * page), 0u) << "pages before the buffer";
    EXPECT_EQ(m.present(3 * page, page), 0u) << "a page the buffer starts inside";
    EXPECT_EQ(m.present(50 * page, 14 * page), 0u) << "a page the buffer ends inside, and after";
    EXPECT_EQ(std::memcmp(m.data + 10 * page, "kept", 4), 0);
    EXPECT_EQ(m.data[20 * page], 0);
}

TEST_F(Prefault, LeavesSmallBuffersAlone) {
    prefault(m.data, k_prefault_from - 1);
    EXPECT_EQ(m.present(0, 64 * page), 0u);
    prefault(nullptr, 1 << 20); // nothing to do, and no crash
}

} // namespace
} // namespace cairn
