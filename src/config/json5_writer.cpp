#include "cairn/config/json5.hpp"

#include <cmath>

namespace cairn::config {
namespace {

void write(const Json& value, std::string& out) {
    switch (value.type()) {
    case Json::value_t::object: {
        out += '{';
        bool first = true;
        for (const auto& [key, item] : value.items()) {
            if (!first)
                out += ", ";
            first = false;
            out += Json(key).dump();
            out += ": ";
            write(item, out);
        }
        out += '}';
        return;
    }
    case Json::value_t::array: {
        out += '[';
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (i > 0)
                out += ", ";
            write(value[i], out);
        }
        out += ']';
        return;
    }
    case Json::value_t::number_float: {
        double d = value.get<double>();
        if (std::isnan(d)) {
            out += "NaN";
            return;
        }
        if (std::isinf(d)) {
            out += d < 0 ? "-Infinity" : "Infinity";
            return;
        }
        out += value.dump();
        return;
    }
    default:
        out += value.dump();
        return;
    }
}

} // namespace

std::string to_json5_text(const Json& value) {
    std::string out;
    write(value, out);
    return out;
}

} // namespace cairn::config
