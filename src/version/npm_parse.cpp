// node-semver turns a range into comparators by a chain of textual rewrites (hyphen
// ranges, whitespace trims, carets, tildes, x-ranges, stars), each defined by a regular
// expression. This file performs the same rewrites with small hand-written matchers, in
// the same order, so odd input behaves as it does in node-semver.
#include "npm_parse.hpp"

#include "version_text.hpp"

#include <algorithm>
#include <string>

namespace cairn::version::detail {

namespace {

bool is_x(std::string_view id) {
    return id.empty() || id == "x" || id == "X" || id == "*";
}

bool is_lead_char(char c) { // [v=\s]
    return c == 'v' || c == '=' || is_space(c);
}

// A decimal number plus one, as JavaScript's `+digits + 1` prints it for the numbers
// node-semver accepts (leading zeros dropped). Larger numbers come out larger than the
// version limit, so they are rejected later just as node-semver rejects them.
std::string plus_one(std::string_view digits) {
    std::size_t first = digits.find_first_not_of('0');
    std::string out(first == std::string_view::npos ? "0" : digits.substr(first));
    for (std::size_t i = out.size(); i-- > 0;) {
        if (out[i] != '9') {
            ++out[i];
            return out;
        }
        out[i] = '0';
    }
    return "1" + out;
}

// An x-range identifier at `pos` (digits, `x`, `X` or `*`); strict numbers are `0` or
// start with 1-9. Returns its length, 0 when there is none.
std::size_t xid_length(std::string_view s, std::size_t pos, bool loose) {
    if (pos >= s.size())
        return 0;
    char c = s[pos];
    if (c == 'x' || c == 'X' || c == '*')
        return 1;
    if (!is_digit(c))
        return 0;
    if (!loose && c == '0')
        return 1;
    std::size_t end = pos;
    while (end < s.size() && is_digit(s[end]))
        ++end;
    return end - pos;
}

// The parts of an x-range such as `v1.2.x-beta`; an absent part is an empty view.
struct XRange {
    std::string_view major, minor, patch, pre;
};

// node-semver's XRANGEPLAIN(LOOSE), anchored at both ends.
std::optional<XRange> match_xrange(std::string_view s, bool loose) {
    std::size_t pos = 0;
    while (pos < s.size() && is_lead_char(s[pos]))
        ++pos;
    XRange out;
    std::size_t n = xid_length(s, pos, loose);
    if (n == 0)
        return std::nullopt;
    out.major = s.substr(pos, n);
    pos += n;
    if (pos == s.size())
        return out;
    if (s[pos] != '.')
        return std::nullopt;
    n = xid_length(s, ++pos, loose);
    if (n == 0)
        return std::nullopt;
    out.minor = s.substr(pos, n);
    pos += n;
    if (pos == s.size())
        return out;
    if (s[pos] != '.')
        return std::nullopt;
    n = xid_length(s, ++pos, loose);
    if (n == 0)
        return std::nullopt;
    // Loose prereleases need no `-`, so the regex may hand trailing patch digits to the
    // prerelease ("1.2.34.5" is 1.2.3-4.5); try the longest patch first, as it does.
    bool digits = is_digit(s[pos]);
    for (std::size_t len = n; len >= 1; --len) {
        if (auto tail = match_tail(s.substr(pos + len), loose)) {
            out.patch = s.substr(pos, len);
            out.pre = tail->pre;
            return out;
        }
        if (!loose || !digits)
            break;
    }
    return std::nullopt;
}

// A greedy, unanchored match of node-semver's `LOOSEPLAIN|XRANGEPLAIN` at `pos`; returns
// where it ends, or npos when nothing matches there.
std::size_t version_prefix_end(std::string_view s, std::size_t pos) {
    auto skip_ids = [&](std::size_t p) {
        // ID(\.ID)* with ID = [0-9A-Za-z-]+
        auto run = [&](std::size_t q) {
            while (q < s.size() && is_identifier_char(s[q]))
                ++q;
            return q;
        };
        p = run(p);
        while (p + 1 < s.size() && s[p] == '.' && is_identifier_char(s[p + 1]))
            p = run(p + 1);
        return p;
    };
    auto digits = [&](std::size_t p) {
        while (p < s.size() && is_digit(s[p]))
            ++p;
        return p;
    };
    while (pos < s.size() && is_lead_char(s[pos]))
        ++pos;
    // LOOSEPLAIN: \d+\.\d+\.\d+ then an optional prerelease and build.
    std::size_t p = pos, q = digits(p);
    bool loose_ok = q > p;
    for (int i = 0; i < 2 && loose_ok; ++i) {
        if (q < s.size() && s[q] == '.' && digits(q + 1) > q + 1)
            q = digits(q + 1);
        else
            loose_ok = false;
    }
    if (loose_ok) {
        if (q < s.size() && is_identifier_char(s[q]))
            q = skip_ids(q);
        if (q + 1 < s.size() && s[q] == '+' && is_identifier_char(s[q + 1]))
            q = skip_ids(q + 1);
        return q;
    }
    // XRANGEPLAIN (strict identifiers).
    std::size_t n = xid_length(s, pos, false);
    if (n == 0)
        return std::string_view::npos;
    q = pos + n;
    for (int i = 0; i < 2; ++i) {
        if (q < s.size() && s[q] == '.' && xid_length(s, q + 1, false) > 0)
            q = q + 1 + xid_length(s, q + 1, false);
        else
            return q;
    }
    if (q + 1 < s.size() && s[q] == '-' && is_identifier_char(s[q + 1]))
        q = skip_ids(q + 1);
    if (q + 1 < s.size() && s[q] == '+' && is_identifier_char(s[q + 1]))
        q = skip_ids(q + 1);
    return q;
}

// The length of node-semver's GTLT, `((?:<|>)?=?)`, at pos (greedy).
std::size_t gtlt_length(std::string_view s, std::size_t pos) {
    std::size_t n = 0;
    if (pos < s.size() && (s[pos] == '<' || s[pos] == '>'))
        ++n;
    if (pos + n < s.size() && s[pos + n] == '=')
        ++n;
    return n;
}

// Every whitespace run becomes one space; the ends are trimmed.
std::string collapse_space(std::string_view text) {
    std::string out;
    for (char c : trim_space(text)) {
        if (is_space(c)) {
            if (out.empty() || out.back() != ' ')
                out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

// Removes every `+BUILD` (node-semver's global BUILD regex).
std::string strip_builds(std::string_view s) {
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] == '+' && i + 1 < s.size() && is_identifier_char(s[i + 1])) {
            std::size_t j = i + 1;
            while (true) {
                while (j < s.size() && is_identifier_char(s[j]))
                    ++j;
                if (j + 1 < s.size() && s[j] == '.' && is_identifier_char(s[j + 1]))
                    ++j;
                else
                    break;
            }
            i = j;
            continue;
        }
        out += s[i++];
    }
    return out;
}

// `> 1.2.3` -> `>1.2.3` (COMPARATORTRIM, global): at each match, the whitespace between an
// operator and the version after it goes.
std::string trim_comparators(std::string_view s) {
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t p = i;
        if (p < s.size() && is_space(s[p]))
            ++p;
        std::size_t op = gtlt_length(s, p);
        std::size_t after_op = p + op;
        std::size_t v = after_op;
        if (v < s.size() && is_space(s[v]))
            ++v;
        std::size_t end = version_prefix_end(s, v);
        if (end == std::string_view::npos) {
            out += s[i++];
            continue;
        }
        out.append(s.substr(i, after_op - i));
        out.append(s.substr(v, end - v));
        i = end;
    }
    return out;
}

// `~ 1` -> `~1`, `~> 1` -> `~1` (TILDETRIM) and `^ 1` -> `^1` (CARETTRIM).
std::string trim_lone(std::string_view s, char sign) {
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] == sign) {
            std::size_t j = i + 1;
            if (sign == '~' && j < s.size() && s[j] == '>' && j + 1 < s.size() &&
                is_space(s[j + 1]))
                ++j;
            if (j < s.size() && is_space(s[j])) {
                out += sign;
                i = j + 1;
                continue;
            }
        }
        out += s[i++];
    }
    return out;
}

