#include "cairn/trust/chain.hpp"

#include "json_value.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/text.hpp"

#include <fmt/format.h>

#include <vector>

namespace cairn::trust {

namespace {

using nlohmann::json;

Error invalid(std::string_view why) {
    return Error(Code::integrity, fmt::format("invalid chain fields: {}", why));
}

bool digits(std::string_view text, std::size_t pos, std::size_t count, int& value) {
    value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        value = value * 10 + (text[i] - '0');
    }
    return true;
}

std::string plural(long long count, std::string_view unit) {
    return fmt::format("{} {}{}", count, unit, count == 1 ? "" : "s");
}

} // namespace

Timestamp parse_timestamp(std::string_view text) {
    auto fail = [&] {
        return Error(Code::integrity,
                     fmt::format("not a timestamp: {} (expected YYYY-MM-DDTHH:MM:SSZ, UTC)",
                                 cairn::text::quote(text)));
    };
    // 0123456789012345678 9
    // YYYY-MM-DDTHH:MM:SS Z
    if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
        text[13] != ':' || text[16] != ':' || text[19] != 'Z')
        throw fail();
    int year, month, day, hour, minute, second;
    if (!digits(text, 0, 4, year) || !digits(text, 5, 2, month) || !digits(text, 8, 2, day) ||
        !digits(text, 11, 2, hour) || !digits(text, 14, 2, minute) || !digits(text, 17, 2, second))
        throw fail();
    std::chrono::year_month_day date{std::chrono::year(year),
                                     std::chrono::month(static_cast<unsigned>(month)),
                                     std::chrono::day(static_cast<unsigned>(day))};
    if (!date.ok() || hour > 23 || minute > 59 || second > 59)
        throw fail();
    return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
           std::chrono::seconds(second);
}

std::string format_timestamp(Timestamp time) {
    auto day = std::chrono::floor<std::chrono::days>(time);
    std::chrono::year_month_day date{day};
    std::chrono::hh_mm_ss clock{time - day};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(date.year()),
                       static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                       clock.hours().count(), clock.minutes().count(), clock.seconds().count());
}

