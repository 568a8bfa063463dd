// Downloads of archives are capped at what they may unpack to, with room for headers
// (ExtractLimits::max_archive_bytes): an endless or oversized body is cut there, fails as an
// integrity error naming the URL and the cap, and leaves nothing in the store.
#include "artifact_pipeline.hpp"
#include "support/fault_server/fault_server.hpp"
#include "support/temp_dir.hpp"

#include "cairn/core/error.hpp"
#include "cairn/net/client.hpp"
#include "cairn/ops/fetch.hpp"
#include "cairn/store/store.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace cairn::test {
namespace {

namespace fs = std::filesystem;

store::ExtractLimits small_limits() {
    store::ExtractLimits limits;
    limits.max_bytes = 1000; // archives up to 1000 + 62 + 1 MiB = 1049638 bytes
    return limits;
}

// 2 MiB announced by no Content-Length: the body ends only when the server closes.
Reply oversized() {
    Reply reply = Reply::ok(std::string(2 << 20, 'x'));
    reply.close_delimited = true;
    return reply;
}

std::size_t entries_in(const fs::path& dir) {
    std::size_t n = 0;
    for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
         ++it)
        n += it->is_regular_file();
    return n;
}

// A server answering every archive with an oversized body, and an empty store.
class DownloadCap : public ::testing::Test {
protected:
    FaultServer server;
    TempDir tmp;
    store::Store store{tmp / "store"};
    net::Client client;
};

TEST_F(DownloadCap, FetchCutsAnOversizedBodyAtTheUnpackLimit) {
    server.script("/big.tgz", oversized());
    ops::FetchOptions options;
    options.limits = small_limits();
    Digest digest = Digest::parse_sri("sha512-" + std::string(86, 'A') + "==");
    try {
        ops::fetch_artifacts(store, client, {{server.url("/big.tgz"), digest}}, options);
        ADD_FAILURE() << "the oversized download was accepted";
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::integrity);
        EXPECT_EQ(error.message(), server.url("/big.tgz") +
                                       " sent more than 1049638 bytes, the most accepted for it; "
                                       "the download was cut");
    }
    EXPECT_FALSE(store.contains_blob(digest));
    EXPECT_EQ(entries_in(store.tmp_dir()), 0u);
    EXPECT_EQ(server.request_count("/big.tgz"), 1u); // not retried: more bytes stay more
}

TEST_F(DownloadCap, InstallPipelineCutsAnOversizedTarball) {
    server.script("/pkg/-/pkg-1.0.0.tgz", oversized());
    ops::detail::PipelineOptions options;
    options.limits = small_limits();
    Digest digest = Digest::parse_sri("sha512-" + std::string(85, 'B') + "A==");
    std::vector<ops::detail::ArtifactOutcome> outcomes;
    {
        ops::detail::ArtifactPipeline pipeline(
            store, [&]() -> net::Client& { return client; }, options);
        std::size_t id =
            pipeline.add({server.url("/pkg/-/pkg-1.0.0.tgz"), digest, "npm:pkg@1.0.0"});
        outcomes = pipeline.results(std::vector<std::size_t>{id});
    }
    ASSERT_EQ(outcomes.size(), 1u);
    ASSERT_TRUE(outcomes[0].error);
    EXPECT_FALSE(outcomes[0].tree);
    EXPECT_EQ(outcomes[0].error->code(), Code::integrity);
    EXPECT_NE(outcomes[0].error->message().find("sent more than 1049638 bytes"), std::string::npos)
        << outcomes[0].error->message();
    EXPECT_FALSE(store.contains_blob(digest));
    EXPECT_EQ(entries_in(store.tmp_dir()), 0u);
}

} // namespace
} // namespace cairn::test