std::string hyphen_bound(const XRange& from, std::string_view from_text, const XRange& to,
                         std::string_view to_text, bool include_pre) {
    std::string low, high;
    const char* z = include_pre ? "-0" : "";
    if (is_x(from.major))
        low = "";
    else if (is_x(from.minor))
        low = ">=" + std::string(from.major) + ".0.0" + z;
    else if (is_x(from.patch))
        low = ">=" + std::string(from.major) + "." + std::string(from.minor) + ".0" + z;
    else if (!from.pre.empty())
        low = ">=" + std::string(from_text);
    else
        low = ">=" + std::string(from_text) + z;

    if (is_x(to.major))
        high = "";
    else if (is_x(to.minor))
        high = "<" + plus_one(to.major) + ".0.0-0";
    else if (is_x(to.patch))
        high = "<" + std::string(to.major) + "." + plus_one(to.minor) + ".0-0";
    else if (!to.pre.empty())
        high = "<=" + std::string(to.major) + "." + std::string(to.minor) + "." +
               std::string(to.patch) + "-" + std::string(to.pre);
    else if (include_pre)
        high = "<" + std::string(to.major) + "." + std::string(to.minor) + "." +
               plus_one(to.patch) + "-0";
    else
        high = "<=" + std::string(to_text);
    return std::string(trim_space(low + " " + high));
}

