// The artifact pipeline's life: a pipeline left while its workers still have stored blobs
// to unpack (an install whose resolution failed, with artifacts fetched ahead) finishes
// them on the way out, each tree complete, rather than stopping halfway.
#include "artifact_pipeline.hpp"
#include "support/archives/archive_writer.hpp"
#include "support/temp_dir.hpp"

#include "cairn/core/digest.hpp"
#include "cairn/net/client.hpp"
#include "cairn/store/store.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cairn::test {
namespace {

TEST(ArtifactPipeline, ALeftPipelineFinishesTheUnpackingQueued) {
    TempDir tmp;
    store::Store store(tmp / "store");
    std::vector<Digest> digests;
    for (int i = 0; i < 40; ++i) {
        std::string tgz = make_tar(
            {file_entry("package/package.json", "{\"name\":\"p" + std::to_string(i) + "\"}"),
             file_entry("package/index.js", std::string(5000, 'x'))});
        Digest digest = digest_bytes(DigestAlgorithm::sha512, tgz);
        store.add_blob_bytes(digest, tgz);
        digests.push_back(digest);
    }
    {
        ops::detail::PipelineOptions options;
        options.workers = 1; // the queue is still long when the pipeline goes
        ops::detail::ArtifactPipeline pipeline(
            store, []() -> net::Client& { throw std::logic_error("no download is needed"); },
            options);
        for (std::size_t i = 0; i < digests.size(); ++i)
            pipeline.add({"https://registry.invalid/p" + std::to_string(i) + ".tgz", digests[i],
                          "npm:p" + std::to_string(i) + "@1.0.0"});
    }
    for (const auto& digest : digests)
        EXPECT_TRUE(store.complete_tree(digest, store::StripComponents::first)) << digest.sri();
}

} // namespace
} // namespace cairn::test
