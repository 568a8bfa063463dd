#include "archives/archive_writer.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"

#include "cairn/core/digest.hpp"
#include "cairn/install/install.hpp"
#include "cairn/store/store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

namespace cairn::test {
namespace {

namespace fs = std::filesystem;
using namespace cairn::install;

struct Stored {
    std::string integrity;
    store::UnpackedTree tree;
};

Stored store_package(const store::Store& s, const std::vector<TarEntry>& entries) {
    std::string tgz = make_tar(entries);
    Digest digest = digest_bytes(DigestAlgorithm::sha512, tgz);
    s.add_blob_bytes(digest, tgz);
    store::UnpackOptions options;
    options.strip = store::StripComponents::first;
    return {digest.sri(), s.unpack(digest, options)};
}

PlannedPackage planned(std::string path, std::string name, std::string version,
                       const Stored& stored, std::map<std::string, std::string> deps = {}) {
    PlannedPackage p;
    p.path = std::move(path);
    p.name = name;
    p.package = name;
    p.version = std::move(version);
    p.integrity = stored.integrity;
    p.source = stored.tree.path;
    p.dependencies = std::move(deps);
    return p;
}

TEST(InstallFromStore, BothLayoutsResolveAndTheStoreTreesStayIntact) {
    TempDir tmp;
    store::Store s(tmp / "store");
    auto a = store_package(
        s, {file_entry("package/package.json",
                       R"({"name": "a", "version": "1.0.0", "bin": {"a-cli": "bin/cli.js"}})"),
            file_entry("package/index.js", "module.exports = 'a+' + require('b');\n"),
            file_entry("package/bin/cli.js", "#!/usr/bin/env node\nconsole.log(require('../'));\n",
                       0644),
            symlink_entry("package/main.js", "index.js")});
    auto b = store_package(
        s, {file_entry("package/package.json", R"({"name": "b", "version": "2.0.0"})"),
            file_entry("package/index.js", "module.exports = 'b2';\n")});
    fs::path project = tmp / "project";
    fs::create_directories(project);
    std::ofstream(project / "package.json") << R"({"name": "p", "dependencies": {"a": "1"}})";

    InstallPlan plan;
    plan.project = project;
    plan.packages = {planned("node_modules/a", "a", "1.0.0", a, {{"b", "node_modules/b"}}),
                     planned("node_modules/b", "b", "2.0.0", b)};
    plan.root_dependencies = {{"a", "node_modules/a"}};
    for (Layout layout : {Layout::hoisted, Layout::isolated, Layout::hoisted}) {
        SCOPED_TRACE(std::string(layout_name(layout)));
        plan.layout = layout;
        auto report = materialize(plan, {});
        EXPECT_EQ(report.added, 2u);
        EXPECT_EQ(report.bins, std::vector<std::string>{"a-cli"});
        EXPECT_GE(report.files_linked, 3u);
        if (have_program("node")) {
            RunOptions options;
            options.cwd = project;
            auto result = run({"node", "-e", "console.log(require('a'))"}, options);
            EXPECT_EQ(result.out, "a+b2\n") << result.err;
            result = run({(project / "node_modules/.bin/a-cli").string()}, options);
            EXPECT_EQ(result.out, "a+b2\n") << result.err;
        }
        // The store's trees are byte for byte, mode for mode what the store unpacked.
        EXPECT_EQ(store::tree_manifest(a.tree.path), a.tree.manifest);
        EXPECT_EQ(store::tree_manifest(b.tree.path), b.tree.manifest);
        EXPECT_TRUE(s.find_unpacked(Digest::parse_sri(a.integrity), store::StripComponents::first));
        struct stat st {};
        ASSERT_EQ(::stat((a.tree.path / "bin/cli.js").c_str(), &st), 0);
        EXPECT_EQ(st.st_mode & 0777, 0644u);
    }
    if (!have_program("node"))
        GTEST_SKIP() << "node is not installed: Node's resolution was not checked";
}

} // namespace
} // namespace cairn::test
