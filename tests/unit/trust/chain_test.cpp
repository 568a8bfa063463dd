#include "cairn/core/error.hpp"
#include "cairn/trust/canonical_json.hpp"
#include "cairn/trust/chain.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <vector>

namespace cairn::trust {
namespace {

constexpr const char* k_owner = "SHA256:RdOt4gSKihN4GnBOq2kU6uqmXGVPzcjD0oy5twv9ALY";

std::string integrity_error(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::integrity) << error.message();
        return error.message();
    }
    ADD_FAILURE() << "no error";
    return {};
}

// The payload of version index document `seq`, linked to `prev`; `variant` changes its
// content without changing its chain position (for equivocation).
std::string payload(std::uint64_t seq, const std::optional<Digest>& prev, int variant = 0,
                    std::string expires = {}) {
    auto text = fmt::format(
        R"({{"owner":"{}","name":"libfoo","seq":{},"prev":{},"releases":[{{"version":"1.{}.0"}}]{}}})",
        k_owner, seq, prev ? "\"" + prev->text() + "\"" : "null", seq * 10 + variant,
        expires.empty() ? "" : ",\"expires\":\"" + expires + "\"");
    return canonicalize_json(text);
}

// A chain of `count` linked documents, seq 1..count.
std::vector<ChainLink> chain(std::size_t count) {
    std::vector<ChainLink> links;
    std::optional<Digest> prev;
    for (std::uint64_t seq = 1; seq <= count; ++seq) {
        links.push_back(ChainLink::from_payload(payload(seq, prev)));
        prev = links.back().digest;
    }
    return links;
}

ChainCheckOptions online_at(std::string_view now) {
    return {Connectivity::online, parse_timestamp(now)};
}

ChainState state_of(const ChainLink& link) {
    return {link.seq, link.digest};
}

TEST(ChainLink, ReadsTheChainFields) {
    auto first = ChainLink::from_payload(payload(1, std::nullopt));
    EXPECT_EQ(first.owner.text(), k_owner);
    EXPECT_EQ(first.name, "libfoo");
    EXPECT_EQ(first.seq, 1u);
    EXPECT_FALSE(first.prev);
    EXPECT_EQ(first.digest, payload_digest(payload(1, std::nullopt)));
    auto second = ChainLink::from_payload(payload(2, first.digest, 0, "2030-01-01T00:00:00Z"));
    EXPECT_EQ(second.prev, first.digest);
    EXPECT_EQ(format_timestamp(*second.expires), "2030-01-01T00:00:00Z");
}

TEST(ChainLink, RejectsMalformedFields) {
    auto digest = payload_digest("x");
    EXPECT_EQ(integrity_error([] { ChainLink::from_payload(R"({"name":"a"})"); }),
              "invalid chain fields: the \"owner\" field is missing");
    EXPECT_EQ(integrity_error([&] {
                  ChainLink::from_payload(
                      canonicalize_json(fmt::format(R"({{"owner":"{}","name":"a","seq":1,)"
                                                    R"("prev":"{}"}})",
                                                    k_owner, digest.text())));
              }),
              "invalid chain fields: prev must be null in the first document (seq 1)");
    EXPECT_EQ(integrity_error([&] {
                  ChainLink::from_payload(canonicalize_json(
                      fmt::format(R"({{"owner":"{}","name":"a","seq":2,"prev":null}})", k_owner)));
              }),
              "invalid chain fields: prev must name the previous document (seq 1)");
    EXPECT_EQ(
        integrity_error([&] {
            ChainLink::from_payload(canonicalize_json(fmt::format(
                R"({{"owner":"{}","name":"a","seq":2,"prev":"{}"}})", k_owner, digest.sri())));
        }),
        "invalid chain fields: prev \"" + digest.sri() +
            "\" is not sha256:<64 lower-case hex digits>");
    EXPECT_EQ(integrity_error([&] {
                  ChainLink::from_payload(canonicalize_json(
                      fmt::format(R"({{"owner":"{}","name":"a","seq":0,"prev":null}})", k_owner)));
              }),
              "invalid chain fields: seq is not an integer of at least 1");
    EXPECT_EQ(integrity_error([&] {
                  ChainLink::from_payload(canonicalize_json(fmt::format(
                      R"({{"owner":"{}","name":"a","seq":1,"prev":null,"expires":"2030-01-01"}})",
                      k_owner)));
              }),
              "not a timestamp: \"2030-01-01\" (expected YYYY-MM-DDTHH:MM:SSZ, UTC)");
}

