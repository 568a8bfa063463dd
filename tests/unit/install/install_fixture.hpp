#pragma once

#include "support/run.hpp"
#include "support/temp_dir.hpp"

#include "cairn/core/error.hpp"
#include "cairn/install/install.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

// Store trees built as plain folders, a project beside them, and plans over both.
namespace cairn::test {

namespace fs = std::filesystem;
using namespace cairn::install;

inline void write_file(const fs::path& path, const std::string& text, unsigned mode = 0644) {
    fs::create_directories(path.parent_path());
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << text;
    }
    fs::permissions(path, fs::perms(mode));
}

inline std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

inline struct stat stat_of(const fs::path& path) {
    struct stat st {};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
    return st;
}

inline bool exists_no_follow(const fs::path& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

struct TreeSpec {
    std::string package;
    std::string version;
    // Extra package.json members, e.g. R"("bin": {"x": "cli.js"})".
    std::string manifest_extra;
    std::map<std::string, std::string> files; // path -> content (index.js by default)
    std::map<std::string, unsigned> modes;    // path -> mode
};

class InstallTest : public ::testing::Test {
protected:
    TempDir tmp;
    fs::path store = tmp / "store";
    fs::path project = tmp / "project";

    void SetUp() override {
        fs::create_directories(store);
        write_file(project / "package.json", R"({"name": "root", "version": "1.0.0"})");
    }

    // A store tree for a package: package.json, and index.js exporting its name, version
    // and what its dependency `b` (if any) resolves to.
    fs::path make_tree(const TreeSpec& spec, const fs::path& root = {}) {
        fs::path dir = (root.empty() ? store : root) /
                       (spec.package + "-" + spec.version + "-" + std::to_string(++m_trees));
        std::string manifest =
            R"({"name": ")" + spec.package + R"(", "version": ")" + spec.version + "\"" +
            (spec.manifest_extra.empty() ? "" : ", " + spec.manifest_extra) + "}";
        write_file(dir / "package.json", manifest);
        if (!spec.files.contains("index.js"))
            write_file(dir / "index.js",
                       "exports.name = '" + spec.package + "'; exports.version = '" + spec.version +
                           "';\ntry { exports.dep = require('b').version } catch (e) {}\n");
        for (const auto& [path, text] : spec.files) {
            auto mode = spec.modes.find(path);
            write_file(dir / path, text, mode == spec.modes.end() ? 0644 : mode->second);
        }
        return dir;
    }

    PlannedPackage package(std::string path, std::string package, std::string version,
                           fs::path source, std::map<std::string, std::string> deps = {}) {
        PlannedPackage p;
        p.path = path;
        auto at = path.rfind("node_modules/");
        p.name = path.substr(at + 13);
        p.package = std::move(package);
        p.version = version;
        p.integrity = "sha512-" + p.package + "-" + version;
        p.source = std::move(source);
        p.dependencies = std::move(deps);
        return p;
    }

    InstallPlan plan_of(std::vector<PlannedPackage> packages,
                        std::map<std::string, std::string> roots, Layout layout = Layout::hoisted) {
        InstallPlan plan;
        plan.project = project;
        plan.layout = layout;
        plan.packages = std::move(packages);
        plan.root_dependencies = std::move(roots);
        return plan;
    }

    InstallReport install(const InstallPlan& plan, unsigned jobs = 2) {
        InstallOptions options;
        options.jobs = jobs;
        return materialize(plan, options);
    }

    // node's answer to `expr` run in the project, or a skip when node is absent.
    std::string node_eval(const std::string& expr) {
        RunOptions options;
        options.cwd = project;
        auto result = run({"node", "-e", "console.log(" + expr + ")"}, options);
        EXPECT_EQ(result.status, 0) << result.err;
        std::string out = result.out;
        while (!out.empty() && out.back() == '\n')
            out.pop_back();
        return out;
    }

    // Every entry under a folder (relative paths, links not followed), sorted.
    // Every path under `dir`, except the empty folder-spreading buckets an install keeps in
    // node_modules/.cairn (src/install/spread.hpp), which must be empty.
    static std::vector<std::string> listing(const fs::path& dir) {
        std::vector<std::string> out;
        for (auto it = fs::recursive_directory_iterator(dir);
             it != fs::recursive_directory_iterator(); ++it) {
            const fs::path& path = it->path();
            if (path.parent_path().filename() == ".cairn" &&
                path.filename().string().starts_with(".spread-")) {
                EXPECT_TRUE(fs::is_empty(path)) << path;
                it.disable_recursion_pending();
                continue;
            }
            out.push_back(path.lexically_relative(dir).string());
        }
        std::sort(out.begin(), out.end());
        return out;
    }

private:
    int m_trees = 0;
};

// Expects `fn` to throw cairn::Error with this code and a message containing `text`.
template <typename Fn>
void expect_error(Fn&& fn, Code code, const std::string& text) {
    try {
        fn();
        ADD_FAILURE() << "no error; expected: " << text;
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), code) << format_plain(error);
        EXPECT_NE(format_plain(error).find(text), std::string::npos) << format_plain(error);
    }
}

#define CAIRN_NEED_NODE()                                                                          \
    do {                                                                                           \
        if (!::cairn::test::have_program("node"))                                                  \
            GTEST_SKIP() << "node is not installed: Node's resolution is not checked";             \
    } while (0)

} // namespace cairn::test
