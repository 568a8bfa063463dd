// npm range parsing and matching throughput over a generated, seeded corpus shaped like
// the dependency ranges of real npm projects. `bench_version --write-corpus=FILE` writes
// the same corpus as JSON for the node-semver side (node_semver_bench.js, run by `run`).
#include "cairn/version/npm_range.hpp"

#include <benchmark/benchmark.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace {

using cairn::version::NpmRange;
using cairn::version::Version;
namespace npm = cairn::version::npm;

struct Corpus {
    std::vector<std::string> ranges;
    std::vector<std::string> versions;
    std::vector<std::pair<std::size_t, std::size_t>> pairs; // (version, range)
};

Corpus make_corpus() {
    std::mt19937_64 rng(20261122);
    auto below = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    auto triple = [&] {
        // Mostly small numbers, as in real registries; majors up to 20.
        return std::to_string(below(4) == 0 ? below(21) : below(5)) + "." +
               std::to_string(below(15)) + "." + std::to_string(below(30));
    };
    Corpus c;
    for (int i = 0; i < 2000; ++i) {
        int kind = below(100);
        std::string r;
        if (kind < 55)
            r = "^" + triple();
        else if (kind < 65)
            r = "~" + triple();
        else if (kind < 73)
            r = triple();
        else if (kind < 78)
            r = ">=" + triple() + " <" + std::to_string(below(20) + 1) + ".0.0";
        else if (kind < 83)
            r = "^" + triple() + " || ^" + triple();
        else if (kind < 87)
            r = std::to_string(below(10)) + ".x";
        else if (kind < 89)
            r = "*";
        else if (kind < 92)
            r = triple() + " - " + triple();
        else if (kind < 96)
            r = ">=" + triple();
        else
            r = "^" + triple() + "-" + (below(2) ? "beta." : "rc.") + std::to_string(below(5));
        c.ranges.push_back(r);
    }
    for (int i = 0; i < 2000; ++i) {
        std::string v = triple();
        if (below(100) < 5)
            v += std::string("-") + (below(2) ? "beta." : "rc.") + std::to_string(below(5));
        c.versions.push_back(v);
    }
    for (int i = 0; i < 20000; ++i)
        c.pairs.emplace_back(rng() % c.versions.size(), rng() % c.ranges.size());
    return c;
}

const Corpus& corpus() {
    static const Corpus c = make_corpus();
    return c;
}

void BM_ParseRange(benchmark::State& state) {
    const auto& ranges = corpus().ranges;
    for (auto _ : state)
        for (const auto& r : ranges)
            benchmark::DoNotOptimize(NpmRange::parse(r));
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(ranges.size()));
}
BENCHMARK(BM_ParseRange);

void BM_ParseVersion(benchmark::State& state) {
    const auto& versions = corpus().versions;
    for (auto _ : state)
        for (const auto& v : versions)
            benchmark::DoNotOptimize(Version::parse(v));
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(versions.size()));
}
BENCHMARK(BM_ParseVersion);

// satisfies(version text, range text): both parsed on every call.
void BM_SatisfiesText(benchmark::State& state) {
    const auto& c = corpus();
    for (auto _ : state)
        for (const auto& [v, r] : c.pairs)
            benchmark::DoNotOptimize(npm::satisfies(c.versions[v], c.ranges[r]));
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(c.pairs.size()));
}
BENCHMARK(BM_SatisfiesText);

// Range::test on parsed ranges and versions (what a tree builder does in its loop).
void BM_SatisfiesParsed(benchmark::State& state) {
    const auto& c = corpus();
    std::vector<NpmRange> ranges;
    for (const auto& r : c.ranges)
        ranges.push_back(NpmRange::parse_or_throw(r));
    std::vector<Version> versions;
    for (const auto& v : c.versions)
        versions.push_back(Version::parse_or_throw(v));
    for (auto _ : state)
        for (const auto& [v, r] : c.pairs)
            benchmark::DoNotOptimize(ranges[r].satisfies(versions[v]));
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(c.pairs.size()));
}
BENCHMARK(BM_SatisfiesParsed);

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char ch : s) {
        if (ch == '"' || ch == '\\')
            out += '\\';
        out += ch;
    }
    return out + "\"";
}

void write_corpus(const char* path) {
    const auto& c = corpus();
    std::ofstream out(path);
    auto list = [&](const std::vector<std::string>& items) {
        out << "[";
        for (std::size_t i = 0; i < items.size(); ++i)
            out << (i ? "," : "") << json_string(items[i]);
        out << "]";
    };
    out << "{\"ranges\":";
    list(c.ranges);
    out << ",\"versions\":";
    list(c.versions);
    out << ",\"pairs\":[";
    for (std::size_t i = 0; i < c.pairs.size(); ++i)
        out << (i ? "," : "") << "[" << c.pairs[i].first << "," << c.pairs[i].second << "]";
    out << "]}\n";
}

} // namespace

int main(int argc, char** argv) {
    const char* k_flag = "--write-corpus=";
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], k_flag, std::strlen(k_flag)) == 0) {
            write_corpus(argv[i] + std::strlen(k_flag));
            return 0;
        }
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
