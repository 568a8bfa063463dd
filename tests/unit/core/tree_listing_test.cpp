#include "cairn/core/tree_listing.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace cairn {
namespace {

using tree_listing::Kind;
using tree_listing::Listing;

std::vector<std::pair<char, std::string>> entries_of(const Listing& listing, const char* path) {
    std::vector<std::pair<char, std::string>> out;
    const auto* folder = listing.folder(path);
    if (!folder)
        return out;
    for (const auto& entry : *folder) {
        out.emplace_back(static_cast<char>(entry.kind), std::string(entry.name));
        EXPECT_EQ(std::strlen(entry.name.data()), entry.name.size()) << "not a C string";
    }
    return out;
}

TEST(TreeListing, GroupsEntriesByFolder) {
    std::string text = tree_listing::encode({{"package.json", Kind::file},
                                             {"lib/sub/deep.js", Kind::file},
                                             {"lib", Kind::folder},
                                             {"lib/sub", Kind::folder},
                                             {"lib/index.js", Kind::file},
                                             {"bin", Kind::link},
                                             {"empty", Kind::folder},
                                             {"lib0", Kind::file}});
    using namespace std::string_literals;
    // Folders in path order, names in byte order.
    EXPECT_EQ(text, "/\0lbin\0dempty\0dlib\0flib0\0fpackage.json\0"
                    "/empty\0"
                    "/lib\0findex.js\0dsub\0"
                    "/lib/sub\0fdeep.js\0"s);
    auto listing = Listing::decode(text);
    ASSERT_TRUE(listing);
    EXPECT_EQ(listing->folders(), 4u);
    using Seen = std::vector<std::pair<char, std::string>>;
    EXPECT_EQ(
        entries_of(*listing, ""),
        (Seen{{'l', "bin"}, {'d', "empty"}, {'d', "lib"}, {'f', "lib0"}, {'f', "package.json"}}));
    EXPECT_EQ(entries_of(*listing, "lib"), (Seen{{'f', "index.js"}, {'d', "sub"}}));
    EXPECT_EQ(entries_of(*listing, "lib/sub"), (Seen{{'f', "deep.js"}}));
    ASSERT_NE(listing->folder("empty"), nullptr);
    EXPECT_TRUE(listing->folder("empty")->empty());
    EXPECT_EQ(listing->folder("nowhere"), nullptr);
}

TEST(TreeListing, AnEmptyTreeHasItsTopFolder) {
    std::string text = tree_listing::encode({});
    EXPECT_EQ(text, std::string("/\0", 2));
    auto listing = Listing::decode(text);
    ASSERT_TRUE(listing);
    ASSERT_NE(listing->folder(""), nullptr);
    EXPECT_TRUE(listing->folder("")->empty());
}

TEST(TreeListing, RefusesWhatIsNotAListing) {
    using namespace std::string_literals;
    for (const auto& bad : {""s,                     // no top folder
                            "/\0fa"s,                // a record without its end
                            "fa\0/\0"s,              // an entry before any folder
                            "/\0fa\0/\0fb\0"s,       // a folder twice
                            "/\0xa\0"s,              // an unknown kind
                            "/\0f\0"s,               // an entry without a name
                            "/\0fa/b\0"s,            // a name with a slash
                            "/\0d..\0"s, "/\0f.\0"s, // the folder itself, its parent
                            "/\0\0"s,                // an empty record
                            "/\0fb\0fa\0"s,          // names out of order
                            "/\0fa\0fa\0"s,          // a name twice
                            "/\0da\0fa\0"s,          // a folder and a file of one name
                            "/lib\0fa\0"s}) {        // no top folder either
        EXPECT_FALSE(Listing::decode(bad)) << testing::PrintToString(bad);
    }
}

} // namespace
} // namespace cairn
