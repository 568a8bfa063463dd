#include "support/verdaccio/verdaccio.hpp"

#include "archives/archive_writer.hpp"
#include "support/nginx/nginx.hpp"
#include "support/run.hpp"

#include "cairn/core/digest.hpp"
#include "cairn/core/encoding.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace cairn::test {
namespace {

using Json = nlohmann::ordered_json;

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

bool accepts_connections(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
}

// Single-quoted YAML scalar.
std::string yaml_quote(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        out += c;
        if (c == '\'')
            out += '\'';
    }
    return out + "'";
}

std::string config_text(const VerdaccioOptions& options, const std::filesystem::path& dir) {
    std::ostringstream c;
    c << "storage: " << yaml_quote((dir / "storage").string()) << "\n"
      << "auth:\n"
      << "  htpasswd:\n"
      << "    file: " << yaml_quote((dir / "htpasswd").string()) << "\n"
      << "    max_users: 1000\n"
      << "uplinks: {}\n" // only what the tests publish: nothing is fetched from elsewhere
      << "packages:\n";
    for (const auto& scope : options.private_scopes)
        c << "  " << yaml_quote(scope + "/*") << ":\n"
          << "    access: $authenticated\n"
          << "    publish: $authenticated\n"
          << "    unpublish: $authenticated\n";
    c << "  '**':\n"
      << "    access: $all\n"
      << "    publish: $authenticated\n"
      << "    unpublish: $authenticated\n"
      << "web:\n"
      << "  enable: false\n"
      << "middlewares:\n"
      << "  audit:\n"
      << "    enabled: false\n"
      << "max_body_size: 100mb\n"
      << "log: { type: stdout, format: pretty, level: " << options.log_level << " }\n";
    return c.str();
}

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* out) {
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
}

std::string basename_of(std::string_view name) {
    std::size_t slash = name.rfind('/');
    return std::string(slash == std::string_view::npos ? name : name.substr(slash + 1));
}

Json string_map(const std::map<std::string, std::string>& map) {
    Json out = Json::object();
    for (const auto& [k, v] : map)
        out[k] = v;
    return out;
}

Json manifest_of(const PublishVersion& v) {
    Json m = Json::object();
    m["name"] = v.name;
    m["version"] = v.version;
    m["description"] = "published by cairn's verdaccio test support";
    m["main"] = "index.js";
    m["license"] = "MIT";
    if (!v.dependencies.empty())
        m["dependencies"] = string_map(v.dependencies);
    if (!v.bin.empty())
        m["bin"] = string_map(v.bin);
    return m;
}

} // namespace

std::filesystem::path verdaccio_binary() {
    std::error_code ec;
    if (const char* env = std::getenv("CAIRN_VERDACCIO"); env && *env)
        return std::filesystem::exists(env, ec) ? std::filesystem::path(env)
                                                : std::filesystem::path{};
    std::filesystem::path bin =
        std::filesystem::path(CAIRN_TOOLS_NODE_DIR) / "verdaccio/node_modules/.bin/verdaccio";
    return std::filesystem::exists(bin, ec) ? bin : std::filesystem::path{};
}

bool have_verdaccio() {
    return !verdaccio_binary().empty() && have_program("node");
}

std::string verdaccio_missing_reason() {
    if (!have_program("node"))
        return "node is not installed (Debian package nodejs; scripts/setup installs it)";
    return "verdaccio is not installed in tools/node/verdaccio: run scripts/setup (it installs "
           "verdaccio with npm, which needs the npm registry), or point CAIRN_VERDACCIO at a "
           "verdaccio launcher";
}

std::string npm_package_tarball(const PublishVersion& version) {
    std::vector<TarEntry> entries;
    entries.push_back(dir_entry("package"));
    entries.push_back(file_entry("package/package.json", manifest_of(version).dump(2) + "\n"));
    if (version.files.count("index.js") == 0) {
        Json exported{{"name", version.name}, {"version", version.version}};
        entries.push_back(
            file_entry("package/index.js", "module.exports = " + exported.dump() + ";\n"));
    }
    for (const auto& [path, content] : version.files)
        entries.push_back(
            file_entry("package/" + path, content, content.rfind("#!", 0) == 0 ? 0755 : 0644));
    return make_tar(entries, Compression::gzip, TarFormat::ustar);
}

Verdaccio::Verdaccio(VerdaccioOptions options) : m_options(std::move(options)) {
    if (!have_verdaccio())
        throw std::runtime_error(verdaccio_missing_reason());
    std::string failure;
    for (int attempt = 0; attempt < 8; ++attempt) {
        std::uint16_t port = pick_free_port();
        if (start_on(port, failure)) {
            m_port = port;
            return;
        }
        if (failure.find("EADDRINUSE") == std::string::npos)
            break;
    }
    throw std::runtime_error("verdaccio did not start:\n" + failure);
}