// `1.2.3 - 2.3` (HYPHENRANGE, anchored) -> `>=1.2.3 <2.4.0-0`; unchanged otherwise.
std::string replace_hyphen(const std::string& s, NpmOptions options) {
    std::string_view view = trim_space(s);
    for (std::size_t at = view.find(" - "); at != std::string_view::npos;
         at = view.find(" - ", at + 1)) {
        std::string_view a = view.substr(0, at), b = view.substr(at + 3);
        auto from = match_xrange(a, options.loose);
        auto to = from ? match_xrange(b, options.loose) : std::nullopt;
        if (from && to)
            return hyphen_bound(*from, a, *to, b, options.include_prerelease);
    }
    return s;
}

std::string join3(std::string_view a, std::string_view b, std::string_view c) {
    std::string out(a);
    out += '.';
    out += b;
    out += '.';
    out += c;
    return out;
}

// `^1.2.3` -> `>=1.2.3 <2.0.0-0` (CARET).
std::string replace_caret(const std::string& comp, NpmOptions options) {
    if (comp.empty() || comp[0] != '^')
        return comp;
    auto x = match_xrange(std::string_view(comp).substr(1), options.loose);
    if (!x)
        return comp;
    std::string z = options.include_prerelease ? "-0" : "";
    const auto& [M, m, p, pr] = *x;
    if (is_x(M))
        return "";
    if (is_x(m))
        return ">=" + join3(M, "0", "0") + z + " <" + join3(plus_one(M), "0", "0") + "-0";
    if (is_x(p)) {
        if (M == "0")
            return ">=" + join3(M, m, "0") + z + " <" + join3(M, plus_one(m), "0") + "-0";
        return ">=" + join3(M, m, "0") + z + " <" + join3(plus_one(M), "0", "0") + "-0";
    }
    std::string low = ">=" + join3(M, m, p) + (pr.empty() ? "" : "-" + std::string(pr));
    if (M == "0") {
        if (m == "0")
            return low + " <" + join3(M, m, plus_one(p)) + "-0";
        return low + " <" + join3(M, plus_one(m), "0") + "-0";
    }
    return low + " <" + join3(plus_one(M), "0", "0") + "-0";
}

// `~1.2.3` / `~>1.2.3` -> `>=1.2.3 <1.3.0-0` (TILDE).
std::string replace_tilde(const std::string& comp, NpmOptions options) {
    if (comp.empty() || comp[0] != '~')
        return comp;
    std::string_view rest = std::string_view(comp).substr(1);
    auto x = match_xrange(rest, options.loose);
    if (!x && !rest.empty() && rest[0] == '>')
        x = match_xrange(rest.substr(1), options.loose);
    if (!x)
        return comp;
    std::string z = options.include_prerelease ? "-0" : "";
    const auto& [M, m, p, pr] = *x;
    if (is_x(M))
        return "";
    if (is_x(m))
        return ">=" + join3(M, "0", "0") + z + " <" + join3(plus_one(M), "0", "0") + "-0";
    if (is_x(p))
        return ">=" + join3(M, m, "0") + z + " <" + join3(M, plus_one(m), "0") + "-0";
    std::string low = ">=" + join3(M, m, p) + (pr.empty() ? "" : "-" + std::string(pr));
    return low + " <" + join3(M, plus_one(m), "0") + "-0";
}

