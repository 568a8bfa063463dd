#include "cairn_context.hpp"

#include "cairn/core/error.hpp"
#include "cairn/net/client_config.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>

namespace cairn::ops::detail {
namespace fs = std::filesystem;
namespace pci = protocol::cairn_index;

ScratchDir::ScratchDir(std::string_view prefix) {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() /
           fmt::format("{}-{}-{}", prefix, ::getpid(), counter.fetch_add(1));
    fs::remove_all(path);
    fs::create_directories(path);
}

ScratchDir::~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
}

namespace {

trust::TrustPolicy policy_from(const config::LayeredConfig* config) {
    std::map<std::string, std::vector<std::string>> pins;
    if (config)
        if (const auto* trust = config->find(config::KeyPath{"trust"}); trust && trust->is_object())
            for (const auto& [pattern, keys] : trust->items()) {
                if (!keys.is_array())
                    throw Error(
                        Code::config_invalid,
                        fmt::format("trust.\"{}\": expected a list of public keys", pattern));
                std::vector<std::string> list;
                for (const auto& k : keys) {
                    if (!k.is_string())
                        throw Error(
                            Code::config_invalid,
                            fmt::format("trust.\"{}\": expected a list of public keys", pattern));
                    list.push_back(k.get<std::string>());
                }
                pins.emplace(pattern, std::move(list));
            }
    return trust::TrustPolicy::from_config(pins);
}

} // namespace

CairnContext::CairnContext(const CairnInstallOptions& options)
    : store(options.store_root), cache(store.meta_path()), policy(policy_from(options.config)) {
    net::ClientOptions client_options;
    if (options.config)
        client_options = net::client_options(*options.config);
    offline = client_options.mode == net::NetworkMode::offline;
    auto locations = options.registries;
    if (locations.empty() && options.config)
        locations = configured_cairn_registries(*options.config);
    if (locations.empty())
        throw Error(Code::usage, "no cairn-index registry is configured")
            .hint("add one under formats.cairn.authorities in the config, e.g. "
                  "{formats: {cairn: {authorities: {local: {registries: {dir: {protocol: "
                  "\"cairn-index\", url: \"file:///path/to/registry\"}}}}}}}, or pass --registry");
    bool any_http = false;
    for (const auto& l : locations)
        any_http = any_http || l.starts_with("http://") || l.starts_with("https://");
    if (any_http && !offline)
        client = std::make_unique<net::Client>(client_options);
    index::VerifyOptions verify;
    verify.policy = &policy;
    verify.recorded = &recorded;
    verify.chain_cache = &cache;
    verify.connectivity = offline ? trust::Connectivity::offline : trust::Connectivity::online;
    verify.now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    for (const auto& l : locations) {
        readers.push_back(
            std::make_unique<pci::RegistryReader>(l, pci::ReaderOptions{client.get(), &cache}));
        registries.push_back(std::make_unique<index::VerifiedRegistry>(*readers.back(), verify));
    }
}

std::vector<std::string> CairnContext::warnings() const {
    std::vector<std::string> out;
    for (const auto& r : registries)
        out.insert(out.end(), r->warnings().begin(), r->warnings().end());
    return out;
}

std::optional<FoundPackage> CairnProvider::lookup(std::string_view package) {
    if (auto it = m_found.find(package); it != m_found.end())
        return it->second;
    std::optional<FoundPackage> found;
    std::optional<index::PackageName> name;
    try {
        name = index::PackageName::parse(package);
    } catch (const Error&) {
    }
    if (name) {
        for (auto& registry : m_context.registries) {
            const auto* pi = registry->package_index(name->scope());
            if (!pi)
                continue;
            auto entry = pi->entries.find(name->name());
            if (entry == pi->entries.end())
                continue;
            found = FoundPackage{
                registry.get(), &registry->version_index(entry->second, name->id()), entry->second};
            break;
        }
    }
    m_found.emplace(std::string(package), found);
    return found;
}

FoundPackage CairnProvider::find(std::string_view package) {
    auto found = lookup(package);
    if (!found)
        throw Error(Code::internal, fmt::format("{} vanished after resolution", package));
    return *found;
}

std::vector<resolve::Candidate> CairnProvider::versions(std::string_view package) {
    std::vector<resolve::Candidate> out;
    auto found = lookup(package);
    if (!found)
        return out;
    for (const auto& r : found->index->releases)
        out.push_back({r.version, r.state == index::ReleaseState::yanked
                                      ? resolve::Availability::yanked
                                      : resolve::Availability::available});
    return out;
}

std::optional<std::vector<resolve::Dependency>>
CairnProvider::dependencies(std::string_view package, const version::Version& version) {
    auto found = lookup(package);
    if (!found)
        return std::nullopt;
    const auto* release = found->index->find(version);
    if (!release)
        return std::nullopt;
    std::vector<resolve::Dependency> out;
    for (const auto& d : release->dependencies)
        out.push_back({d.package.text(), d.range.to_version_set()});
    return out;
}

} // namespace cairn::ops::detail
