// Downloads 1,000 small files from a loopback nginx with cairn's client and with
// `curl --parallel --parallel-max 64` on the same URL list, in one run, alternating rounds.
// Prints one line per tool (median wall time of the rounds) and the ratio cairn / curl.
//
// usage: bench_net [ROUNDS]
#include "support/nginx/nginx.hpp"
#include "support/temp_dir.hpp"

#include "cairn/net/client.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
constexpr int k_files = 1000;
constexpr int k_parallel = 64;

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

double run_cairn(const std::vector<std::string>& urls, std::uint64_t expected_bytes) {
    auto start = Clock::now();
    cairn::net::Client client(
        cairn::net::ClientOptions{.max_connections = k_parallel, .max_per_host = k_parallel});
    std::vector<std::future<cairn::net::Response>> futures;
    futures.reserve(urls.size());
    std::uint64_t bytes = 0;
    for (const auto& url : urls) {
        cairn::net::Request request{.url = cairn::net::Url::parse(url)};
        request.on_body = [&bytes](std::span<const std::byte> data) { bytes += data.size(); };
        futures.push_back(client.submit(std::move(request)));
    }
    for (auto& future : futures)
        future.get();
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (bytes != expected_bytes) {
        std::fprintf(stderr, "cairn received %llu bytes, expected %llu\n",
                     static_cast<unsigned long long>(bytes),
                     static_cast<unsigned long long>(expected_bytes));
        std::exit(1);
    }
    return ms;
}

double run_curl(const std::filesystem::path& config) {
    std::string command =
        "curl --silent --show-error --no-progress-meter --fail --parallel --parallel-max " +
        std::to_string(k_parallel) + " --config '" + config.string() + "' 2>" +
        (config.parent_path() / "curl.err").string();
    auto start = Clock::now();
    int status = std::system(command.c_str());
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (status != 0) {
        std::fprintf(stderr, "curl failed: %s\n", command.c_str());
        std::exit(1);
    }
    return ms;
}

} // namespace

int main(int argc, char** argv) {
    int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
    if (!cairn::test::have_nginx()) {
        std::fprintf(stderr, "bench_net: nginx is not installed (Debian package nginx-light)\n");
        return 2;
    }
    cairn::test::TempDir dir;
    std::filesystem::create_directories(dir / "www");
    std::mt19937 random(7);
    std::uint64_t total = 0;
    for (int i = 0; i < k_files; ++i) {
        std::size_t size = 1024 + random() % (15 * 1024); // 1-16 KiB, like small tarballs
        std::string bytes(size, '\0');
        for (auto& byte : bytes)
            byte = static_cast<char>(random());
        std::ofstream(dir / "www" / (std::to_string(i) + ".tgz"), std::ios::binary) << bytes;
        total += size;
    }
    cairn::test::Nginx nginx({.root = dir / "www"});
    std::vector<std::string> urls;
    std::ofstream config(dir / "curl.config");
    for (int i = 0; i < k_files; ++i) {
        urls.push_back(nginx.url("/" + std::to_string(i) + ".tgz"));
        config << "url = \"" << urls.back() << "\"\noutput = \"/dev/null\"\n";
    }
    config.close();

    // One warm-up of each (page cache, nginx worker), then alternating rounds.
    run_cairn(urls, total);
    run_curl(dir / "curl.config");
    std::vector<double> cairn_ms, curl_ms;
    for (int round = 0; round < rounds; ++round) {
        cairn_ms.push_back(run_cairn(urls, total));
        curl_ms.push_back(run_curl(dir / "curl.config"));
    }
    double ours = median(cairn_ms);
    double theirs = median(curl_ms);
    std::printf("files=%d bytes=%llu parallel=%d rounds=%d\n", k_files,
                static_cast<unsigned long long>(total), k_parallel, rounds);
    std::printf("cairn_ms=%.1f\ncurl_ms=%.1f\nratio=%.2f\n", ours, theirs, ours / theirs);
    return 0;
}
