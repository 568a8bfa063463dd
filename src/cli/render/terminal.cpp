#include "render/terminal.hpp"

#include <unistd.h>

#include <cstdlib>

namespace cairn::cli::render {

bool use_color(int fd) {
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color && *no_color)
        return false;
    const char* term = std::getenv("TERM");
    if (term && std::string_view(term) == "dumb")
        return false;
    return isatty(fd) == 1;
}

std::string styled(std::string_view text, Style style, bool color) {
    if (!color)
        return std::string(text);
    const char* code = "";
    switch (style) {
    case Style::bold:
        code = "\x1b[1m";
        break;
    case Style::error:
        code = "\x1b[1;31m";
        break;
    case Style::warning:
        code = "\x1b[1;33m";
        break;
    case Style::hint:
        code = "\x1b[1;36m";
        break;
    case Style::dim:
        code = "\x1b[2m";
        break;
    }
    return std::string(code) + std::string(text) + "\x1b[0m";
}

} // namespace cairn::cli::render
