// npm registry documents on arbitrary bytes: parse_packument either returns a packument
// or throws cairn::Error(integrity); a parsed one must survive the compact round trip;
// decode_packument on the same bytes either decodes or throws cache_corrupt.
#include "cairn/core/error.hpp"
#include "cairn/protocol/npm/packument.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace cairn;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    try {
        auto p = protocol::npm::parse_packument(bytes, "fuzz", "fuzz");
        std::string compact = protocol::npm::encode_packument(p);
        if (protocol::npm::encode_packument(protocol::npm::decode_packument(compact)) != compact)
            std::abort();
    } catch (const Error& e) {
        if (e.code() != Code::integrity)
            std::abort();
    }
    try {
        (void)protocol::npm::decode_packument(bytes);
    } catch (const Error& e) {
        if (e.code() != Code::cache_corrupt)
            std::abort();
    }
    return 0;
}
