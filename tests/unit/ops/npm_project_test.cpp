// A lockfile parsed without its portable index (a CI install reads only what it links) is
// read whole again when something needs the index: from the file itself, and only while
// it is the file first read. One another process rewrote or removed meanwhile is an error,
// never half of one file joined to half of another.
#include "npm_project.hpp"
#include "support/temp_dir.hpp"

#include "cairn/core/error.hpp"
#include "cairn/lock/lockfile.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace cairn::test {
namespace {

namespace fs = std::filesystem;

std::string lock_text(const std::string& version) {
    const std::string integrity = "sha512-" + std::string(86, 'A') + "==";
    const std::string tarball = "http://127.0.0.1:9/a/-/a-" + version + ".tgz";
    lock::Lockfile lockfile;
    lockfile.root.dependencies["a"] = "^1.0.0";
    lock::LockedPackage& a = lockfile.packages["node_modules/a"];
    a.path = "node_modules/a";
    a.name = a.package = "a";
    a.version = version;
    a.integrity = integrity;
    a.resolved = tarball;
    a.registry = "npm/default";
    protocol::npm::Packument& entry = lockfile.index["npm:a"];
    entry.name = "a";
    protocol::npm::PackumentRelease release;
    release.version = version;
    release.integrity = integrity;
    release.tarball = tarball;
    entry.releases.push_back(release);
    return lock::write_lockfile(lockfile);
}

void write(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

class WholeLockText : public ::testing::Test {
protected:
    void SetUp() override {
        write(dir.path() / "package.json",
              R"({"name": "p", "version": "1.0.0", "dependencies": {"a": "^1.0.0"}})");
        written = lock_text("1.0.0");
        write(dir.path() / "cairn.lock", written);
        project = ops::detail::read_npm_texts(dir.path());
        ops::detail::parse_npm_project(project, lock::IndexReading::skip);
        // The premise: the index was left out of what was parsed.
        ASSERT_FALSE(project.lock_text_whole);
        ASSERT_TRUE(project.lock && project.lock->index_skipped);
    }

    void expect_changed_error() {
        try {
            ops::detail::whole_lock_text(project);
            FAIL() << "a lockfile that changed was read as the one parsed";
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), Code::io);
            EXPECT_EQ(e.message(),
                      (dir.path() / "cairn.lock").string() + " changed while cairn was reading it");
            ASSERT_FALSE(e.hints().empty());
            EXPECT_NE(e.hints().front().find("run the command again"), std::string::npos);
        }
        EXPECT_FALSE(project.lock_text_whole) << "the other text was kept";
    }

    TempDir dir;
    std::string written;
    ops::detail::NpmProject project;
};

TEST_F(WholeLockText, TheUnchangedFileIsReadWhole) {
    const std::string& whole = ops::detail::whole_lock_text(project);
    EXPECT_EQ(whole, written);
    EXPECT_TRUE(project.lock_text_whole);
    // The index the first parse left out is there, converted from that text.
    lock::read_skipped_index(*project.lock, whole, lock::k_lockfile_name);
    ASSERT_EQ(project.lock->index.count("npm:a"), 1u);
    EXPECT_EQ(project.lock->index.at("npm:a").releases.at(0).version, "1.0.0");
}

TEST_F(WholeLockText, AFileRewrittenMeanwhileIsAnError) {
    write(dir.path() / "cairn.lock", lock_text("1.0.1"));
    expect_changed_error();
}

TEST_F(WholeLockText, AFileRewrittenWithTheSameLengthIsAnError) {
    std::string same_length = written;
    std::size_t at = same_length.find("a-1.0.0.tgz");
    ASSERT_NE(at, std::string::npos);
    same_length.replace(at, 11, "a-9.0.0.tgz");
    ASSERT_EQ(same_length.size(), written.size());
    write(dir.path() / "cairn.lock", same_length);
    expect_changed_error();
}

TEST_F(WholeLockText, AFileRemovedMeanwhileIsAnError) {
    fs::remove(dir.path() / "cairn.lock");
    expect_changed_error();
}

} // namespace
} // namespace cairn::test
