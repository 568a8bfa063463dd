#include "support/temp_dir.hpp"

#include "cairn/core/error.hpp"
#include "cairn/protocol/cairn_index/registry.hpp"

#include <gtest/gtest.h>

namespace cairn::protocol::cairn_index {
namespace {

std::string error_of(auto&& body) {
    try {
        body();
    } catch (const Error& e) {
        return e.message();
    }
    return "(no error)";
}

TEST(CairnIndexLayout, PathsUseOneComponentPerOwner) {
    auto owner = trust::Fingerprint::parse("SHA256:Rd/t4gSKihN4GnBOq2kU6uqmXGVPzcjD0oy5twv9A+Y");
    EXPECT_EQ(owner_folder(owner), "SHA256-Rd_t4gSKihN4GnBOq2kU6uqmXGVPzcjD0oy5twv9A-Y");
    EXPECT_EQ(version_index_path(owner, "acme/libfoo"),
              "indexes/SHA256-Rd_t4gSKihN4GnBOq2kU6uqmXGVPzcjD0oy5twv9A-Y/acme/libfoo.json");
    EXPECT_EQ(package_index_history_path(owner, "acme", 3),
              "packages/SHA256-Rd_t4gSKihN4GnBOq2kU6uqmXGVPzcjD0oy5twv9A-Y/acme.history/3.json");
    auto digest = Digest::parse("sha256:" + std::string(64, 'e'));
    EXPECT_EQ(blob_path(digest), "blobs/sha256/ee/" + std::string(64, 'e'));
}

TEST(CairnIndexLayout, TheRegistryFileIsValidated) {
    RegistryDirectory d;
    d.packages["acme"] = "SHA256:x/acme";
    EXPECT_EQ(RegistryDirectory::parse(d.to_json(), "r").packages, d.packages);
    EXPECT_EQ(error_of([] { RegistryDirectory::parse("[]", "r.json"); }),
              "r.json: invalid registry file: not a JSON object");
    EXPECT_EQ(error_of([] { RegistryDirectory::parse(R"({"format":"cairn-registry/2"})", "r"); }),
              "r: invalid registry file: format \"cairn-registry/2\" is not cairn-registry/1 (a "
              "newer cairn may read it)");
    EXPECT_EQ(error_of([] {
                  RegistryDirectory::parse(R"({"format":"cairn-registry/1","packages":{"a":1}})",
                                           "r");
              }),
              "r: invalid registry file: packages.a is not a string");
}

TEST(CairnIndexRegistry, FoldersAreCreatedOnceAndReadBack) {
    test::TempDir dir;
    auto folder = RegistryFolder::create(dir / "reg");
    EXPECT_EQ(error_of([&] { RegistryFolder::create(dir / "reg"); }),
              (dir / "reg").string() + " already holds a cairn-index registry");
    folder.write("indexes/x/y.json", "{}");
    RegistryReader reader("file://" + (dir / "reg").string(), {});
    EXPECT_EQ(reader.read("indexes/x/y.json")->text, "{}");
    EXPECT_FALSE(reader.read("indexes/x/z.json"));
    EXPECT_TRUE(reader.directory().packages.empty());
    EXPECT_EQ(error_of([&] { RegistryReader("ftp://host/x", {}); }),
              "unsupported registry location \"ftp://host/x\" (expected file://, http://, "
              "https:// or a folder)");
    RegistryReader missing((dir / "none").string(), {});
    EXPECT_EQ(error_of([&] { missing.directory(); }),
              "file://" + (dir / "none").string() +
                  " is not a cairn-index registry: it has no "
                  "cairn-registry.json");
    RegistryReader offline("http://127.0.0.1:1/reg", {});
    EXPECT_EQ(error_of([&] { offline.read("cairn-registry.json"); }),
              "offline: http://127.0.0.1:1/reg/cairn-registry.json is not in the metadata cache");
}

} // namespace
} // namespace cairn::protocol::cairn_index
