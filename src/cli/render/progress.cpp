#include "render/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace cairn::cli::render {

ProgressLine::ProgressLine(bool enabled)
    : m_enabled(enabled && ::isatty(2) && std::getenv("CAIRN_NO_PROGRESS") == nullptr) {}

ProgressLine::~ProgressLine() {
    finish();
}

void ProgressLine::update(std::string_view phase, std::size_t done, std::size_t total) {
    if (!m_enabled)
        return;
    auto now = std::chrono::steady_clock::now();
    bool phase_changed = phase != m_phase;
    if (!phase_changed && done != total && now - m_last < std::chrono::milliseconds(50))
        return;
    m_last = now;
    m_phase = std::string(phase);
    std::string line;
    if (total == 0) {
        line = fmt::format("{}...", phase);
    } else {
        constexpr std::size_t width = 30;
        std::size_t filled = total ? done * width / total : 0;
        line = fmt::format("{:<10} {:>5}/{:<5} [{}{}]", phase, done, total,
                           std::string(filled, '#'), std::string(width - filled, ' '));
    }
    std::fprintf(stderr, "\r\x1b[2K%s", line.c_str());
    std::fflush(stderr);
    m_drawn = true;
}

void ProgressLine::finish() {
    if (m_drawn) {
        std::fprintf(stderr, "\r\x1b[2K");
        std::fflush(stderr);
        m_drawn = false;
    }
}

} // namespace cairn::cli::render
