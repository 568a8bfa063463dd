// Which commands a command line builds (src/cli/app.hpp): only the one it names, found by
// name or alias after the global options; all of them otherwise.
#include "app.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cairn::cli {

void add_install_like(CLI::App& app, Session&) {
    auto* cmd = app.add_subcommand("install", "Install");
    cmd->alias("i");
    cmd->add_flag("--frozen");
}
void add_remove_like(CLI::App& app, Session&) {
    app.add_subcommand("remove", "Remove")->alias("rm");
}
void add_tree_like(CLI::App& app, Session&) {
    app.add_subcommand("tree", "Tree")->alias("ls");
}
void add_help_like(CLI::App& app, Session&) {
    app.add_subcommand("help", "Help");
}

CAIRN_COMMAND(10, "install i", add_install_like);
CAIRN_COMMAND(12, "remove rm", add_remove_like);
CAIRN_COMMAND(20, "tree ls", add_tree_like);
CAIRN_COMMAND(1, "help", add_help_like);

namespace {

// The names of the commands make_app builds for `args` (the program name first).
std::vector<std::string> built_for(std::vector<const char*> args) {
    Session session;
    auto app = make_app(session, static_cast<int>(args.size()), args.data());
    std::vector<std::string> names;
    for (const CLI::App* command : app->get_subcommands({}))
        names.push_back(command->get_name());
    return names;
}

const std::vector<std::string> k_all = {"help", "install", "remove", "tree"};

TEST(CommandLine, OnlyTheCommandNamedIsBuilt) {
    using Names = std::vector<std::string>;
    EXPECT_EQ(built_for({"cairn", "install"}), Names{"install"});
    EXPECT_EQ(built_for({"cairn", "i", "--frozen"}), Names{"install"});
    EXPECT_EQ(built_for({"cairn", "-C", ".", "-vv", "rm", "x"}), Names{"remove"});
    EXPECT_EQ(built_for({"cairn", "--directory", "d", "--offline", "ls"}), Names{"tree"});
    EXPECT_EQ(built_for({"cairn", "--config=a.b=1", "--config", "c=2", "--json", "i"}),
              Names{"install"});
    EXPECT_EQ(built_for({"cairn", "-Cdir", "-q", "--prefer-offline", "--verbose", "tree"}),
              Names{"tree"});
}

TEST(CommandLine, EveryCommandIsBuiltWhenTheLineNamesNoneOrHelp) {
    EXPECT_EQ(built_for({"cairn"}), k_all);
    EXPECT_EQ(built_for({"cairn", "help", "install"}), k_all);
    EXPECT_EQ(built_for({"cairn", "instal"}), k_all);              // CLI11 says what is wrong
    EXPECT_EQ(built_for({"cairn", "--frozen", "install"}), k_all); // not a global option
    EXPECT_EQ(built_for({"cairn", "--help", "install"}), k_all);
    EXPECT_EQ(built_for({"cairn", "-V"}), k_all);
    EXPECT_EQ(built_for({"cairn", "-C"}), k_all); // a value missing
    EXPECT_EQ(built_for({"cairn", "--", "install"}), k_all);
}

} // namespace
} // namespace cairn::cli
