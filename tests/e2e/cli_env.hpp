#pragma once

#include "support/run.hpp"
#include "support/temp_dir.hpp"
#include "support/testdata.hpp"

#include <string>

namespace cairn::test {

// Runs the cairn binary in a sandbox: its own HOME, user and system config folders, no
// CAIRN_CONFIG, no colour; output with the sandbox path replaced by [TMP].
class CliSandbox {
public:
    CliSandbox() { std::filesystem::create_directories(m_tmp / "project"); }

    RunResult cairn(const std::vector<std::string>& args, const std::string& cwd = "project") {
        RunOptions options;
        options.cwd = m_tmp / cwd;
        options.env = {{"HOME", (m_tmp / "home").string()},
                       {"XDG_CONFIG_HOME", (m_tmp / "user").string()},
                       {"CAIRN_SYSTEM_CONFIG", (m_tmp / "system").string()},
                       {"NO_COLOR", "1"}};
        options.unset_env = {"CAIRN_CONFIG"};
        for (const auto& [k, v] : m_extra_env)
            options.env[k] = v;
        RunResult result = run_cairn(args, options);
        result.out = normalise(result.out);
        result.err = normalise(result.err);
        return result;
    }

    void write(const std::string& rel, std::string_view text) { write_file(m_tmp / rel, text); }
    void set_env(const std::string& name, const std::string& value) { m_extra_env[name] = value; }
    const std::filesystem::path& root() const { return m_tmp.path(); }

private:
    std::string normalise(std::string text) const {
        std::string from = m_tmp.path().string();
        for (std::size_t pos; (pos = text.find(from)) != std::string::npos;)
            text.replace(pos, from.size(), "[TMP]");
        return text;
    }

    TempDir m_tmp;
    std::map<std::string, std::string> m_extra_env;
};

} // namespace cairn::test
