// Verifying signed cairn-index documents: natively (trust::verify_document) against
// `ssh-keygen -Y verify`, on the same documents.
//   cairn_index_bench verify WORKDIR COUNT SAMPLE
// Generates an ed25519 key and COUNT canonical payloads in WORKDIR, signs them with
// ssh-keygen (one process per 500 files), verifies all COUNT natively and the first SAMPLE
// with one `ssh-keygen -Y verify` process each, and prints both rates and their ratio.
#include "cairn/core/error.hpp"
#include "cairn/trust/signed_document.hpp"
#include "cairn/trust/ssh_key.hpp"
#include "cairn/trust/sshsig.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace cairn;

namespace {

int run(std::vector<std::string> args, const std::string& stdin_file = {}) {
    pid_t pid = fork();
    if (pid == 0) {
        if (!stdin_file.empty()) {
            int fd = open(stdin_file.c_str(), O_RDONLY);
            dup2(fd, 0);
        }
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        execvp(argv[0], argv.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 5 || std::string(argv[1]) != "verify") {
        std::fputs("usage: cairn_index_bench verify WORKDIR COUNT SAMPLE\n", stderr);
        return 2;
    }
    try {
        fs::path dir = argv[2];
        int count = std::stoi(argv[3]);
        int sample = std::stoi(argv[4]);
        fs::remove_all(dir);
        fs::create_directories(dir / "docs");
        auto key = dir / "key";
        if (run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.string()}) != 0)
            throw Error(Code::io, "ssh-keygen failed");
        auto pub = trust::PublicKey::read_file(key.string() + ".pub");
        std::vector<fs::path> files;
        for (int i = 0; i < count; ++i) {
            auto f = dir / "docs" / (std::to_string(i) + ".json");
            std::ofstream(f, std::ios::binary)
                << "{\"kind\":\"version-index\",\"name\":\"bench/p" << i << "\",\"owner\":\""
                << pub.fingerprint().text()
                << "\",\"prev\":null,\"releases\":[{\"dependencies\":{},\"digest\":\"sha256:"
                << std::string(64, 'a') << "\",\"size\":" << i
                << ",\"state\":\"active\",\"version\":\"1.0.0\"}],\"seq\":1}";
            files.push_back(f);
        }
        auto sign_start = std::chrono::steady_clock::now();
        for (int i = 0; i < count; i += 500) {
            std::vector<std::string> args = {"ssh-keygen", "-q",         "-Y", "sign",
                                             "-f",         key.string(), "-n", "cairn-index"};
            for (int j = i; j < std::min(count, i + 500); ++j)
                args.push_back(files[j].string());
            if (run(args) != 0)
                throw Error(Code::io, "ssh-keygen -Y sign failed");
        }
        double sign_seconds = seconds_since(sign_start);
        std::vector<std::string> envelopes;
        for (const auto& f : files) {
            auto sig = trust::SshSignature::parse_armored(slurp(f.string() + ".sig"));
            auto payload = slurp(f);
            std::string escaped;
            for (char c : payload)
                escaped += c == '"' ? std::string("\\\"") : std::string(1, c);
            envelopes.push_back("{\"format\":\"cairn-index/1\",\"payload\":\"" + escaped +
                                "\",\"signatures\":[{\"keyid\":\"" + pub.fingerprint().text() +
                                "\",\"sig\":\"" + sig.base64() + "\"}]}");
        }
        std::vector<trust::PublicKey> keys = {pub};
        auto native_start = std::chrono::steady_clock::now();
        for (const auto& e : envelopes)
            trust::verify_document(e, keys);
        double native_seconds = seconds_since(native_start);

        auto allowed = dir / "allowed_signers";
        std::ofstream(allowed) << "bench " << pub.openssh() << "\n";
        auto keygen_start = std::chrono::steady_clock::now();
        for (int i = 0; i < sample; ++i)
            if (run({"ssh-keygen", "-Y", "verify", "-f", allowed.string(), "-I", "bench", "-n",
                     "cairn-index", "-s", files[i].string() + ".sig"},
                    files[i].string()) != 0)
                throw Error(Code::integrity, "ssh-keygen -Y verify refused " + files[i].string());
        double keygen_seconds = seconds_since(keygen_start);
        double native_rate = count / native_seconds;
        double keygen_rate = sample / keygen_seconds;
        std::printf("signed %d documents with ssh-keygen in %.2f s (%.0f/s, 500 files per "
                    "process)\n",
                    count, sign_seconds, count / sign_seconds);
        std::printf("native verify: %d documents in %.3f s = %.0f documents/s\n", count,
                    native_seconds, native_rate);
        std::printf("ssh-keygen -Y verify: %d documents in %.2f s = %.0f documents/s\n", sample,
                    keygen_seconds, keygen_rate);
        std::printf("ratio native / ssh-keygen: %.0fx\n", native_rate / keygen_rate);
        fs::remove_all(dir);
        return 0;
    } catch (const Error& e) {
        std::fputs(format_plain(e).c_str(), stderr);
        return 1;
    }
}
