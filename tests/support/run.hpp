#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace cairn::test {

struct RunResult {
    int status = -1; // exit status, or 128 + signal
    std::string out;
    std::string err;
};

struct RunOptions {
    std::filesystem::path cwd;                 // empty: inherit
    std::map<std::string, std::string> env;    // added to (or replacing in) the environment
    std::vector<std::string> unset_env;        // removed from the environment
    std::string input;                         // written to stdin
};

// Runs a program (searched in PATH when not a path) and collects its output.
RunResult run(const std::vector<std::string>& argv, const RunOptions& options = {});

// Runs the cairn binary built with these tests.
RunResult run_cairn(const std::vector<std::string>& args, const RunOptions& options = {});
std::filesystem::path cairn_binary();

// Whether a program is on PATH.
bool have_program(const std::string& name);

} // namespace cairn::test
