// Reading npm packuments: a generated, seeded full document shaped like a popular
// package's (hundreds of versions, each manifest with the fields npm publishes: its
// description, scripts, devDependencies, maintainers, keywords, in older ones a readme of
// its own; a readme at the top), and the abbreviated form of the same releases. `bench_packument
// --write=DIR` writes both for the node side (`run`).
#include "cairn/protocol/npm/packument.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <random>
#include <string>

namespace {

using cairn::protocol::npm::PackumentParser;

std::string make_document(bool full, int versions) {
    std::mt19937_64 rng(20261124);
    auto below = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    std::string doc = R"({"_id":"bench-pkg","name":"bench-pkg","dist-tags":{"latest":"7.9.20"},)";
    if (full)
        doc += fmt::format(R"("readme":"{}",)", std::string(40000, 'r'));
    doc += R"("versions":{)";
    std::string times = R"("time":{"created":"2015-01-01T00:00:00.000Z")";
    for (int i = 0; i < versions; ++i) {
        std::string v = fmt::format("{}.{}.{}", i / 100, (i / 10) % 10, i % 10 + below(3));
        doc += fmt::format(R"({}"{}":{{"name":"bench-pkg","version":"{}",)", i ? "," : "", v, v);
        if (full)
            doc += fmt::format(
                R"("description":"{}","license":"MIT","main":"index.js",)"
                R"("scripts":{{"test":"jest","build":"tsc -p .","lint":"eslint ."}},)"
                R"("repository":{{"type":"git","url":"git+https://example.invalid/r.git"}},)"
                R"("devDependencies":{{"jest":"^29.{}.0","typescript":"^5.{}.0","eslint":"^8"}},)"
                R"("maintainers":[{{"name":"m{}","email":"m@example.invalid"}}],)"
                R"("_npmUser":{{"name":"m","email":"m@example.invalid"}},"gitHead":"{:040x}",)"
                R"("keywords":["bench","parse","json","npm","registry"],"homepage":)"
                R"("https://example.invalid/bench-pkg#readme","bugs":{{"url":)"
                R"("https://example.invalid/bench-pkg/issues"}},"files":["index.js","lib/",)"
                R"("dist/"],"directories":{{}},"_nodeVersion":"18.{}.0","_npmVersion":)"
                R"("9.{}.1","_hasShrinkwrap":false,"readme":"{}",)",
                std::string(60 + below(60), 'd'), below(8), below(5), below(9), rng(), below(20),
                below(9), std::string(below(3) == 0 ? 3000 : 0, 'r'));
        doc += R"("dependencies":{)";
        int deps = below(6);
        for (int d = 0; d < deps; ++d)
            doc += fmt::format(R"({}"dep-{}":"^{}.{}.0")", d ? "," : "", below(400), below(5),
                               below(20));
        doc += fmt::format(R"(}},"engines":{{"node":">=1{}"}},)", below(9));
        doc += fmt::format(
            R"("dist":{{"tarball":"https://registry.example/bench-pkg/-/bench-pkg-{}.tgz",)"
            R"("shasum":"{:040x}","integrity":"sha512-{}=="}}}})",
            v, rng(), std::string(86, 'A' + static_cast<char>(below(26))));
        times += fmt::format(R"(,"{}":"2016-0{}-1{}T00:00:00.000Z")", v, 1 + below(9), below(9));
    }
    doc += "}";
    if (full)
        doc += "," + times + "}";
    doc += "}";
    return doc;
}

void parse(benchmark::State& state, bool full) {
    const int versions = static_cast<int>(state.range(0));
    const std::string document = make_document(full, versions);
    PackumentParser parser;
    std::string text;
    for (auto _ : state) {
        text = document;
        auto packument = parser.parse(text, "bench-pkg", "bench");
        benchmark::DoNotOptimize(packument.releases.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * document.size()));
    state.counters["releases"] = versions;
}

void BM_ParseFullPackument(benchmark::State& state) {
    parse(state, true);
}
void BM_ParseAbbreviatedPackument(benchmark::State& state) {
    parse(state, false);
}
// A common package's release count, and a large document's (10-20 MB, as react's or
// @types/node's full packuments are): beyond the caches, what is written per byte counts.
BENCHMARK(BM_ParseFullPackument)->Arg(300)->Arg(5000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ParseAbbreviatedPackument)->Arg(300)->Arg(5000)->Unit(benchmark::kMicrosecond);

} // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (std::strncmp(argv[i], "--write=", 8) == 0) {
            std::string dir = argv[i] + 8;
            for (int versions : {300, 5000}) {
                std::ofstream(fmt::format("{}/full-{}.json", dir, versions), std::ios::binary)
                    << make_document(true, versions);
                std::ofstream(fmt::format("{}/abbreviated-{}.json", dir, versions),
                              std::ios::binary)
                    << make_document(false, versions);
            }
            return 0;
        }
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
