#include "cairn/ops/cairn_lock.hpp"

#include "cairn/core/error.hpp"
#include "cairn/protocol/cairn_index/registry.hpp"
#include "cairn/trust/ssh_key.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace cairn::ops {
namespace {

using json = nlohmann::json;

json read_lock_json(const std::filesystem::path& project) {
    auto path = project / k_lock_file;
    auto text = protocol::cairn_index::read_file_if_exists(path);
    if (!text || text->empty())
        return json::object();
    auto j = json::parse(*text, nullptr, false);
    if (!j.is_object())
        throw Error(Code::config_parse, fmt::format("{}: not a JSON object", path.string()));
    return j;
}

} // namespace

CairnLock read_cairn_lock(const std::filesystem::path& project) {
    auto j = read_lock_json(project);
    CairnLock lock;
    auto it = j.find("cairn");
    if (it == j.end())
        return lock;
    auto fail = [&](std::string_view why) {
        return Error(Code::config_parse,
                     fmt::format("{}: cairn: {}", (project / k_lock_file).string(), why))
            .hint("delete the \"cairn\" section to resolve again");
    };
    try {
        if (auto p = it->find("packages"); p != it->end())
            for (const auto& [name, v] : p->items()) {
                CairnLockedPackage pkg;
                pkg.version = v.at("version").get<std::string>();
                pkg.digest = v.at("digest").get<std::string>();
                pkg.size = v.at("size").get<std::uint64_t>();
                pkg.registry = v.at("registry").get<std::string>();
                pkg.index = v.at("index").get<std::string>();
                pkg.dependencies = v.at("dependencies").get<std::vector<std::string>>();
                lock.packages.emplace(name, std::move(pkg));
            }
        if (auto t = it->find("trust"); t != it->end())
            lock.trust = t->get<std::map<std::string, std::string>>();
    } catch (const json::exception& e) {
        throw fail(e.what());
    }
    return lock;
}

void write_cairn_lock(const std::filesystem::path& project, const CairnLock& lock) {
    auto j = read_lock_json(project);
    json section = json::object();
    section["version"] = 1;
    json packages = json::object();
    for (const auto& [name, p] : lock.packages)
        packages[name] = {{"version", p.version}, {"digest", p.digest},
                          {"size", p.size},       {"registry", p.registry},
                          {"index", p.index},     {"dependencies", p.dependencies}};
    section["packages"] = packages;
    section["trust"] = lock.trust;
    j["cairn"] = section;
    protocol::cairn_index::write_file_atomic(project / k_lock_file, j.dump(2) + "\n");
}

std::string accept_owner_key(const std::filesystem::path& project, std::string_view package_id,
                             std::string_view keyid) {
    auto owner = trust::Fingerprint::parse(keyid);
    if (!package_id.starts_with("cairn:"))
        throw Error(Code::usage,
                    fmt::format("\"{}\" is not a cairn package id (expected cairn:scope/name or "
                                "cairn:scope/*)",
                                package_id));
    auto lock = read_cairn_lock(project);
    std::string previous;
    if (auto it = lock.trust.find(std::string(package_id)); it != lock.trust.end())
        previous = it->second;
    lock.trust[std::string(package_id)] = owner.text();
    write_cairn_lock(project, lock);
    return previous;
}

} // namespace cairn::ops
