// Finding npm's configuration: the .npmrc chain, npm_config_* variables, and npm itself.
#include "cairn/ops/npm_config.hpp"

#include "program_path.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/text.hpp"
#include "cairn/registry/npm_sources.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <fstream>
#include <sstream>

extern char** environ;

namespace cairn::ops {
namespace {

namespace fs = std::filesystem;
using detail::find_on_path;

// npm reads npm_config_* case-insensitively; the lower-case spelling is npm's own.
std::optional<std::string> npm_env(const config::EnvLookup& env, std::string_view key) {
    if (!env)
        return std::nullopt;
    std::string lower = "npm_config_" + std::string(key);
    std::string upper = lower;
    for (char& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const std::string& name : {lower, upper})
        if (auto value = env(name); value && !value->empty())
            return value;
    return std::nullopt;
}

std::optional<fs::path> global_npmrc(const config::EnvLookup& env) {
    if (auto file = npm_env(env, "globalconfig"))
        return fs::path(*file);
    if (auto prefix = npm_env(env, "prefix"))
        return fs::path(*prefix) / "etc" / "npmrc";
    // npm's default prefix is the folder above the bin/ that holds node.
    if (auto node = find_on_path(env, "node")) {
        std::error_code ec;
        fs::path real = fs::canonical(*node, ec);
        if (ec)
            real = *node;
        if (real.parent_path().filename() == "bin")
            return real.parent_path().parent_path() / "etc" / "npmrc";
    }
    return std::nullopt;
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(Code::io, fmt::format("cannot read {}", path.string()));
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

bool is_file(const fs::path& path) {
    std::error_code ec;
    return fs::is_regular_file(path, ec);
}

fs::path remembered_path(const fs::path& store_root) {
    return store_root / "npm-registry";
}

// Runs `argv` with stdout captured; stderr and stdin are /dev/null.
std::pair<int, std::string> capture(const std::vector<std::string>& argv,
                                    const std::optional<fs::path>& cwd) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
        throw Error(Code::io, "cannot create a pipe to run npm");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    if (cwd)
        posix_spawn_file_actions_addchdir_np(&actions, cwd->c_str());
    std::vector<char*> args;
    for (const auto& arg : argv)
        args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    int rc = ::posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    if (rc != 0) {
        ::close(pipe_fds[0]);
        Error error(Code::config_invalid, fmt::format("cannot run {}", argv[0]));
        error.caused_by(std::error_code(rc, std::generic_category()).message());
        throw error;
    }
    std::string out;
    char buffer[4096];
    for (;;) {
        ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
        if (n > 0)
            out.append(buffer, static_cast<std::size_t>(n));
        else if (n == 0 || errno != EINTR)
            break;
    }
    ::close(pipe_fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), out};
}

void remember(const fs::path& store_root, const std::string& url) {
    std::error_code ec;
    fs::create_directories(store_root, ec);
    fs::path target = remembered_path(store_root);
    fs::path temp = target;
    temp += fmt::format(".{}.tmp", ::getpid());
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out << url << "\n";
        if (!out)
            return; // remembering is an optimisation: npm is asked again next time
    }
    fs::rename(temp, target, ec);
    if (ec)
        fs::remove(temp, ec);
}

} // namespace

NpmConfig read_npm_config(const NpmConfigRequest& request) {
    NpmConfig npm;
    std::vector<fs::path> candidates; // highest precedence first
    if (request.project_root)
        candidates.push_back(*request.project_root / ".npmrc");
    if (auto user = npm_env(request.env, "userconfig"))
        candidates.emplace_back(*user);
    else if (auto home = request.env ? request.env("HOME") : std::nullopt; home && !home->empty())
        candidates.push_back(fs::path(*home) / ".npmrc");
    if (auto global = global_npmrc(request.env))
        candidates.push_back(*global);
    for (const auto& file : candidates)
        if (is_file(file) && std::find(npm.files.begin(), npm.files.end(), file) == npm.files.end())
            npm.files.push_back(file);
    for (auto it = npm.files.rbegin(); it != npm.files.rend(); ++it)
        net::merge_npmrc_registries(
            npm.registries, net::parse_npmrc_registries(read_text(*it), request.env, it->string()));
    for (std::string name : {"npm_config_registry", "NPM_CONFIG_REGISTRY"}) {
        if (auto value = request.env ? request.env(name) : std::nullopt; value && !value->empty()) {
            npm.registries.registry = net::NpmrcSetting{*value, "environment variable " + name};
            break;
        }
    }
    return npm;
}

void add_npm_credentials(net::Credentials& credentials, const NpmConfig& npm,
                         const config::EnvLookup& env) {
    for (const auto& file : npm.files)
        credentials.add_npmrc_file(file, env);
}

std::optional<net::NpmrcSetting> npm_default_registry(const NpmConfigRequest& request) {
    if (request.store_root) {
        fs::path file = remembered_path(*request.store_root);
        if (is_file(file)) {
            std::string url(text::trim(read_text(file)));
            if (!url.empty())
                return net::NpmrcSetting{
                    url,
                    fmt::format("`npm config get registry` (remembered in {})", file.string())};
        }
    }
    auto npm = find_on_path(request.env, "npm");
    if (!npm)
        return std::nullopt;
    auto [status, out] =
        capture({npm->string(), "config", "get", "registry"}, request.project_root);
    std::string url(text::trim(out));
    if (status != 0 || url.empty() || url.find('\n') != std::string::npos ||
        !(url.starts_with("http://") || url.starts_with("https://") || url.starts_with("file:"))) {
        Error error(Code::config_invalid, "`npm config get registry` did not answer with a URL");
        error.caused_by(status != 0 ? fmt::format("{} exited with status {}", npm->string(), status)
                                    : fmt::format("it printed \"{}\"", url.substr(0, 200)));
        error.hint("set registry=URL in .npmrc, or formats.npm.authorities in cairn's "
                   "configuration");
        throw error;
    }
    if (request.store_root)
        remember(*request.store_root, url);
    return net::NpmrcSetting{url, "`npm config get registry`"};
}

registry::FormatRegistries npm_registries(const config::LayeredConfig& config, const NpmConfig& npm,
                                          const NpmConfigRequest& request,
                                          std::vector<std::string>* warnings) {
    registry::RegistryModel model = registry::read_registry_model(config);
    if (warnings)
        warnings->insert(warnings->end(), model.warnings.begin(), model.warnings.end());
    const registry::FormatRegistries* configured = model.find_format("npm");
    net::NpmrcRegistries registries = npm.registries;
    if (registry::needs_default_registry(configured) && !registries.registry) {
        registries.registry = npm_default_registry(request);
        if (!registries.registry) {
            Error error(Code::config_invalid, "no npm registry is configured");
            error.caused_by("formats.npm has no default authority, no .npmrc sets registry=, "
                            "npm_config_registry is not set, and npm is not installed to ask");
            error.hint("set formats.npm.authorities.<name>.registries in cairn's configuration, "
                       "or registry=URL in .npmrc");
            throw error;
        }
    }
    return registry::npm_authorities(configured, registries);
}

} // namespace cairn::ops
