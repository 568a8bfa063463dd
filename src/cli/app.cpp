#include "app.hpp"

#include "cairn/core/error.hpp"

#include <algorithm>
#include <utility>

namespace cairn::cli {

namespace {

struct Registered {
    int order;
    std::vector<std::string> names; // name, then aliases
    CommandAdder add;
};

std::vector<Registered>& registered_commands() {
    static std::vector<Registered> commands;
    return commands;
}

std::vector<std::string> words_of(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        auto space = text.find(' ');
        if (space != 0)
            out.emplace_back(text.substr(0, space));
        if (space == std::string_view::npos)
            break;
        text.remove_prefix(space + 1);
    }
    return out;
}

// The subcommand of the command line: the first word after the global options, or ""
// when there is none or an option before it is not a global one.
std::string_view command_word(int argc, const char* const* argv) {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (!arg.starts_with('-'))
            return arg;
        if (arg == "-C" || arg == "--directory" || arg == "--config") {
            ++i; // its value
            continue;
        }
        bool global = arg == "--json" || arg == "-q" || arg == "--quiet" || arg == "--offline" ||
                      arg == "--prefer-offline" || arg.starts_with("--directory=") ||
                      arg.starts_with("--config=") || (arg.starts_with("-C") && arg.size() > 2) ||
                      arg == "--verbose" ||
                      (arg.size() > 1 && arg.find_first_not_of('v', 1) == std::string_view::npos);
        if (!global)
            return {};
    }
    return {};
}

} // namespace

CommandRegistration::CommandRegistration(int order, const char* names, CommandAdder add) {
    registered_commands().push_back({order, words_of(names), add});
}

void add_registered_commands(CLI::App& app, Session& session, std::string_view word) {
    if (!word.empty() && word != "help") {
        for (const auto& command : registered_commands()) {
            if (std::find(command.names.begin(), command.names.end(), word) !=
                command.names.end()) {
                command.add(app, session);
                return;
            }
        }
    }
    auto commands = registered_commands();
    std::stable_sort(commands.begin(), commands.end(),
                     [](const auto& a, const auto& b) { return a.order < b.order; });
    for (const auto& command : commands) {
        std::size_t before = app.get_subcommands({}).size();
        command.add(app, session);
        // What the registration says must be what the adder adds, or a command line
        // naming it would be parsed without it.
        auto added = app.get_subcommands({});
        std::vector<std::string> names;
        if (added.size() == before + 1) {
            names.push_back(added.back()->get_name());
            for (const auto& alias : added.back()->get_aliases())
                names.push_back(alias);
        }
        if (names != command.names)
            throw Error(Code::internal, "the registration of command '" + command.names.front() +
                                            "' does not name what it adds");
    }
}

std::unique_ptr<CLI::App> make_app(Session& session, int argc, const char* const* argv) {
    auto app = std::make_unique<CLI::App>(
        "cairn: resolves, fetches, verifies, caches and installs packages", "cairn");
    app->set_version_flag("-V,--version", std::string("cairn ") + CAIRN_VERSION);
    app->require_subcommand(0, 1);
    app->fallthrough();

    GlobalOptions& g = session.global;
    app->add_flag("--json", g.json, "Machine-readable output (JSON) on stdout, errors as JSON");
    app->add_flag("-q,--quiet", g.quiet, "Only errors");
    app->add_flag("-v,--verbose", g.verbose, "More detail (repeat for more)");
    app->add_option("-C,--directory", g.directory, "Run as if cairn was started in DIR");
    app->add_option("--config", g.config_overrides,
                    "Set a config key for this run: KEY=VALUE (VALUE is JSON5)")
        ->type_name("KEY=VALUE");
    app->add_flag("--offline", g.offline, "Never touch the network (network.mode=offline)");
    app->add_flag("--prefer-offline", g.prefer_offline,
                  "Use cached metadata, fetch only misses (network.mode=prefer-offline)");

    add_registered_commands(*app, session, command_word(argc, argv));

    return app;
}

} // namespace cairn::cli
