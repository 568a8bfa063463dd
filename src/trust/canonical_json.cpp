#include "cairn/trust/canonical_json.hpp"

#include "json_value.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/text.hpp"

#include <fmt/format.h>

#include <vector>

namespace cairn::trust {

namespace detail {

namespace {

using nlohmann::json;

Error invalid(std::string_view why) {
    return Error(Code::integrity, fmt::format("invalid canonical JSON: {}", why));
}

// Builds the value while enforcing what nlohmann's own DOM parser lets through: duplicate
// keys (it keeps the last), non-integer numbers and the depth limit.
class StrictBuilder {
public:
    explicit StrictBuilder(std::size_t max_depth) : m_max_depth(max_depth) {}

    bool null() { return add(json(nullptr)); }
    bool boolean(bool value) { return add(json(value)); }
    bool number_integer(json::number_integer_t value) {
        if (value > k_max_json_integer || value < -k_max_json_integer)
            return fail(fmt::format("integer {} is outside +-{}", value, k_max_json_integer));
        return add(json(value));
    }
    bool number_unsigned(json::number_unsigned_t value) {
        if (value > static_cast<json::number_unsigned_t>(k_max_json_integer))
            return fail(fmt::format("integer {} is outside +-{}", value, k_max_json_integer));
        return add(json(static_cast<json::number_integer_t>(value)));
    }
    bool number_float(json::number_float_t, const json::string_t& text) {
        return fail(fmt::format("number {} is not an integer (only integers within +-{} are "
                                "allowed)",
                                text, k_max_json_integer));
    }
    bool string(json::string_t& value) { return add(json(std::move(value))); }
    bool binary(json::binary_t&) { return fail("binary values are not JSON"); }
    bool start_object(std::size_t) { return open(json::object()); }
    bool key(json::string_t& key) {
        if (m_stack.back()->contains(key))
            return fail(fmt::format("duplicate key {}", text::quote(key)));
        m_key = std::move(key);
        return true;
    }
    bool end_object() {
        m_stack.pop_back();
        return true;
    }
    bool start_array(std::size_t) { return open(json::array()); }
    bool end_array() {
        m_stack.pop_back();
        return true;
    }
    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& error) {
        // nlohmann's message is "[json.exception.parse_error.101] parse error at line 1,
        // column 2: syntax error while parsing value - ..."; keep the part after "- ".
        std::string what = error.what();
        auto dash = what.rfind(" - ");
        if (dash != std::string::npos)
            what = what.substr(dash + 3);
        return fail(fmt::format("at byte {}: {}", position, what));
    }

    json take() { return std::move(m_root); }
    const std::string& error() const { return m_error; }

private:
    bool fail(std::string message) {
        if (m_error.empty())
            m_error = std::move(message);
        return false;
    }

    json* place(json value) {
        if (m_stack.empty()) {
            m_root = std::move(value);
            return &m_root;
        }
        json* parent = m_stack.back();
        if (parent->is_array()) {
            parent->push_back(std::move(value));
            return &parent->back();
        }
        return &((*parent)[m_key] = std::move(value));
    }

    bool add(json value) {
        place(std::move(value));
        return true;
    }

    bool open(json value) {
        if (m_stack.size() >= m_max_depth)
            return fail(fmt::format("nesting is deeper than {} levels", m_max_depth));
        m_stack.push_back(place(std::move(value)));
        return true;
    }

    std::size_t m_max_depth;
    json m_root;
    std::vector<json*> m_stack;
    std::string m_key;
    std::string m_error;
};

void write_value(std::string& out, const json& value) {
    switch (value.type()) {
    case json::value_t::null:
        out += "null";
        break;
    case json::value_t::boolean:
        out += value.get<bool>() ? "true" : "false";
        break;
    case json::value_t::number_integer: {
        auto v = value.get<json::number_integer_t>();
        if (v > k_max_json_integer || v < -k_max_json_integer)
            throw invalid(fmt::format("integer {} is outside +-{}", v, k_max_json_integer));
        out += std::to_string(v);
        break;
    }
    case json::value_t::number_unsigned: {
        auto v = value.get<json::number_unsigned_t>();
        if (v > static_cast<json::number_unsigned_t>(k_max_json_integer))
            throw invalid(fmt::format("integer {} is outside +-{}", v, k_max_json_integer));
        out += std::to_string(v);
        break;
    }
    case json::value_t::number_float:
        throw invalid(fmt::format("number {} is not an integer", value.dump()));
    case json::value_t::string:
        text::append_json_string(out, value.get_ref<const std::string&>());
        break;
    case json::value_t::array: {
        out += '[';
        bool first = true;
        for (const auto& item : value) {
            if (!first)
                out += ',';
            first = false;
            write_value(out, item);
        }
        out += ']';
        break;
    }
    case json::value_t::object: {
        // nlohmann's object is a std::map<std::string, ...>: iteration is in
        // std::string order, which compares bytes as unsigned char, i.e. by UTF-8 bytes
        // (and so by Unicode code points).
        out += '{';
        bool first = true;
        for (const auto& [key, item] : value.items()) {
            if (!first)
                out += ',';
            first = false;
            text::append_json_string(out, key);
            out += ':';
            write_value(out, item);
        }
        out += '}';
        break;
    }
    case json::value_t::binary:
    case json::value_t::discarded:
        throw invalid("the value is not JSON");
    }
}

} // namespace

nlohmann::json parse_strict_json(std::string_view text, const JsonLimits& limits) {
    if (text.size() > limits.max_bytes)
        throw invalid(fmt::format("the document has {} bytes, more than the limit of {}",
                                  text.size(), limits.max_bytes));
    if (text.starts_with("\xEF\xBB\xBF"))
        throw invalid("the document starts with a byte order mark");
    StrictBuilder builder(limits.max_depth);
    bool ok = json::sax_parse(text.begin(), text.end(), &builder, json::input_format_t::json,
                              /*strict=*/true, /*ignore_comments=*/false);
    if (!ok || !builder.error().empty())
        throw invalid(builder.error().empty() ? std::string("not JSON") : builder.error());
    return builder.take();
}

std::string dump_canonical_json(const nlohmann::json& value) {
    std::string out;
    write_value(out, value);
    return out;
}

} // namespace detail

std::string canonicalize_json(std::string_view text, const JsonLimits& limits) {
    return detail::dump_canonical_json(detail::parse_strict_json(text, limits));
}

bool is_canonical_json(std::string_view text, const JsonLimits& limits) {
    try {
        return canonicalize_json(text, limits) == text;
    } catch (const Error&) {
        return false;
    }
}

} // namespace cairn::trust
