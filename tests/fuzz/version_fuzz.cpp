// The version parsers on arbitrary bytes: versions (strict and loose), npm ranges (all
// option combinations), caret ranges and tag requirements. Parsers return nullopt on bad
// input and never throw; results must keep their invariants:
// - a parsed version prints to text that parses (strictly) to an identical version;
// - a normalised npm range parses again (same options) and means the same for the
//   version (not always to the same text: node-semver turns loose `0 0*` into
//   `>=0.0.0 <1.0.0-0`, whose `>=0.0.0` then drops out as "any");
// - a version that satisfies an npm range lies in the range's VersionSet hull;
// - a caret range's matches() agrees with its hull for releases.
#include "cairn/version/caret_range.hpp"
#include "cairn/version/exact_range.hpp"
#include "cairn/version/npm_range.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace cairn::version;

namespace {

void check(bool condition) {
    if (!condition)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    // Inputs of the form "RANGE\nVERSION" also test membership.
    std::string_view range_text = text, version_text = text;
    if (auto nl = text.find('\n'); nl != std::string_view::npos) {
        range_text = text.substr(0, nl);
        version_text = text.substr(nl + 1);
    }
    for (ParseMode mode : {ParseMode::strict, ParseMode::loose}) {
        if (auto v = Version::parse(version_text, mode)) {
            auto again = Version::parse(v->to_string());
            check(again && again->identical(*v));
        }
    }
    for (int bits = 0; bits < 4; ++bits) {
        NpmOptions options{(bits & 1) != 0, (bits & 2) != 0};
        auto range = NpmRange::parse(range_text, options);
        if (!range)
            continue;
        auto reparsed = NpmRange::parse(range->to_string(), options);
        check(reparsed.has_value());
        auto v = Version::parse(version_text, options.loose ? ParseMode::loose : ParseMode::strict);
        if (v) {
            check(reparsed->satisfies(*v) == range->satisfies(*v));
            if (range->satisfies(*v))
                check(range->to_version_set().contains(*v));
        }
    }
    if (auto caret = CaretRange::parse(range_text)) {
        auto hull = caret->to_version_set();
        if (auto v = Version::parse(version_text); v && !v->is_prerelease())
            check(caret->matches(*v) == hull.contains(*v));
    }
    if (auto tag = TagRequirement::parse(range_text))
        (void)tag->matches(version_text);
    return 0;
}