// `1.2.x` -> `>=1.2.0 <1.3.0-0`, `>1.x` -> `>=2.0.0`, `*` -> `*` (XRANGE).
std::string replace_xrange(std::string_view raw, NpmOptions options) {
    std::string comp(trim_space(raw));
    std::size_t op_len = gtlt_length(comp, 0);
    std::string gtlt = comp.substr(0, op_len);
    std::string_view rest = std::string_view(comp).substr(op_len);
    if (!rest.empty() && is_space(rest[0]))
        rest.remove_prefix(1);
    auto x = match_xrange(rest, options.loose);
    if (!x)
        return comp;
    std::string M(x->major), m(x->minor), p(x->patch);
    if ((is_x(M) && !is_x(m)) || (is_x(m) && !p.empty() && !is_x(p)))
        return comp;
    bool xM = is_x(M), xm = xM || is_x(m), xp = xm || is_x(p);
    if (gtlt == "=" && xp)
        gtlt = "";
    std::string pr = options.include_prerelease ? "-0" : "";
    if (xM)
        return gtlt == ">" || gtlt == "<" ? "<0.0.0-0" : "*";
    if (!gtlt.empty() && xp) {
        if (xm)
            m = "0";
        p = "0";
        if (gtlt == ">") {
            gtlt = ">=";
            if (xm) {
                M = plus_one(M);
                m = "0";
            } else {
                m = plus_one(m);
            }
        } else if (gtlt == "<=") {
            gtlt = "<";
            if (xm)
                M = plus_one(M);
            else
                m = plus_one(m);
        }
        if (gtlt == "<")
            pr = "-0";
        return gtlt + join3(M, m, p) + pr;
    }
    if (xm)
        return ">=" + join3(M, "0", "0") + pr + " <" + join3(plus_one(M), "0", "0") + "-0";
    if (xp)
        return ">=" + join3(M, m, "0") + pr + " <" + join3(M, plus_one(m), "0") + "-0";
    return comp;
}

// Drops the first `*` with its operator (STAR): what is left is AND-ed, and "" is any.
std::string replace_stars(std::string_view raw) {
    std::string comp(trim_space(raw));
    for (std::size_t i = 0; i < comp.size(); ++i) {
        // (<|>)?=?\s?\* in greedy order, with backtracking over the optional parts.
        for (int mask = 7; mask >= 0; --mask) {
            std::size_t j = i;
            bool ok = true;
            if (mask & 4) {
                ok = j < comp.size() && (comp[j] == '<' || comp[j] == '>');
                ++j;
            }
            if (ok && (mask & 2)) {
                ok = j < comp.size() && comp[j] == '=';
                ++j;
            }
            if (ok && (mask & 1)) {
                ok = j < comp.size() && is_space(comp[j]);
                ++j;
            }
            if (ok && j < comp.size() && comp[j] == '*')
                return comp.substr(0, i) + comp.substr(j + 1);
        }
    }
    return comp;
}

// Splits on whitespace runs the way JavaScript's split(/\s+/) does (empty ends kept).
std::vector<std::string> split_space(std::string_view s) {
    std::vector<std::string> out(1);
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (is_space(s[i])) {
            while (i + 1 < s.size() && is_space(s[i + 1]))
                ++i;
            out.emplace_back();
        } else {
            out.back() += s[i];
        }
    }
    return out;
}

std::string join_space(const std::vector<std::string>& parts) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0)
            out += ' ';
        out += parts[i];
    }
    return out;
}

std::string rewrite_each(const std::string& s, std::string (*fn)(const std::string&, NpmOptions),
                         NpmOptions options) {
    std::vector<std::string> parts = split_space(trim_space(s));
    for (auto& part : parts)
        part = fn(part, options);
    return join_space(parts);
}

