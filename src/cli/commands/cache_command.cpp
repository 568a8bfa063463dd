// cairn cache info | verify | gc | clean | add URL#SRI... [--list FILE] [--unpack]
#include "app.hpp"
#include "session_config.hpp"

#include "cairn/core/error.hpp"
#include "cairn/ops/fetch.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

namespace cairn::cli {
namespace {

using Json = nlohmann::json;

std::string human_bytes(std::uint64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1024 && unit < 4) {
        value /= 1024;
        ++unit;
    }
    return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", value, units[unit]);
}

void emit(const Session& session, const Json& json, const std::string& text) {
    if (session.global.json)
        std::cout << json.dump() << "\n";
    else if (!session.global.quiet || text.find("bad") != std::string::npos)
        std::cout << text;
}

struct AddSettings {
    std::vector<std::string> artifacts;
    std::string list;
    bool unpack = false;
};

void run_info(const Session& session, const store::Store& store) {
    auto i = store::store_info(store);
    Json json{{"store", store.root().string()},    {"blobs", i.blobs},
              {"blob_bytes", i.blob_bytes},        {"trees", i.trees},
              {"tree_bytes", i.tree_bytes},        {"incomplete_trees", i.incomplete_trees},
              {"tmp_entries", i.tmp_entries},      {"tmp_bytes", i.tmp_bytes},
              {"quarantined", i.quarantined},      {"indexes", i.indexes},
              {"metadata_bytes", i.metadata_bytes}};
    emit(session, json,
         fmt::format("store: {}\nblobs: {} ({})\nunpacked trees: {} ({}), {} incomplete\n"
                     "metadata: {} version indexes ({})\ntmp: {} entries ({})\nquarantine: {} "
                     "entries\n",
                     store.root().string(), i.blobs, human_bytes(i.blob_bytes), i.trees,
                     human_bytes(i.tree_bytes), i.incomplete_trees, i.indexes,
                     human_bytes(i.metadata_bytes), i.tmp_entries, human_bytes(i.tmp_bytes),
                     i.quarantined));
}

void run_verify(Session& session, const store::Store& store) {
    auto r = store::verify_store(store);
    std::string text;
    for (const auto& bad : r.bad)
        text += "quarantined: " + bad + "\n";
    text += fmt::format("verified {} blobs and {} unpacked trees: {} bad\n", r.blobs_checked,
                        r.trees_checked, r.blobs_bad + r.trees_bad);
    emit(session,
         Json{{"blobs", r.blobs_checked},
              {"blobs_bad", r.blobs_bad},
              {"trees", r.trees_checked},
              {"trees_bad", r.trees_bad},
              {"quarantined", r.bad}},
         text);
    session.exit_code = r.blobs_bad + r.trees_bad > 0 ? 1 : 0;
}

void run_gc(const Session& session, const store::Store& store) {
    auto r = store::gc_store(store);
    emit(session,
         Json{{"tmp_removed", r.tmp_removed},
              {"trees_removed", r.trees_removed},
              {"locks_removed", r.locks_removed},
              {"bytes_freed", r.bytes_freed}},
         fmt::format("gc: removed {} abandoned tmp entries, {} incomplete trees, {} lock files; "
                     "freed {}\n",
                     r.tmp_removed, r.trees_removed, r.locks_removed, human_bytes(r.bytes_freed)));
}

void run_clean(const Session& session, const store::Store& store) {
    auto r = store::clean_store(store);
    emit(session, Json{{"entries_removed", r.entries_removed}, {"bytes_freed", r.bytes_freed}},
         fmt::format("clean: removed {} entries; freed {}\n", r.entries_removed,
                     human_bytes(r.bytes_freed)));
}

void run_add(const Session& session, const AddSettings& settings) {
    auto loaded = load_session_config(session);
    std::vector<ops::Artifact> artifacts;
    for (const auto& text : settings.artifacts)
        artifacts.push_back(ops::parse_artifact(text));
    if (!settings.list.empty())
        for (auto& artifact : ops::read_artifact_list(settings.list))
            artifacts.push_back(std::move(artifact));
    if (artifacts.empty())
        throw Error(Code::usage, "no artifacts to add: give URL#SRI arguments or --list FILE");
    ops::FetchOptions options;
    options.unpack = settings.unpack;
    auto root = ops::store_root(process_environment());
    auto s = ops::fetch_artifacts(root, loaded.config, artifacts, options);
    std::string unpacked = settings.unpack
                               ? fmt::format(", {} unpacked ({} already)",
                                             s.unpacked + s.already_unpacked, s.already_unpacked)
                               : "";
    emit(session,
         Json{{"artifacts", s.requested},
              {"downloaded", s.downloaded},
              {"downloaded_bytes", s.downloaded_bytes},
              {"already_stored", s.already_stored},
              {"unpacked", s.unpacked},
              {"already_unpacked", s.already_unpacked},
              {"seconds", s.elapsed.count() / 1000.0}},
         fmt::format("{} artifacts in {:.2f} s: {} downloaded ({}), {} already in the store{}\n",
                     s.requested, s.elapsed.count() / 1000.0, s.downloaded,
                     human_bytes(s.downloaded_bytes), s.already_stored, unpacked));
}

} // namespace

void add_cache_command(CLI::App& app, Session& session) {
    auto* cmd = app.add_subcommand("cache", "Inspect, verify, clean and fill the store");
    cmd->require_subcommand(1);
    auto with_store = [&session](void (*body)(Session&, const store::Store&)) {
        return [&session, body] {
            store::Store store(ops::store_root(process_environment()));
            body(session, store);
        };
    };
    cmd->add_subcommand("info", "Counts and sizes of what the store holds")
        ->callback(with_store([](Session& s, const store::Store& st) { run_info(s, st); }));
    cmd->add_subcommand("verify", "Re-hash every blob and unpacked tree; quarantine bad ones "
                                  "(exit 1 if any)")
        ->callback(with_store([](Session& s, const store::Store& st) { run_verify(s, st); }));
    cmd->add_subcommand("gc", "Remove what interrupted runs left: tmp entries, incomplete trees, "
                              "unheld lock files")
        ->callback(with_store([](Session& s, const store::Store& st) { run_gc(s, st); }));
    cmd->add_subcommand("clean", "Remove everything from the store (its version file stays)")
        ->callback(with_store([](Session& s, const store::Store& st) { run_clean(s, st); }));

    auto settings = std::make_shared<AddSettings>();
    auto* add = cmd->add_subcommand("add", "Download artifacts into the store, verified against "
                                           "their integrity");
    add->add_option("artifacts", settings->artifacts, "Artifacts as URL#SRI")->type_name("URL#SRI");
    add->add_option("--list", settings->list,
                    "A file of artifacts, one URL#SRI (or URL SRI) a line")
        ->type_name("FILE");
    add->add_flag("--unpack", settings->unpack, "Also extract each artifact (npm layout)");
    add->callback([&session, settings] { run_add(session, *settings); });
}

CAIRN_COMMAND(45, "cache", add_cache_command);

} // namespace cairn::cli
