// The JSON5 parser on arbitrary bytes: it either returns a value or throws cairn::Error
// with Code::config_parse; anything else (a crash, a sanitizer report, another exception)
// is a bug. A parsed value must survive printing.
#include "cairn/config/json5.hpp"
#include "cairn/core/error.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        cairn::config::PositionMap positions;
        cairn::config::Json value = cairn::config::parse_json5(text, "fuzz.json5", &positions);
        (void)cairn::config::to_json5_text(value);
        if (positions.find("") == positions.end())
            std::abort(); // the top-level value always has a position
    } catch (const cairn::Error& e) {
        if (e.code() != cairn::Code::config_parse)
            std::abort();
    }
    return 0;
}
