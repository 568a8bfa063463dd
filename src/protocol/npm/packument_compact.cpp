// The compact packument encoding kept in the metadata cache:
//   "cpk3" | string name | u tag count | (string tag, string version)* | optional modified
//   | string tarball base | u release count | release*
// with unsigned LEB128 integers and strings as (length, bytes); a release's layout is
// walk_release's (compact_packument.cpp). Every read is bounds checked: a damaged cache
// entry is reported, never trusted. Reading is CompactPackument's.
#include "compact_codec.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/prefault.hpp"
#include "cairn/protocol/npm/compact_packument.hpp"
#include "cairn/protocol/npm/packument.hpp"

#include <fmt/format.h>

#include <chrono>

namespace cairn::protocol::npm {
namespace compact {

void Writer::number(std::uint64_t value) {
    do {
        auto byte = static_cast<unsigned char>(value & 0x7F);
        value >>= 7;
        m_out += static_cast<char>(value ? byte | 0x80 : byte);
    } while (value);
}

void Writer::text(std::string_view s) {
    number(s.size());
    m_out.append(s);
}

void Writer::optional_text(const std::optional<std::string>& s) {
    number(s ? 1 : 0);
    if (s)
        text(*s);
}

void Writer::pairs(const std::vector<NameRange>& items) {
    number(items.size());
    for (const auto& [a, b] : items) {
        text(a);
        text(b);
    }
}

void Writer::list(const std::vector<std::string>& items) {
    number(items.size());
    for (const auto& s : items)
        text(s);
}

void Reader::corrupt(const char* what) const {
    Error error(Code::cache_corrupt,
                fmt::format("a cached npm packument is damaged ({} at byte {})", what, m_pos));
    error.hint("`cairn cache clean` drops cached metadata; the next online run fetches the "
               "document again");
    throw error;
}

std::uint64_t Reader::number_slow() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (m_pos >= m_bytes.size())
            corrupt("truncated number");
        auto byte = static_cast<unsigned char>(m_bytes[m_pos++]);
        value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
        if (!(byte & 0x80))
            return value;
    }
    corrupt("overlong number");
}

std::optional<std::string_view> Reader::optional_view() {
    std::uint64_t flag = number();
    if (flag > 1)
        corrupt("bad optional flag");
    if (!flag)
        return std::nullopt;
    return text_view();
}

std::optional<std::string> Reader::optional_text() {
    auto s = optional_view();
    return s ? std::optional<std::string>(std::string(*s)) : std::nullopt;
}

std::vector<NameRange> Reader::pairs() {
    std::vector<NameRange> out(count());
    for (auto& [a, b] : out) {
        a = text();
        b = text();
    }
    return out;
}

std::vector<std::string> Reader::list() {
    std::vector<std::string> out(count());
    for (auto& s : out)
        s = text();
    return out;
}

void Reader::pairs(std::vector<std::pair<std::string_view, std::string_view>>& out) {
    out.clear();
    for (std::size_t i = 0, n = count(); i < n; ++i) {
        std::string_view a = text_view();
        out.emplace_back(a, text_view());
    }
}

void Reader::list(std::vector<std::string_view>& out) {
    out.clear();
    for (std::size_t i = 0, n = count(); i < n; ++i)
        out.push_back(text_view());
}

void Reader::skip_pairs() {
    for (std::size_t i = 0, n = count(); i < n; ++i) {
        text_view();
        text_view();
    }
}

void Reader::skip_list() {
    for (std::size_t i = 0, n = count(); i < n; ++i)
        text_view();
}

int Reader::expect_magic() {
    std::string_view magic = m_bytes.substr(0, k_magic.size());
    int v = magic == k_magic ? 3 : magic == "cpk2" ? 2 : magic == "cpk1" ? 1 : 0;
    if (v == 0)
        corrupt("unknown format version");
    m_pos = k_magic.size();
    return v;
}

namespace {

// `count` decimal digits at `at`, if they are digits.
std::optional<int> digits(std::string_view text, std::size_t at, std::size_t count) {
    if (at + count > text.size())
        return std::nullopt;
    int value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
        if (text[i] < '0' || text[i] > '9')
            return std::nullopt;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

} // namespace

std::optional<std::int64_t> parse_iso_time(std::string_view text) {
    using namespace std::chrono;
    auto y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
    auto h = digits(text, 11, 2), mi = digits(text, 14, 2), s = digits(text, 17, 2);
    if (!y || !mo || !d || !h || !mi || !s || text[4] != '-' || text[7] != '-' ||
        (text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':')
        return std::nullopt;
    year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)},
                        day{static_cast<unsigned>(*d)}};
    if (!date.ok() || *h > 23 || *mi > 59 || *s > 60)
        return std::nullopt;
    std::size_t at = 19;
    std::int64_t ms = 0;
    if (at < text.size() && text[at] == '.') {
        std::size_t first = ++at;
        for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at)
            if (at - first < 3)
                ms = ms * 10 + (text[at] - '0');
        if (at == first)
            return std::nullopt;
        for (std::size_t n = at - first; n < 3; ++n)
            ms *= 10;
    }
    std::int64_t offset_minutes = 0;
    if (at < text.size() && text[at] == 'Z') {
        ++at;
    } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
        bool colon = at + 3 < text.size() && text[at + 3] == ':';
        auto oh = digits(text, at + 1, 2), om = digits(text, at + (colon ? 4 : 3), 2);
        if (!oh || !om || *oh > 23 || *om > 59)
            return std::nullopt;
        offset_minutes = (text[at] == '-' ? -1 : 1) * (*oh * 60 + *om);
        at += colon ? 6 : 5;
    }
    if (at != text.size())
        return std::nullopt;
    std::int64_t days = sys_days(date).time_since_epoch().count();
    return ((days * 24 + *h) * 60 + *mi - offset_minutes) * 60000 + *s * 1000 + ms;
}

