#include "cairn/index/documents.hpp"

#include "cairn/core/error.hpp"
#include "cairn/trust/canonical_json.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace cairn::index {
namespace {

using json = nlohmann::json;

constexpr std::string_view k_version_kind = "version-index";
constexpr std::string_view k_package_kind = "package-index";

json header_json(const ChainHeader& h, std::string_view kind) {
    json j = json::object();
    j["kind"] = kind;
    j["owner"] = h.owner.text();
    j["name"] = h.name;
    j["seq"] = h.seq;
    j["prev"] = h.prev ? json(h.prev->text()) : json(nullptr);
    if (h.expires)
        j["expires"] = trust::format_timestamp(*h.expires);
    return j;
}

ChainHeader read_header(std::string_view payload, const json& j, std::string_view kind,
                        std::string_view what) {
    auto link = trust::ChainLink::from_payload(payload);
    auto it = j.find("kind");
    if (it == j.end() || !it->is_string() || it->get<std::string>() != kind)
        throw Error(Code::integrity, fmt::format("invalid {}: kind is not \"{}\"", what, kind));
    return {link.owner, link.name, link.seq, link.prev, link.expires};
}

void check_keys(const json& j, std::initializer_list<std::string_view> allowed,
                std::string_view what) {
    for (const auto& [key, _] : j.items())
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            throw Error(Code::integrity,
                        fmt::format("invalid {}: unknown field \"{}\"", what, key));
}

std::string canonical(const json& j) {
    return trust::canonicalize_json(j.dump());
}

} // namespace

std::string_view state_name(ReleaseState state) {
    switch (state) {
    case ReleaseState::active:
        return "active";
    case ReleaseState::deprecated:
        return "deprecated";
    case ReleaseState::yanked:
        return "yanked";
    }
    return "active";
}

ReleaseState parse_state(std::string_view text) {
    if (text == "active")
        return ReleaseState::active;
    if (text == "deprecated")
        return ReleaseState::deprecated;
    if (text == "yanked")
        return ReleaseState::yanked;
    throw Error(Code::usage, fmt::format("unknown release state \"{}\" (expected active, "
                                         "deprecated or yanked)",
                                         text));
}

const Release* VersionIndex::find(const version::Version& version) const {
    for (const auto& r : releases)
        if (r.version == version)
            return &r;
    return nullptr;
}

std::string VersionIndex::to_payload() const {
    json j = header_json(header, k_version_kind);
    json list = json::array();
    for (const auto& r : releases) {
        json deps = json::object();
        for (const auto& d : r.dependencies)
            deps[d.package.text()] = d.requirement;
        list.push_back({{"version", r.version.to_string()},
                        {"digest", r.digest.text()},
                        {"size", r.size},
                        {"dependencies", deps},
                        {"state", state_name(r.state)}});
    }
    j["releases"] = list;
    return canonical(j);
}

VersionIndex VersionIndex::from_payload(std::string_view payload) {
    constexpr std::string_view what = "version index";
    auto fail = [&](const std::string& message) {
        return Error(Code::integrity, fmt::format("invalid {}: {}", what, message));
    };
    json j = json::parse(payload, nullptr, false);
    if (!j.is_object())
        throw fail("the payload is not a JSON object");
    check_keys(j, {"kind", "owner", "name", "seq", "prev", "expires", "releases"}, what);
    VersionIndex vi{read_header(payload, j, k_version_kind, what), {}};
    auto it = j.find("releases");
    if (it == j.end() || !it->is_array())
        throw fail("releases is not an array");
    for (const auto& r : *it) {
        if (!r.is_object())
            throw fail("a release is not an object");
        check_keys(r, {"version", "digest", "size", "dependencies", "state"}, what);
        auto str = [&](std::string_view key) -> std::string {
            auto f = r.find(key);
            if (f == r.end() || !f->is_string())
                throw fail(fmt::format("a release's {} is not a string", key));
            return f->get<std::string>();
        };
        auto version_text = str("version");
        auto version = version::Version::parse(version_text);
        if (!version)
            throw fail(fmt::format("\"{}\" is not a version", version_text));
        auto at = [&](const std::string& m) { return fail(version_text + ": " + m); };
        auto digest_text = str("digest");
        std::optional<Digest> digest;
        if (digest_text.starts_with("sha256:")) {
            try {
                digest = Digest::parse(digest_text);
            } catch (const Error&) {
            }
        }
        if (!digest || digest->text() != digest_text)
            throw at("digest is not sha256:<64 lower-case hex digits>");
        auto size = r.find("size");
        if (size == r.end() || !size->is_number_integer() || size->get<long long>() < 0)
            throw at("size is not a non-negative integer");
        auto state = str("state");
        Release release{*version, *digest, size->get<std::uint64_t>(), {}, ReleaseState::active};
        try {
            release.state = parse_state(state);
        } catch (const Error&) {
            throw at(fmt::format("unknown state \"{}\"", state));
        }
        auto deps = r.find("dependencies");
        if (deps == r.end() || !deps->is_object())
            throw at("dependencies is not an object");
        for (const auto& [name, range] : deps->items()) {
            if (!range.is_string())
                throw at(fmt::format("the requirement of {} is not a string", name));
            PackageName package = [&] {
                try {
                    return PackageName::parse(name);
                } catch (const Error& e) {
                    throw at(e.message());
                }
            }();
            auto parsed = version::CaretRange::parse(range.get<std::string>());
            if (!parsed)
                throw at(fmt::format("\"{}\" is not a version range", range.get<std::string>()));
            release.dependencies.push_back({package, range.get<std::string>(), *parsed});
        }
        if (vi.find(release.version))
            throw at("listed twice");
        vi.releases.push_back(std::move(release));
    }
    std::sort(vi.releases.begin(), vi.releases.end(),
              [](const auto& a, const auto& b) { return a.version < b.version; });
    return vi;
}