bool Verdaccio::start_on(std::uint16_t port, std::string& failure) {
    {
        std::ofstream out(config_path());
        out << config_text(m_options, m_dir.path());
    }
    std::filesystem::create_directories(storage_path());
    std::filesystem::remove(log_path());
    std::string binary = verdaccio_binary().string();
    std::string config = config_path().string();
    std::string listen = "127.0.0.1:" + std::to_string(port);
    std::string log = log_path().string();
    pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::setpgid(0, 0); // its own process group: the destructor stops node and any child
        int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        int null = ::open("/dev/null", O_RDONLY);
        if (null >= 0)
            ::dup2(null, 0);
        ::execl(binary.c_str(), binary.c_str(), "--config", config.c_str(), "--listen",
                listen.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::setpgid(pid, pid);
    // verdaccio logs "http address - http://127.0.0.1:PORT/" once it has bound its socket.
    std::string ready = "http://" + listen + "/";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            failure = read_text(log_path());
            return false;
        }
        if (read_text(log_path()).find(ready) != std::string::npos && accepts_connections(port)) {
            m_pid = pid;
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    failure = "verdaccio did not listen within 90 s\n" + read_text(log_path());
    return false;
}

void Verdaccio::stop() {
    if (m_pid <= 0)
        return;
    ::kill(-m_pid, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
        if (::waitpid(m_pid, nullptr, WNOHANG) == m_pid) {
            ::kill(-m_pid, SIGKILL); // anything it left in its group
            m_pid = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(-m_pid, SIGKILL);
    ::waitpid(m_pid, nullptr, 0);
    m_pid = -1;
}

Verdaccio::~Verdaccio() {
    stop();
}

std::string Verdaccio::registry_url() const {
    return "http://127.0.0.1:" + std::to_string(m_port) + "/";
}

std::string Verdaccio::url(std::string_view path) const {
    std::string out = registry_url();
    if (!path.empty() && path.front() == '/')
        path.remove_prefix(1);
    return out + std::string(path);
}

std::string Verdaccio::packument_path(std::string_view name) {
    std::string out = "/";
    for (char c : name) {
        if (c == '/')
            out += "%2f";
        else
            out += c;
    }
    return out;
}

HttpResponse Verdaccio::request(const std::string& method, std::string_view path,
                                const std::string& body,
                                const std::vector<std::string>& headers) const {
    HttpResponse response;
    CURL* curl = curl_easy_init();
    if (!curl)
        throw std::runtime_error("curl_easy_init failed");
    std::string target = url(path);
    curl_slist* list = nullptr;
    for (const auto& h : headers)
        list = curl_slist_append(list, h.c_str());
    curl_easy_setopt(curl, CURLOPT_URL, target.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
    if (method != "GET" && method != "HEAD") {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
        char* type = nullptr;
        curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
        if (type)
            response.content_type = type;
    } else {
        response.error = curl_easy_strerror(rc);
    }
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    return response;
}

HttpResponse Verdaccio::get(std::string_view path, const std::string& token,
                            const std::string& accept) const {
    std::vector<std::string> headers;
    if (!token.empty())
        headers.push_back("Authorization: Bearer " + token);
    if (!accept.empty())
        headers.push_back("Accept: " + accept);
    return request("GET", path, {}, headers);
}

std::string Verdaccio::add_user(const std::string& name, const std::string& password) {
    Json body{{"_id", "org.couchdb.user:" + name},
              {"name", name},
              {"password", password},
              {"type", "user"},
              {"roles", Json::array()},
              {"date", "2024-01-01T00:00:00.000Z"}};
    HttpResponse r = request("PUT", "/-/user/org.couchdb.user:" + name, body.dump(),
                             {"Content-Type: application/json", "Accept: application/json"});
    Json answer = Json::parse(r.body, nullptr, false);
    if ((r.status != 200 && r.status != 201) || !answer.is_object() || !answer.contains("token") ||
        !answer["token"].is_string())
        throw std::runtime_error("verdaccio refused user " + name + ": HTTP " +
                                 std::to_string(r.status) + " " + r.error + r.body);
    return answer["token"].get<std::string>();
}

HttpResponse Verdaccio::try_publish(const PublishVersion& version, const std::string& token,
                                    Published* sent) {
    Published p;
    p.name = version.name;
    p.version = version.version;
    p.tarball = npm_package_tarball(version);
    p.integrity = digest_bytes(DigestAlgorithm::sha512, p.tarball).sri();
    p.shasum = digest_bytes(DigestAlgorithm::sha1, p.tarball).hex();
    std::string file = basename_of(version.name) + "-" + version.version + ".tgz";
    p.tarball_url = registry_url() + version.name + "/-/" + file;

    Json entry = manifest_of(version);
    entry["_id"] = version.name + "@" + version.version;
    entry["dist"] =
        Json{{"integrity", p.integrity}, {"shasum", p.shasum}, {"tarball", p.tarball_url}};
    Json document = Json::object();
    document["_id"] = version.name;
    document["name"] = version.name;
    document["description"] = entry["description"];
    document["dist-tags"] = Json{{version.tag, version.version}};
    document["versions"] = Json{{version.version, entry}};
    document["access"] = nullptr;
    document["_attachments"] = Json{{version.name + "-" + version.version + ".tgz",
                                     Json{{"content_type", "application/octet-stream"},
                                          {"data", encoding::base64_encode(p.tarball)},
                                          {"length", p.tarball.size()}}}};
    std::vector<std::string> headers{"Content-Type: application/json", "Accept: application/json",
                                     "npm-command: publish"};
    if (!token.empty())
        headers.push_back("Authorization: Bearer " + token);
    HttpResponse r = request("PUT", packument_path(version.name), document.dump(), headers);
    if (sent)
        *sent = std::move(p);
    return r;
}

Published Verdaccio::publish(const PublishVersion& version, const std::string& token) {
    Published p;
    HttpResponse r = try_publish(version, token, &p);
    if (r.status != 200 && r.status != 201)
        throw std::runtime_error("verdaccio refused to publish " + version.name + "@" +
                                 version.version + ": HTTP " + std::to_string(r.status) + " " +
                                 r.error + r.body);
    return p;
}

} // namespace cairn::test
