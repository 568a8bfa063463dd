#pragma once

#include "cairn/core/error.hpp"

#include <string>
#include <vector>

namespace cairn::cli::render {

enum class Output { text, json };

// Every error the CLI reports goes through here, in one style, on stderr:
// plain text (colour on a terminal) or one JSON object per line with --json.
void print_error(const Error& error, Output output);

// Warnings from libcairn (e.g. a dropped registry), in the same style.
void print_warning(const std::string& message, Output output);

} // namespace cairn::cli::render