std::string format_iso_time(std::int64_t ms) {
    using namespace std::chrono;
    auto when = sys_time<milliseconds>(milliseconds(ms));
    auto day_start = floor<days>(when);
    year_month_day date(day_start);
    hh_mm_ss<milliseconds> time(when - day_start);
    int year = static_cast<int>(date.year());
    if (year < 0 || year > 9999)
        return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", year,
                           static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                           time.hours().count(), time.minutes().count(), time.seconds().count(),
                           time.subseconds().count());
    // Written digit by digit: a lockfile's index formats one per release.
    char out[] = "0000-00-00T00:00:00.000Z";
    auto put = [&](std::size_t at, std::size_t width, long long value) {
        for (std::size_t i = width; i-- > 0; value /= 10)
            out[at + i] = static_cast<char>('0' + value % 10);
    };
    put(0, 4, year);
    put(5, 2, static_cast<unsigned>(date.month()));
    put(8, 2, static_cast<unsigned>(date.day()));
    put(11, 2, time.hours().count());
    put(14, 2, time.minutes().count());
    put(17, 2, time.seconds().count());
    put(20, 3, time.subseconds().count());
    return std::string(out, sizeof out - 1);
}

std::string conventional_tarball_path(std::string_view name, std::string_view version) {
    std::string_view base = name;
    if (auto slash = name.find('/'); name.starts_with('@') && slash != std::string_view::npos)
        base = name.substr(slash + 1);
    std::string out;
    out.reserve(name.size() + base.size() + version.size() + 8);
    out.append(name).append("/-/").append(base).append("-").append(version).append(".tgz");
    return out;
}

} // namespace compact

std::string encode_packument(const Packument& p) {
    using namespace compact;
    // The tarball base: what the first release whose dist.tarball ends the conventional way
    // has before that ending. Every release that is that base and its ending is a flag.
    std::optional<std::string> base;
    for (const auto& r : p.releases) {
        std::string path = conventional_tarball_path(p.name, r.version);
        if (r.tarball.ends_with(path)) {
            base = r.tarball.substr(0, r.tarball.size() - path.size());
            break;
        }
    }
    Writer w;
    // Room for the whole encoding, about 230 bytes a release (a large project's 70,000
    // releases took 16 MB): grown by doubling, the bytes were copied (and faulted in) anew
    // each time.
    w.raw().reserve(1024 + 256 * p.releases.size());
    prefault(w.raw().data(), 200 * p.releases.size()); // what nearly every document fills
    w.raw() += k_magic;
    w.text(p.name);
    w.number(p.dist_tags.size());
    for (const auto& [tag, version] : p.dist_tags) {
        w.text(tag);
        w.text(version);
    }
    w.optional_text(p.modified);
    w.text(base.value_or(""));
    w.number(p.releases.size());
    for (const auto& r : p.releases) {
        bool conventional = base && r.tarball.size() > base->size() &&
                            r.tarball.starts_with(*base) &&
                            std::string_view(r.tarball).substr(base->size()) ==
                                conventional_tarball_path(p.name, r.version);
        // Unparsable times (npm reads none of them) and times outside 1970-9999 are left out.
        std::optional<std::int64_t> published;
        if (r.published)
            if (auto ms = parse_iso_time(*r.published);
                ms && *ms >= 0 && static_cast<std::uint64_t>(*ms) <= k_latest_time)
                published = ms;
        w.text(r.version);
        w.pairs(r.dependencies);
        w.pairs(r.optional_dependencies);
        w.pairs(r.peer_dependencies);
        w.list(r.optional_peers);
        w.text(conventional ? std::string_view() : std::string_view(r.tarball));
        w.text(r.integrity);
        // dist.shasum only matters where there is no integrity.
        w.text(r.integrity.empty() ? std::string_view(r.shasum) : std::string_view());
        w.optional_text(r.deprecated);
        w.list(r.os);
        w.list(r.cpu);
        w.list(r.libc);
        w.number((r.has_install_script ? flag::install_script : 0u) | (r.has_bin ? flag::bin : 0u) |
                 (conventional ? flag::conventional_tarball : 0u) |
                 (published ? flag::has_published : 0u));
        if (published)
            w.number(static_cast<std::uint64_t>(*published));
        w.text(r.engines_node);
    }
    return w.take();
}

Packument decode_packument(std::string_view bytes) {
    return CompactPackument(std::string(bytes)).decode();
}

} // namespace cairn::protocol::npm
