#include "cairn/core/error.hpp"
#include "cairn/core/text.hpp"
#include "cairn/trust/sshsig.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

extern char** environ;

// Signing through ssh-keygen: the one place the trust module runs a program.
namespace cairn::trust {

namespace {

// A private folder (mode 0700) removed with its contents on destruction.
class ScratchDir {
public:
    explicit ScratchDir(const std::filesystem::path& parent) {
        std::string pattern = (parent / "cairn-sign-XXXXXX").string();
        if (!::mkdtemp(pattern.data()))
            throw Error(Code::io, fmt::format("cannot create a temporary folder in {}: {}",
                                              parent.string(), std::strerror(errno)));
        m_path = pattern;
    }
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

std::string read_all(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_all(const std::filesystem::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out)
        throw Error(Code::io, fmt::format("cannot write {}", path.string()));
}

// Runs argv with stdout and stderr sent to `output`; returns the exit status (128 + signal
// when killed).
int run_program(const std::vector<std::string>& argv, const std::filesystem::path& output) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& arg : argv)
        args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        throw Error(Code::io, fmt::format("cannot run {}: {}", argv[0], std::strerror(rc)))
            .hint("install OpenSSH's ssh-keygen (package openssh-client)");
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            throw Error(Code::io, fmt::format("waiting for {}: {}", argv[0], std::strerror(errno)));
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

} // namespace

SshSignature sign_with_ssh_keygen(std::string_view message, const SignOptions& options) {
    std::filesystem::path parent = options.temp_dir;
    if (parent.empty())
        parent = std::filesystem::temp_directory_path();
    ScratchDir scratch(parent);
    auto message_path = scratch.path() / "message";
    auto output_path = scratch.path() / "ssh-keygen.log";
    write_all(message_path, message);

    std::vector<std::string> argv{options.ssh_keygen,
                                  "-Y",
                                  "sign",
                                  "-f",
                                  options.key_path.string(),
                                  "-n",
                                  options.signature_namespace,
                                  message_path.string()};
    int status = run_program(argv, output_path);
    if (status != 0) {
        Error error(Code::io, fmt::format("ssh-keygen could not sign with {} (exit status {})",
                                          options.key_path.string(), status));
        std::string log = read_all(output_path);
        for (auto line : text::split(log, '\n')) {
            line = text::trim(line);
            if (!line.empty())
                error.caused_by(std::string(line));
        }
        error.hint("check the key path; for a key held by ssh-agent give its .pub file");
        throw error;
    }
    auto signature_path = message_path;
    signature_path += ".sig";
    auto armored = read_all(signature_path);
    try {
        return SshSignature::parse_armored(armored);
    } catch (Error& error) {
        error.while_("reading the signature ssh-keygen wrote");
        throw;
    }
}

} // namespace cairn::trust
