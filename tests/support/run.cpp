#include "support/run.hpp"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace cairn::test {
namespace {

std::vector<std::string> build_environment(const RunOptions& options) {
    std::map<std::string, std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string entry = *e;
        auto eq = entry.find('=');
        if (eq != std::string::npos)
            env[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    for (const auto& name : options.unset_env)
        env.erase(name);
    for (const auto& [name, value] : options.env)
        env[name] = value;
    std::vector<std::string> out;
    for (const auto& [name, value] : env)
        out.push_back(name + "=" + value);
    return out;
}

} // namespace

RunResult run(const std::vector<std::string>& argv, const RunOptions& options) {
    // A child may exit before reading its input (ssh-keygen rejecting a signature first):
    // the write then fails with EPIPE rather than killing the test with SIGPIPE.
    static const bool sigpipe_ignored = [] {
        std::signal(SIGPIPE, SIG_IGN);
        return true;
    }();
    (void)sigpipe_ignored;
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0 || pipe(err_pipe) != 0)
        throw std::runtime_error("pipe failed");
    std::vector<std::string> env_strings = build_environment(options);
    std::vector<char*> env_ptrs;
    for (auto& s : env_strings)
        env_ptrs.push_back(s.data());
    env_ptrs.push_back(nullptr);
    std::vector<std::string> args = argv;
    std::vector<char*> arg_ptrs;
    for (auto& s : args)
        arg_ptrs.push_back(s.data());
    arg_ptrs.push_back(nullptr);

    pid_t pid = fork();
    if (pid < 0)
        throw std::runtime_error("fork failed");
    if (pid == 0) {
        std::signal(SIGPIPE, SIG_DFL); // an ignored signal would stay ignored across exec
        dup2(in_pipe[0], 0);
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]})
            close(fd);
        if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0)
            _exit(126);
        environ = env_ptrs.data();
        execvp(arg_ptrs[0], arg_ptrs.data());
        _exit(127);
    }
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (!options.input.empty()) {
        std::size_t written = 0;
        while (written < options.input.size()) {
            ssize_t n =
                write(in_pipe[1], options.input.data() + written, options.input.size() - written);
            if (n <= 0)
                break;
            written += static_cast<std::size_t>(n);
        }
    }
    close(in_pipe[1]);

    RunResult result;
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    int open_count = 2;
    char buffer[65536];
    while (open_count > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_count;
            } else {
                (i == 0 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
            }
        }
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

std::filesystem::path cairn_binary() {
    return CAIRN_BINARY;
}

RunResult run_cairn(const std::vector<std::string>& args, const RunOptions& options) {
    std::vector<std::string> argv{cairn_binary().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, options);
}

bool have_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    if (!path)
        return false;
    std::string p = path;
    std::size_t start = 0;
    while (start <= p.size()) {
        std::size_t end = p.find(':', start);
        if (end == std::string::npos)
            end = p.size();
        std::filesystem::path candidate =
            std::filesystem::path(p.substr(start, end - start)) / name;
        if (access(candidate.c_str(), X_OK) == 0)
            return true;
        start = end + 1;
    }
    return false;
}

} // namespace cairn::test
