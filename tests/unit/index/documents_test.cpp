#include "cairn/core/error.hpp"
#include "cairn/index/documents.hpp"
#include "cairn/trust/canonical_json.hpp"

#include <gtest/gtest.h>

namespace cairn::index {
namespace {

const std::string k_owner = "SHA256:RdOt4gSKihN4GnBOq2kU6uqmXGVPzcjD0oy5twv9ALY";

std::string error_of(auto&& body) {
    try {
        body();
    } catch (const Error& e) {
        return e.message();
    }
    return "(no error)";
}

VersionIndex sample() {
    VersionIndex vi{next_header(std::nullopt, trust::Fingerprint::parse(k_owner), "acme/libfoo"),
                    {}};
    vi.releases.push_back(
        {version::Version::parse_or_throw("1.0.0"),
         Digest::parse("sha256:" + std::string(64, 'a')),
         12,
         {{PackageName::parse("acme/libbar"), "^1.2", version::CaretRange::parse_or_throw("^1.2")}},
         ReleaseState::active});
    return vi;
}

TEST(CairnIndexDocuments, AVersionIndexRoundTripsAsCanonicalJson) {
    auto payload = sample().to_payload();
    EXPECT_TRUE(trust::is_canonical_json(payload));
    EXPECT_EQ(payload,
              "{\"kind\":\"version-index\",\"name\":\"acme/libfoo\",\"owner\":\"" + k_owner +
                  "\",\"prev\":null,\"releases\":[{\"dependencies\":{\"acme/libbar\":\"^1.2\"},"
                  "\"digest\":\"sha256:" +
                  std::string(64, 'a') +
                  "\",\"size\":12,\"state\":\"active\",\"version\":\"1.0.0\"}],\"seq\":1}");
    auto back = VersionIndex::from_payload(payload);
    EXPECT_EQ(back.to_payload(), payload);
    auto next = next_header(payload, back.header.owner, "acme/libfoo");
    EXPECT_EQ(next.seq, 2u);
    EXPECT_EQ(next.prev->text(), trust::payload_digest(payload).text());
}

TEST(CairnIndexDocuments, MalformedPayloadsAreRefusedWithTheReason) {
    auto payload = sample().to_payload();
    auto replace = [&](const std::string& from, const std::string& to) {
        auto copy = payload;
        copy.replace(copy.find(from), from.size(), to);
        return copy;
    };
    EXPECT_EQ(
        error_of([&] { VersionIndex::from_payload(replace("version-index", "package-index")); }),
        "invalid version index: kind is not \"version-index\"");
    EXPECT_EQ(error_of([&] { VersionIndex::from_payload(replace("\"active\"", "\"gone\"")); }),
              "invalid version index: 1.0.0: unknown state \"gone\"");
    EXPECT_EQ(error_of([&] { VersionIndex::from_payload(replace("\"^1.2\"", "\"^^\"")); }),
              "invalid version index: 1.0.0: \"^^\" is not a version range");
    EXPECT_EQ(error_of([&] { VersionIndex::from_payload(replace("sha256:a", "sha512:a")); }),
              "invalid version index: 1.0.0: digest is not sha256:<64 lower-case hex digits>");
    EXPECT_EQ(
        error_of([&] { VersionIndex::from_payload(replace("\"seq\":1", "\"seq\":1,\"x\":1")); }),
        "invalid version index: unknown field \"x\"");
    EXPECT_EQ(error_of([&] { PackageIndex::from_payload(payload); }),
              "invalid package index: unknown field \"releases\"");
}

TEST(CairnIndexDocuments, ReleasesCannotBeRewritten) {
    auto older = sample();
    auto newer = sample();
    newer.header.seq = 2;
    newer.releases[0].state = ReleaseState::yanked;
    EXPECT_NO_THROW(check_release_history(older, newer));
    newer.releases[0].digest = Digest::parse("sha256:" + std::string(64, 'b'));
    EXPECT_EQ(error_of([&] { check_release_history(older, newer); }),
              "version index acme/libfoo seq 2: release 1.0.0 changed its digest from sha256:" +
                  std::string(64, 'a') + " to sha256:" + std::string(64, 'b'));
    newer.releases.clear();
    EXPECT_EQ(error_of([&] { check_release_history(older, newer); }),
              "version index acme/libfoo seq 2: release 1.0.0 was removed (releases are "
              "append-only; yank it instead)");
}

TEST(CairnIndexDocuments, IndexReferences) {
    auto ref = IndexRef::parse(k_owner + "/acme/libfoo");
    EXPECT_EQ(ref.owner.text(), k_owner);
    EXPECT_EQ(ref.name, "acme/libfoo");
    EXPECT_EQ(error_of([] { IndexRef::parse("acme/libfoo"); }),
              "invalid index reference \"acme/libfoo\": expected <owner-id>/<scope>/<name>");
    PackageIndex pi{next_header(std::nullopt, ref.owner, "acme"), {{"libfoo", ref}}};
    auto back = PackageIndex::from_payload(pi.to_payload());
    EXPECT_EQ(back.entries.at("libfoo"), ref);
}

} // namespace
} // namespace cairn::index