TEST(Timestamps, ParseFormatAndDurations) {
    EXPECT_EQ(format_timestamp(parse_timestamp("2024-02-29T23:59:59Z")), "2024-02-29T23:59:59Z");
    for (const char* bad : {"2023-02-29T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01 00:00:00Z",
                            "2024-01-01T00:00:00+00:00", "2024-01-01T00:00:00.5Z"})
        EXPECT_THROW(parse_timestamp(bad), Error) << bad;
    using namespace std::chrono;
    EXPECT_EQ(format_duration(seconds(0)), "0 seconds");
    EXPECT_EQ(format_duration(seconds(1)), "1 second");
    EXPECT_EQ(format_duration(minutes(5)), "5 minutes");
    EXPECT_EQ(format_duration(days(3) + hours(4) + minutes(5)), "3 days 4 hours");
    EXPECT_EQ(format_duration(days(3) + minutes(5)), "3 days");
    EXPECT_EQ(format_duration(hours(1) + seconds(2)), "1 hour");
}

TEST(Chain, FirstSightAcceptsAnySeq) {
    auto links = chain(3);
    auto decision =
        check_chain(std::nullopt, std::span(links).last(1), online_at("2025-01-01T00:00:00Z"));
    EXPECT_EQ(decision.outcome, ChainOutcome::first_seen);
    EXPECT_EQ(decision.state.seq, 3u);
    EXPECT_EQ(decision.state.digest, links[2].digest);
    EXPECT_FALSE(decision.warning);
}

TEST(Chain, AcceptsTheNextLinkAndTheSameDocument) {
    auto links = chain(2);
    auto decision = check_chain(state_of(links[0]), std::span(links).last(1),
                                online_at("2025-01-01T00:00:00Z"));
    EXPECT_EQ(decision.outcome, ChainOutcome::advanced);
    EXPECT_EQ(decision.state.seq, 2u);
    EXPECT_EQ(decision.state.digest, links[1].digest);
    decision = check_chain(state_of(links[1]), std::span(links).last(1),
                           online_at("2025-01-01T00:00:00Z"));
    EXPECT_EQ(decision.outcome, ChainOutcome::unchanged);
}

TEST(Chain, RefusesRollback) {
    auto links = chain(5);
    EXPECT_EQ(integrity_error([&] {
                  check_chain(state_of(links[4]), std::span(links).subspan(2, 1),
                              online_at("2025-01-01T00:00:00Z"));
              }),
              "rollback: have seq 5, got 3");
}

TEST(Chain, ReportsEquivocationWithBothDigests) {
    auto links = chain(2);
    auto other = ChainLink::from_payload(payload(2, links[0].digest, 1));
    ASSERT_NE(other.digest, links[1].digest);
    EXPECT_EQ(integrity_error([&] {
                  check_chain(state_of(links[1]), std::span(&other, 1),
                              online_at("2025-01-01T00:00:00Z"));
              }),
              "equivocation: two different documents with seq 2: have " + links[1].digest.text() +
                  ", got " + other.digest.text());
}

TEST(Chain, RefusesANextDocumentThatDoesNotLinkToTheLastSeen) {
    auto links = chain(2);
    auto forked = ChainLink::from_payload(payload(1, std::nullopt, 1));
    auto next = ChainLink::from_payload(payload(2, forked.digest));
    EXPECT_EQ(integrity_error([&] {
                  check_chain(state_of(links[0]), std::span(&next, 1),
                              online_at("2025-01-01T00:00:00Z"));
              }),
              "broken chain: seq 2 names prev " + forked.digest.text() + ", but seq 1 has digest " +
                  links[0].digest.text());
}

