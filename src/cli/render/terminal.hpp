#pragma once

#include <string>
#include <string_view>

namespace cairn::cli::render {

// Colour only on a terminal, never with NO_COLOR set (https://no-color.org).
bool use_color(int fd);

enum class Style { bold, error, warning, hint, dim };
std::string styled(std::string_view text, Style style, bool color);

} // namespace cairn::cli::render