IndexRef IndexRef::parse(std::string_view text) {
    // A fingerprint is "SHA256:" + 43 characters, which may themselves contain '/'.
    constexpr std::size_t k_fp = 7 + 43;
    auto fail = [&](std::string_view why) {
        return Error(Code::integrity, fmt::format("invalid index reference \"{}\": {}", text, why));
    };
    if (text.size() < k_fp + 2 || text[k_fp] != '/')
        throw fail("expected <owner-id>/<scope>/<name>");
    trust::Fingerprint owner = [&] {
        try {
            return trust::Fingerprint::parse(text.substr(0, k_fp));
        } catch (const Error& e) {
            throw fail(e.message());
        }
    }();
    auto name = text.substr(k_fp + 1);
    try {
        PackageName::parse(name);
    } catch (const Error& e) {
        throw fail(e.message());
    }
    return {owner, std::string(name)};
}

std::string PackageIndex::to_payload() const {
    json j = header_json(header, k_package_kind);
    json entries_json = json::object();
    for (const auto& [local, ref] : entries)
        entries_json[local] = ref.text();
    j["entries"] = entries_json;
    return canonical(j);
}

PackageIndex PackageIndex::from_payload(std::string_view payload) {
    constexpr std::string_view what = "package index";
    json j = json::parse(payload, nullptr, false);
    if (!j.is_object())
        throw Error(Code::integrity, "invalid package index: the payload is not a JSON object");
    check_keys(j, {"kind", "owner", "name", "seq", "prev", "expires", "entries"}, what);
    PackageIndex pi{read_header(payload, j, k_package_kind, what), {}};
    if (!format::cairn::is_valid_name_part(pi.header.name))
        throw Error(
            Code::integrity,
            fmt::format("invalid package index: name \"{}\" is not a scope name", pi.header.name));
    auto it = j.find("entries");
    if (it == j.end() || !it->is_object())
        throw Error(Code::integrity, "invalid package index: entries is not an object");
    for (const auto& [local, ref] : it->items()) {
        if (!format::cairn::is_valid_name_part(local))
            throw Error(Code::integrity,
                        fmt::format("invalid package index: \"{}\" is not a local name", local));
        if (!ref.is_string())
            throw Error(Code::integrity,
                        fmt::format("invalid package index: the entry {} is not a string", local));
        pi.entries.emplace(local, IndexRef::parse(ref.get<std::string>()));
    }
    return pi;
}

void check_release_history(const VersionIndex& older, const VersionIndex& newer) {
    for (const auto& old : older.releases) {
        const Release* now = newer.find(old.version);
        auto where = fmt::format("version index {} seq {}: release {}", newer.header.name,
                                 newer.header.seq, old.version.to_string());
        if (!now)
            throw Error(Code::integrity, where + " was removed (releases are append-only; "
                                                 "yank it instead)");
        if (now->digest != old.digest || now->size != old.size)
            throw Error(Code::integrity, fmt::format("{} changed its digest from {} to {}", where,
                                                     old.digest.text(), now->digest.text()));
        bool same_deps = now->dependencies.size() == old.dependencies.size();
        for (std::size_t i = 0; same_deps && i < old.dependencies.size(); ++i)
            same_deps = now->dependencies[i].package == old.dependencies[i].package &&
                        now->dependencies[i].requirement == old.dependencies[i].requirement;
        if (!same_deps)
            throw Error(Code::integrity, where + " changed its dependencies");
    }
}

ChainHeader next_header(const std::optional<std::string>& previous_payload,
                        const trust::Fingerprint& owner, std::string name) {
    if (!previous_payload)
        return {owner, std::move(name), 1, std::nullopt, std::nullopt};
    auto link = trust::ChainLink::from_payload(*previous_payload);
    return {owner, std::move(name), link.seq + 1, link.digest, std::nullopt};
}

} // namespace cairn::index
