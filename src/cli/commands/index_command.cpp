// cairn index new NAME --registry DIR | check --registry DIR --index NAME |
//   merge A B -o C --registry DIR [--prefer A|B] | yank|deprecate|restore PKG@VERSION --registry
//   DIR
#include "app.hpp"
#include "session_config.hpp"

#include "cairn/core/error.hpp"
#include "cairn/ops/cairn_publish.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace cairn::cli {
namespace {

struct IndexSettings {
    std::string name;
    std::string registry;
    std::string key;
    std::string index;
    std::string first;
    std::string second;
    std::string output;
    std::string prefer;
    std::string release;
};

ops::Identity identity_for(const Session& session, const IndexSettings& s) {
    auto loaded = load_session_config(session);
    std::optional<std::filesystem::path> key;
    if (!s.key.empty())
        key = s.key;
    return ops::current_identity(loaded.config, key);
}

void run_state(const Session& session, const IndexSettings& s, index::ReleaseState state) {
    auto at = s.release.rfind('@');
    if (at == std::string::npos || at == 0)
        throw Error(Code::usage, fmt::format("\"{}\": expected scope/name@version", s.release));
    auto package = index::PackageName::parse(s.release.substr(0, at));
    auto seq = ops::set_release_state(s.registry, package, s.release.substr(at + 1), state,
                                      identity_for(session, s));
    if (!session.global.quiet)
        std::cout << fmt::format("{} is now {} (version index seq {})\n", s.release,
                                 index::state_name(state), seq);
}

} // namespace

void add_index_command(CLI::App& app, Session& session) {
    auto s = std::make_shared<IndexSettings>();
    auto* cmd = app.add_subcommand("index", "Package indexes in a cairn-index registry");
    cmd->require_subcommand(1);

    auto* create = cmd->add_subcommand("new", "Create a package index owned by your identity");
    create->add_option("name", s->name, "The index (scope) name")->required();
    create->add_option("--registry", s->registry, "The registry folder")->required();
    create->add_option("--key", s->key, "Sign with this key")->type_name("PATH");
    create->callback([&session, s] {
        auto r = ops::create_package_index(s->registry, s->name, identity_for(session, *s));
        if (!session.global.quiet)
            std::cout << fmt::format("created the package index {} (owner {})\n", r.scope, r.owner);
    });

    auto* check = cmd->add_subcommand("check", "Closure: every dependency of every release "
                                               "resolves in the registry");
    check->add_option("--registry", s->registry, "The registry folder")->required();
    check->add_option("--index", s->index, "The package index")->required();
    check->callback([&session, s] {
        auto missing = ops::check_package_index(s->registry, s->index);
        if (!missing.empty()) {
            Error e(Code::not_found,
                    fmt::format("the package index {} is not closed: {} missing "
                                "requirement{}",
                                s->index, missing.size(), missing.size() == 1 ? "" : "s"));
            for (const auto& m : missing)
                e.caused_by(m.describe());
            throw e;
        }
        if (!session.global.quiet)
            std::cout << fmt::format("the package index {} is closed: every dependency resolves\n",
                                     s->index);
    });

    auto* merge = cmd->add_subcommand("merge", "Merge two package indexes into a new one");
    merge->add_option("first", s->first, "NAME or LOCATION#NAME")->required();
    merge->add_option("second", s->second, "NAME or LOCATION#NAME")->required();
    merge->add_option("-o,--output", s->output, "The merged index's name")->required();
    merge->add_option("--registry", s->registry, "The registry folder to write to")->required();
    merge->add_option("--prefer", s->prefer, "Resolve conflicts in favour of this side");
    merge->add_option("--key", s->key, "Sign with this key")->type_name("PATH");
    merge->callback([&session, s] {
        ops::MergeRequest request{s->first,
                                  s->second,
                                  s->output,
                                  s->registry,
                                  index::MergePreference::none,
                                  identity_for(session, *s)};
        if (!s->prefer.empty()) {
            if (s->prefer == s->first)
                request.preference = index::MergePreference::first;
            else if (s->prefer == s->second)
                request.preference = index::MergePreference::second;
            else
                throw Error(Code::usage, fmt::format("--prefer {} names neither {} nor {}",
                                                     s->prefer, s->first, s->second));
        }
        auto r = ops::merge_indexes(request);
        for (const auto& c : r.conflicts)
            std::cerr << "conflict (resolved by --prefer " << s->prefer << "): " << c.describe()
                      << "\n";
        if (!session.global.quiet)
            std::cout << fmt::format("merged {} entries into {} (seq {})\n", r.entries, s->output,
                                     r.seq);
    });

    struct StateCommand {
        const char* name;
        const char* help;
        index::ReleaseState state;
    };
    for (auto sc :
         {StateCommand{"yank", "Withdraw a release (resolvers skip it)",
                       index::ReleaseState::yanked},
          StateCommand{"deprecate", "Mark a release deprecated (installs warn)",
                       index::ReleaseState::deprecated},
          StateCommand{"restore", "Make a release active again", index::ReleaseState::active}}) {
        auto* sub = cmd->add_subcommand(sc.name, sc.help);
        sub->add_option("release", s->release, "scope/name@version")->required();
        sub->add_option("--registry", s->registry, "The registry folder")->required();
        sub->add_option("--key", s->key, "Sign with this key")->type_name("PATH");
        auto state = sc.state;
        sub->callback([&session, s, state] { run_state(session, *s, state); });
    }
}

CAIRN_COMMAND(63, "index", add_index_command);

} // namespace cairn::cli
