#pragma once

#include "cairn/core/digest.hpp"
#include "cairn/trust/ssh_key.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

// Append-only chains (docs/cairn-index.md, "Chains"). Version indexes and package indexes
// carry the chain fields {owner, name, seq, prev, expires?}; `prev` is "sha256:<hex>" of
// the previous document's exact payload bytes. The checks here are pure: the caller gives
// the last state it saw (from the store's metadata cache) and gets a decision to persist.
namespace cairn::trust {

using Timestamp = std::chrono::sys_seconds;

// "2026-01-02T03:04:05Z" (RFC 3339, UTC, whole seconds): the only timestamp spelling in
// cairn-index documents. Throws Error(Code::integrity) on anything else.
Timestamp parse_timestamp(std::string_view text);
std::string format_timestamp(Timestamp time);
// "3 days 4 hours", "5 minutes", "12 seconds": two units at most, for messages.
std::string format_duration(std::chrono::seconds duration);

// The chain fields of one document, read from its verified payload.
struct ChainLink {
    Fingerprint owner;
    std::string name;
    std::uint64_t seq;
    std::optional<Digest> prev; // absent exactly when seq == 1
    std::optional<Timestamp> expires;
    Digest digest; // sha256 of the payload bytes

    // Reads the fields of a canonical JSON object payload. Throws Error(Code::integrity)
    // "invalid chain fields: ..." when one is missing or malformed.
    static ChainLink from_payload(std::string_view payload);
};

// The digest `prev` must name: sha256 of the exact payload bytes.
Digest payload_digest(std::string_view payload);

// What a client remembers of one chain (per registry document, keyed by the caller).
struct ChainState {
    std::uint64_t seq;
    Digest digest;
};

enum class Connectivity { online, offline };

struct ChainCheckOptions {
    Connectivity connectivity = Connectivity::online;
    Timestamp now;
};

enum class ChainOutcome {
    first_seen, // nothing was known: accepted as the starting point
    unchanged,  // the same document as last time
    advanced,   // a newer document whose links to the last seen one all verify
};

struct ChainDecision {
    ChainOutcome outcome;
    ChainState state;                   // what to remember from now on
    std::optional<std::string> warning; // offline use of an expired document
    std::optional<std::chrono::seconds> stale_for;
};

// Checks `documents` against the last seen state. `documents` ends with the newest
// document; when it is more than one step ahead of `last_seen`, the documents in between
// come before it in ascending seq (a document equal to the last seen one may lead the list).
// Throws Error(Code::integrity):
//   "rollback: have seq N, got M"
//   "equivocation: two different documents with seq N: have sha256:..., got sha256:..."
//   "gap: have seq N, got M without the documents in between"
//   "broken chain: seq M names prev ..., but seq N has digest ..."
//   "expired: the document with seq N expired at T (D ago)"       (online only)
ChainDecision check_chain(const std::optional<ChainState>& last_seen,
                          std::span<const ChainLink> documents, const ChainCheckOptions& options);

} // namespace cairn::trust