// The rewrites of one space-separated piece of a comparator set.
std::string rewrite_piece(const std::string& piece, NpmOptions options) {
    std::string s = rewrite_each(piece, replace_caret, options);
    s = rewrite_each(s, replace_tilde, options);
    std::vector<std::string> parts = split_space(s);
    for (auto& part : parts)
        part = replace_xrange(part, options);
    return replace_stars(join_space(parts));
}

bool is_null_set(const NpmComparator& c) {
    return c.op == NpmOperator::lt && c.version && *c.version == Version::minimum() &&
           c.version->prerelease()[0].text() == "0";
}

// node-semver's COMPARATORLOOSE: `^GTLT\s*(LOOSEPLAIN)$|^$`, syntax only.
bool comparator_syntax_ok(std::string_view comp) {
    if (comp.empty())
        return true;
    std::size_t op_len = gtlt_length(comp, 0);
    std::string_view rest = comp.substr(op_len);
    if (!rest.empty() && is_space(rest[0]))
        rest.remove_prefix(1);
    return matches_version_syntax(rest, true);
}

// A comparator set: nullopt when a comparator is invalid (node-semver throws).
std::optional<std::vector<NpmComparator>> parse_set(std::string_view text, NpmOptions options) {
    // Each rewrite is skipped when its input cannot contain what it rewrites (the common
    // range is one token such as `^1.2.3`); the result is the same, only faster.
    bool has_space = text.find(' ') != std::string_view::npos;
    std::string s =
        text.find('+') != std::string_view::npos ? strip_builds(text) : std::string(text);
    if (has_space) {
        s = replace_hyphen(s, options);
        s = trim_comparators(s);
        s = trim_lone(s, '~');
        s = trim_lone(s, '^');
    }
    std::vector<std::string> pieces;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s[i] == ' ') {
            pieces.push_back(rewrite_piece(s.substr(start, i - start), options));
            start = i + 1;
        }
    }
    std::vector<std::string> comps = split_space(join_space(pieces));
    std::vector<NpmComparator> parsed;
    for (std::string& comp : comps) {
        comp = std::string(trim_space(comp));
        if (comp == (options.include_prerelease ? ">=0.0.0-0" : ">=0.0.0"))
            comp.clear();
        // Loose mode first drops what does not look like a comparator; a comparator that
        // looks right but is not (a number above the limit) still fails the whole range.
        if (options.loose && !comparator_syntax_ok(comp))
            continue;
        auto c = parse_npm_comparator(comp, options.loose);
        if (!c)
            return std::nullopt;
        parsed.push_back(std::move(*c));
    }
    // Same operator and same version (build metadata is already gone): the same text.
    auto same = [](const NpmComparator& a, const NpmComparator& b) {
        return a.op == b.op && a.version.has_value() == b.version.has_value() &&
               (!a.version || *a.version == *b.version);
    };
    std::vector<NpmComparator> out;
    for (NpmComparator& c : parsed) {
        if (is_null_set(c))
            return std::vector<NpmComparator>{c};
        if (std::none_of(out.begin(), out.end(), [&](const auto& o) { return same(o, c); }))
            out.push_back(std::move(c));
    }
    if (out.size() > 1)
        out.erase(std::remove_if(out.begin(), out.end(),
                                 [](const NpmComparator& c) { return c.is_any(); }),
                  out.end());
    return out;
}

} // namespace

std::optional<NpmComparator> parse_npm_comparator(std::string_view text, bool loose) {
    text = trim_space(text);
    if (text.empty())
        return NpmComparator{};
    std::size_t op_len = gtlt_length(text, 0);
    std::string_view op = text.substr(0, op_len);
    std::string_view rest = text.substr(op_len);
    if (!rest.empty() && is_space(rest[0]))
        rest.remove_prefix(1);
    if (rest.empty() || is_space(rest[0]) || is_space(rest.back()))
        return std::nullopt;
    auto version = Version::parse(rest, loose ? ParseMode::loose : ParseMode::strict);
    if (!version)
        return std::nullopt;
    NpmComparator c;
    c.version = version->without_build();
    if (op == "<")
        c.op = NpmOperator::lt;
    else if (op == "<=")
        c.op = NpmOperator::le;
    else if (op == ">")
        c.op = NpmOperator::gt;
    else if (op == ">=")
        c.op = NpmOperator::ge;
    else
        c.op = NpmOperator::eq;
    return c;
}