TEST(Chain, AcceptsAGapOnlyWithTheLinkingDocuments) {
    auto links = chain(6);
    auto options = online_at("2025-01-01T00:00:00Z");
    try {
        check_chain(state_of(links[1]), std::span(links).last(1), options);
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(error.message(), "gap: have seq 2, got 6 without the documents in between");
        ASSERT_EQ(error.hints().size(), 1u);
    }
    // seq 3..6 given: accepted.
    auto decision = check_chain(state_of(links[1]), std::span(links).subspan(2), options);
    EXPECT_EQ(decision.outcome, ChainOutcome::advanced);
    EXPECT_EQ(decision.state.seq, 6u);
    // The whole history from 1 is fine too (the last seen one is among them).
    EXPECT_EQ(check_chain(state_of(links[1]), links, options).state.seq, 6u);
    // A missing middle document is a gap in what was given.
    std::vector<ChainLink> holes{links[2], links[3], links[5]};
    EXPECT_EQ(integrity_error([&] { check_chain(state_of(links[1]), holes, options); }),
              "gap: seq 4 is followed by seq 6 in the documents given");
    // A link in the middle replaced by another document with the same seq.
    std::vector<ChainLink> spliced{
        links[2], ChainLink::from_payload(payload(4, links[2].digest, 1)), links[4], links[5]};
    EXPECT_EQ(integrity_error([&] { check_chain(state_of(links[1]), spliced, options); }),
              "broken chain: seq 5 names prev " + links[3].digest.text() +
                  ", but seq 4 has digest " + spliced[1].digest.text());
    // History that rewrites the last seen document is equivocation.
    auto rewritten = ChainLink::from_payload(payload(2, links[0].digest, 1));
    auto after = ChainLink::from_payload(payload(3, rewritten.digest));
    std::vector<ChainLink> rewrite{rewritten, after};
    EXPECT_EQ(integrity_error([&] { check_chain(state_of(links[1]), rewrite, options); }),
              "equivocation: two different documents with seq 2: have " + links[1].digest.text() +
                  ", got " + rewritten.digest.text());
}

TEST(Chain, ExpiredDocumentsAreRefusedOnlineAndWarnedOffline) {
    auto first = ChainLink::from_payload(payload(1, std::nullopt, 0, "2025-03-01T12:00:00Z"));
    std::vector<ChainLink> docs{first};
    // Not yet expired.
    EXPECT_FALSE(check_chain(std::nullopt, docs, online_at("2025-03-01T11:59:59Z")).warning);
    try {
        check_chain(std::nullopt, docs, online_at("2025-03-04T16:30:00Z"));
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::integrity);
        EXPECT_EQ(error.message(),
                  "expired: the document with seq 1 expired at 2025-03-01T12:00:00Z (3 days 4 "
                  "hours ago)");
    }
    ChainCheckOptions offline{Connectivity::offline, parse_timestamp("2025-03-04T16:30:00Z")};
    auto decision = check_chain(std::nullopt, docs, offline);
    EXPECT_EQ(decision.outcome, ChainOutcome::first_seen);
    ASSERT_TRUE(decision.warning);
    EXPECT_EQ(*decision.warning, "offline: using the document with seq 1 although it expired at "
                                 "2025-03-01T12:00:00Z (3 days 4 hours ago)");
    EXPECT_EQ(decision.stale_for, std::chrono::hours(76) + std::chrono::minutes(30));
    // The same (unchanged) document is still refused online once expired: a frozen mirror.
    EXPECT_EQ(integrity_error(
                  [&] { check_chain(state_of(first), docs, online_at("2025-03-01T12:00:00Z")); }),
              "expired: the document with seq 1 expired at 2025-03-01T12:00:00Z (0 seconds ago)");
}

TEST(Chain, RefusesDocumentsOfDifferentChains) {
    auto links = chain(1);
    auto other = ChainLink::from_payload(
        canonicalize_json(fmt::format(R"({{"owner":"{}","name":"libbar","seq":2,"prev":"{}"}})",
                                      k_owner, links[0].digest.text())));
    std::vector<ChainLink> mixed{links[0], other};
    EXPECT_EQ(integrity_error(
                  [&] { check_chain(std::nullopt, mixed, online_at("2025-01-01T00:00:00Z")); }),
              fmt::format("broken chain: seq 1 belongs to {}/libfoo, seq 2 to {}/libbar", k_owner,
                          k_owner));
}

} // namespace
} // namespace cairn::trust
