#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace cairn::cli::render {

// A one-line progress display on stderr: "fetching  412/812 ▕████▏" redrawn in place on a
// terminal (at most every 50 ms), nothing otherwise, and nothing with CAIRN_NO_PROGRESS,
// --quiet or --json. finish() clears the line.
class ProgressLine {
public:
    explicit ProgressLine(bool enabled);
    ~ProgressLine();
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    void update(std::string_view phase, std::size_t done, std::size_t total);
    void finish();

private:
    bool m_enabled;
    bool m_drawn = false;
    std::string m_phase;
    std::chrono::steady_clock::time_point m_last{};
};

} // namespace cairn::cli::render
