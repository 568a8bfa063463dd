// package.json of installed packages on arbitrary bytes: the simdjson reader
// (read_installed_manifest) and the nlohmann one must agree on every input, field for field
// or error for error, and neither may throw anything but cairn::Error(manifest_invalid).
#include "manifest_detail.hpp"

#include "cairn/core/error.hpp"
#include "cairn/format/npm/manifest.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace cairn;
using format::npm::Manifest;

namespace {

std::string outcome(Manifest (*reader)(std::string_view, std::string_view), std::string_view text) {
    try {
        Manifest m = reader(text, "package.json");
        std::string out = "ok\n" + m.name.value_or("-") + "\n" + m.version.value_or("-") + "\n";
        for (const auto& bin : m.bin)
            out += bin.name + "=" + bin.target + "\n";
        for (const auto& [event, command] : m.scripts)
            out += event + ":" + command + "\n";
        return out;
    } catch (const Error& e) {
        if (e.code() != Code::manifest_invalid)
            std::abort();
        return "error\n" + e.message();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    if (outcome(format::npm::read_installed_manifest, text) !=
        outcome(format::npm::detail::read_installed_manifest_dom, text))
        std::abort();
    return 0;
}
