#include "lifecycle.hpp"

#include "fs_tree.hpp"

#include "cairn/core/error.hpp"
#include "cairn/format/npm/manifest.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

extern char** environ;

namespace cairn::install::detail {

namespace fs = std::filesystem;

PackageInfo read_package_info(int dir, const fs::path& shown, const std::string& label,
                              std::optional<bool> has_binding_gyp) {
    PackageInfo info;
    auto text = read_file(dir, "package.json", shown);
    if (!text)
        return info;
    format::npm::Manifest manifest;
    try {
        manifest = format::npm::read_installed_manifest(*text, label + "/package.json");
    } catch (Error& error) {
        error.while_(fmt::format("installing {}", label));
        throw;
    }
    for (const auto& bin : manifest.bin)
        info.bins.push_back({bin.name, bin.target});
    std::sort(info.bins.begin(), info.bins.end(),
              [](const BinLink& a, const BinLink& b) { return a.command < b.command; });
    info.bins.erase(
        std::unique(info.bins.begin(), info.bins.end(),
                    [](const BinLink& a, const BinLink& b) { return a.command == b.command; }),
        info.bins.end());
    for (const char* event : {"preinstall", "install", "postinstall"}) {
        auto it = manifest.scripts.find(event);
        if (it != manifest.scripts.end() && !it->second.empty())
            info.scripts.push_back({event, it->second});
        else if (std::string_view(event) == "install" && !manifest.scripts.contains("install") &&
                 !manifest.scripts.contains("preinstall") &&
                 (has_binding_gyp ? *has_binding_gyp : entry_type(dir, "binding.gyp") == S_IFREG))
            info.scripts.push_back({event, "node-gyp rebuild"});
    }
    return info;
}

std::optional<fs::path> find_node() {
    const char* path = std::getenv("PATH");
    if (!path)
        return std::nullopt;
    std::string_view rest = path;
    while (true) {
        auto colon = rest.find(':');
        std::string_view dir = rest.substr(0, colon);
        if (!dir.empty()) {
            fs::path candidate = fs::path(dir) / "node";
            if (::access(candidate.c_str(), X_OK) == 0)
                return candidate;
        }
        if (colon == std::string_view::npos)
            break;
        rest.remove_prefix(colon + 1);
    }
    return std::nullopt;
}

namespace {

std::string last_lines(const std::string& output, std::size_t count) {
    std::string_view text = output;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.remove_suffix(1);
    std::size_t start = text.size();
    for (std::size_t lines = 0; start > 0; --start) {
        if (text[start - 1] == '\n' && ++lines == count)
            break;
    }
    return std::string(text.substr(start));
}

} // namespace

std::optional<ScriptFailure> run_script(const ScriptRun& run, const Script& script) {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string_view entry = *e;
        auto eq = entry.find('=');
        if (eq != std::string_view::npos)
            env[std::string(entry.substr(0, eq))] = std::string(entry.substr(eq + 1));
    }
    std::string path;
    for (const auto& dir : run.bin_dirs)
        path += dir.string() + ":";
    path += env.contains("PATH") ? env["PATH"] : "/usr/local/bin:/usr/bin:/bin";
    env["PATH"] = path;
    env["npm_lifecycle_event"] = script.event;
    env["npm_lifecycle_script"] = script.command;
    env["npm_package_name"] = run.package;
    env["npm_package_version"] = run.version;
    env["npm_package_json"] = (run.cwd / "package.json").string();
    env["INIT_CWD"] = run.project.string();
    if (auto node = find_node()) {
        env["npm_node_execpath"] = node->string();
        env["NODE"] = node->string();
    }
    std::vector<std::string> env_strings;
    for (const auto& [key, value] : env)
        env_strings.push_back(key + "=" + value);
    std::vector<char*> envp;
    for (auto& s : env_strings)
        envp.push_back(s.data());
    envp.push_back(nullptr);
    std::string sh = "sh", dash_c = "-c", command = script.command;
    char* argv[] = {sh.data(), dash_c.data(), command.data(), nullptr};
    std::string cwd = run.cwd.string();

    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
        throw io_error("create a pipe for", script.event, errno);
    pid_t pid = ::fork();
    if (pid < 0) {
        int err = errno;
        ::close(pipe_fds[0]);
        ::close(pipe_fds[1]);
        throw io_error("start the script in", run.cwd, err);
    }
    if (pid == 0) {
        // Only async-signal-safe calls until execve.
        int null_fd = ::open("/dev/null", O_RDONLY);
        if (null_fd >= 0)
            ::dup2(null_fd, 0);
        ::dup2(pipe_fds[1], 1);
        ::dup2(pipe_fds[1], 2);
        if (::chdir(cwd.c_str()) != 0)
            ::_exit(126);
        ::execve("/bin/sh", argv, envp.data());
        ::_exit(127);
    }
    ::close(pipe_fds[1]);
    std::string output;
    char buffer[8192];
    for (;;) {
        ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        output.append(buffer, static_cast<std::size_t>(n));
        if (output.size() > (1 << 17))
            output.erase(0, output.size() - (1 << 16));
    }
    ::close(pipe_fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (code == 0)
        return std::nullopt;
    return ScriptFailure{code, last_lines(output, 20)};
}

} // namespace cairn::install::detail