namespace {

// A major, minor or patch number of a plain version at `pos`: "0" or digits without a
// leading zero, at most 15 of them (below node-semver's limit, 2^53 - 1, whatever they are).
std::optional<std::uint64_t> plain_number(std::string_view text, std::size_t& pos) {
    std::size_t start = pos;
    std::uint64_t value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < 15)
        value = value * 10 + static_cast<std::uint64_t>(text[pos++] - '0');
    if (pos == start || (text[start] == '0' && pos - start > 1))
        return std::nullopt;
    return value;
}

// The forms most dependencies are written in, `1.2.3`, `^1.2.3` and `~1.2.3` (no
// prerelease, build, space or `v`), read straight into the comparators the rewriting below
// makes of them; nullopt for anything else (the general parser then reads it).
std::optional<NpmSets> parse_plain(std::string_view text, NpmOptions options) {
    if (options.include_prerelease || text.empty())
        return std::nullopt;
    char sign = text[0] == '^' || text[0] == '~' ? text[0] : '\0';
    std::size_t pos = sign ? 1 : 0;
    std::uint64_t part[3];
    for (int i = 0; i < 3; ++i) {
        auto number = plain_number(text, pos);
        if (!number)
            return std::nullopt;
        part[i] = *number;
        if (i < 2 && (pos >= text.size() || text[pos++] != '.'))
            return std::nullopt;
    }
    if (pos != text.size())
        return std::nullopt;
    const auto [major, minor, patch] = part;
    Version low = Version::from_parts(major, minor, patch);
    if (!sign)
        return NpmSets{{NpmComparator{NpmOperator::eq, std::move(low)}}};
    // Below the next major (`^`, from 1.0.0), minor (`~`, and `^0.x`) or patch (`^0.0.x`).
    std::vector<Identifier> zero{Identifier::numeric(0)};
    Version high = sign == '~' || (major == 0 && minor > 0)
                       ? Version::from_parts(major, minor + 1, 0, std::move(zero))
                   : major > 0 ? Version::from_parts(major + 1, 0, 0, std::move(zero))
                               : Version::from_parts(0, 0, patch + 1, std::move(zero));
    std::vector<NpmComparator> set;
    if (major || minor || patch) // `>=0.0.0` admits everything, and goes
        set.push_back(NpmComparator{NpmOperator::ge, std::move(low)});
    set.push_back(NpmComparator{NpmOperator::lt, std::move(high)});
    return NpmSets{std::move(set)};
}

} // namespace

std::optional<NpmSets> parse_npm_range(std::string_view text, NpmOptions options) {
    if (auto plain = parse_plain(text, options))
        return plain;
    return parse_npm_range_rewriting(text, options);
}

std::optional<NpmSets> parse_npm_range_rewriting(std::string_view text, NpmOptions options) {
    std::string raw = collapse_space(text);
    NpmSets sets;
    std::size_t start = 0;
    while (true) {
        std::size_t bar = raw.find("||", start);
        std::string_view part = std::string_view(raw).substr(
            start, bar == std::string::npos ? std::string::npos : bar - start);
        auto set = parse_set(trim_space(part), options);
        if (!set)
            return std::nullopt;
        if (!set->empty())
            sets.push_back(std::move(*set));
        if (bar == std::string::npos)
            break;
        start = bar + 2;
    }
    if (sets.empty())
        return std::nullopt;
    if (sets.size() > 1) {
        NpmSets kept;
        for (auto& set : sets)
            if (!is_null_set(set[0]))
                kept.push_back(set);
        if (kept.empty()) {
            kept.push_back(sets[0]);
        } else if (kept.size() > 1) {
            for (auto& set : kept) {
                if (set.size() == 1 && set[0].is_any()) {
                    kept = NpmSets{set};
                    break;
                }
            }
        }
        sets = std::move(kept);
    }
    return sets;
}

} // namespace cairn::version::detail
