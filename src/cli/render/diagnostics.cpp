#include "render/diagnostics.hpp"

#include "render/terminal.hpp"

#include <nlohmann/json.hpp>

#include <iostream>

namespace cairn::cli::render {

void print_error(const Error& error, Output output) {
    if (output == Output::json) {
        nlohmann::json j = {{"error",
                             {{"code", code_name(error.code())},
                              {"exit", exit_status(error.code())},
                              {"message", error.message()},
                              {"causes", error.causes()},
                              {"context", error.context()},
                              {"hints", error.hints()}}}};
        std::cerr << j.dump() << std::endl;
        return;
    }
    bool color = use_color(2);
    std::string out = styled("error:", Style::error, color) + " " +
                      styled(error.message(), Style::bold, color) + "\n";
    for (const auto& cause : error.causes())
        out += "  caused by: " + cause + "\n";
    for (const auto& context : error.context())
        out += "  while: " + context + "\n";
    for (const auto& hint : error.hints())
        out += styled("hint:", Style::hint, color) + " " + hint + "\n";
    std::cerr << out << std::flush;
}

void print_warning(const std::string& message, Output output) {
    if (output == Output::json) {
        std::cerr << nlohmann::json{{"warning", message}}.dump() << std::endl;
        return;
    }
    std::cerr << styled("warning:", Style::warning, use_color(2)) << " " << message << std::endl;
}

} // namespace cairn::cli::render