std::string format_duration(std::chrono::seconds duration) {
    long long s = duration.count();
    if (s < 0)
        s = -s;
    struct Unit {
        long long seconds;
        std::string_view name;
    };
    static constexpr Unit k_units[] = {
        {86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
    std::vector<std::string> parts;
    for (const auto& unit : k_units) {
        if (s >= unit.seconds || (unit.seconds == 1 && parts.empty())) {
            parts.push_back(plural(s / unit.seconds, unit.name));
            s %= unit.seconds;
            if (parts.size() == 2 || s == 0)
                break;
        } else if (!parts.empty()) {
            break; // two adjacent units at most: "3 days 4 hours", never "3 days 5 minutes"
        }
    }
    return cairn::text::join(parts, " ");
}

Digest payload_digest(std::string_view payload) {
    return digest_bytes(DigestAlgorithm::sha256, payload);
}

ChainLink ChainLink::from_payload(std::string_view payload) {
    json root = detail::parse_strict_json(payload);
    if (!root.is_object())
        throw invalid("the payload is not a JSON object");
    auto field = [&](std::string_view key) -> const json& {
        auto it = root.find(key);
        if (it == root.end())
            throw invalid(fmt::format("the {} field is missing", cairn::text::quote(key)));
        return *it;
    };
    const json& owner = field("owner");
    if (!owner.is_string())
        throw invalid("owner is not a string");
    const json& name = field("name");
    if (!name.is_string() || name.get_ref<const std::string&>().empty())
        throw invalid("name is not a non-empty string");
    const json& seq = field("seq");
    if (!seq.is_number_integer() || seq.get<long long>() < 1)
        throw invalid("seq is not an integer of at least 1");
    const json& prev = field("prev");
    auto seq_value = static_cast<std::uint64_t>(seq.get<long long>());
    std::optional<Digest> prev_digest;
    if (seq_value == 1) {
        if (!prev.is_null())
            throw invalid("prev must be null in the first document (seq 1)");
    } else {
        if (!prev.is_string())
            throw invalid(
                fmt::format("prev must name the previous document (seq {})", seq_value - 1));
        const auto& text = prev.get_ref<const std::string&>();
        std::optional<Digest> parsed;
        if (text.starts_with("sha256:")) {
            try {
                parsed = Digest::parse(text);
            } catch (const Error&) {
            }
        }
        if (!parsed || parsed->text() != text)
            throw invalid(fmt::format("prev {} is not sha256:<64 lower-case hex digits>",
                                      cairn::text::quote(text)));
        prev_digest = parsed;
    }
    std::optional<Timestamp> expires;
    if (auto it = root.find("expires"); it != root.end()) {
        if (!it->is_string())
            throw invalid("expires is not a string");
        expires = parse_timestamp(it->get_ref<const std::string&>());
    }
    return ChainLink{Fingerprint::parse(owner.get<std::string>()),
                     name.get<std::string>(),
                     seq_value,
                     prev_digest,
                     expires,
                     payload_digest(payload)};
}

ChainDecision check_chain(const std::optional<ChainState>& last_seen,
                          std::span<const ChainLink> documents, const ChainCheckOptions& options) {
    if (documents.empty())
        throw Error(Code::internal, "check_chain needs at least one document");
    const ChainLink& newest = documents.back();
    for (const auto& link : documents) {
        if (link.owner != newest.owner || link.name != newest.name)
            throw Error(Code::integrity,
                        fmt::format("broken chain: seq {} belongs to {}/{}, seq {} to {}/{}",
                                    link.seq, link.owner.text(), link.name, newest.seq,
                                    newest.owner.text(), newest.name));
    }
    // Each consecutive pair presented must link.
    for (std::size_t i = 1; i < documents.size(); ++i) {
        const auto& before = documents[i - 1];
        const auto& after = documents[i];
        if (after.seq != before.seq + 1)
            throw Error(Code::integrity,
                        fmt::format("gap: seq {} is followed by seq {} in the documents given",
                                    before.seq, after.seq));
        if (!after.prev || *after.prev != before.digest)
            throw Error(Code::integrity,
                        fmt::format("broken chain: seq {} names prev {}, but seq {} has digest {}",
                                    after.seq, after.prev ? after.prev->text() : "null", before.seq,
                                    before.digest.text()));
    }

    ChainOutcome outcome = ChainOutcome::first_seen;
    if (last_seen) {
        if (newest.seq < last_seen->seq)
            throw Error(Code::integrity,
                        fmt::format("rollback: have seq {}, got {}", last_seen->seq, newest.seq));
        // Whichever presented document has the last seen seq must be the one we saw.
        for (const auto& link : documents) {
            if (link.seq == last_seen->seq && link.digest != last_seen->digest)
                throw Error(Code::integrity,
                            fmt::format("equivocation: two different documents with seq {}: "
                                        "have {}, got {}",
                                        link.seq, last_seen->digest.text(), link.digest.text()));
        }
        if (newest.seq == last_seen->seq) {
            outcome = ChainOutcome::unchanged;
        } else {
            const ChainLink* next = nullptr;
            for (const auto& link : documents) {
                if (link.seq == last_seen->seq + 1)
                    next = &link;
            }
            if (!next)
                throw Error(Code::integrity,
                            fmt::format("gap: have seq {}, got {} without the documents in "
                                        "between",
                                        last_seen->seq, newest.seq))
                    .hint("fetch the documents from seq " + std::to_string(last_seen->seq + 1) +
                          " on, or get the index from a registry that has its whole history");
            if (!next->prev || *next->prev != last_seen->digest)
                throw Error(Code::integrity,
                            fmt::format("broken chain: seq {} names prev {}, but seq {} has "
                                        "digest {}",
                                        next->seq, next->prev ? next->prev->text() : "null",
                                        last_seen->seq, last_seen->digest.text()));
            outcome = ChainOutcome::advanced;
        }
    }

    ChainDecision decision{outcome, ChainState{newest.seq, newest.digest}, std::nullopt,
                           std::nullopt};
    if (newest.expires && options.now >= *newest.expires) {
        auto ago = options.now - *newest.expires;
        if (options.connectivity == Connectivity::online)
            throw Error(Code::integrity,
                        fmt::format("expired: the document with seq {} expired at {} ({} ago)",
                                    newest.seq, format_timestamp(*newest.expires),
                                    format_duration(ago)))
                .hint("the registry or mirror serves a stale index; try another mirror, or ask "
                      "the owner to re-sign it");
        decision.stale_for = ago;
        decision.warning = fmt::format(
            "offline: using the document with seq {} although it expired at {} ({} ago)",
            newest.seq, format_timestamp(*newest.expires), format_duration(ago));
    }
    return decision;
}

} // namespace cairn::trust
