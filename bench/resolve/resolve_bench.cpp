// Google Benchmark: cairn's PubGrub resolver on generated universes (see universe.hpp).
// The universe is generated once per family; each iteration solves from scratch.

#include "universe.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace cairn::bench;

void solve(benchmark::State& state, const Universe& universe) {
    const auto problem = universe_problem(universe);
    std::size_t packages = 0;
    std::size_t conflicts = 0;
    for (auto _ : state) {
        UniverseProvider provider(universe);
        const auto resolution = cairn::resolve::resolve(problem, provider);
        packages = solution_map(resolution).size();
        conflicts = resolution.stats.conflicts;
        benchmark::DoNotOptimize(packages);
    }
    state.counters["packages"] = static_cast<double>(packages);
    state.counters["conflicts"] = static_cast<double>(conflicts);
}

void random_2000x50(benchmark::State& state) {
    static const auto universe = random_universe(20240601, 2000, 50);
    solve(state, universe);
}
void chain_500(benchmark::State& state) {
    static const auto universe = chain_universe(500, 50, false);
    solve(state, universe);
}
void chain_500_forced(benchmark::State& state) {
    static const auto universe = chain_universe(500, 50, true);
    solve(state, universe);
}
void backtrack_40(benchmark::State& state) {
    static const auto universe = backtracking_universe(40);
    solve(state, universe);
}

} // namespace

BENCHMARK(random_2000x50)->Unit(benchmark::kMillisecond);
BENCHMARK(chain_500)->Unit(benchmark::kMillisecond);
BENCHMARK(chain_500_forced)->Unit(benchmark::kMillisecond);
BENCHMARK(backtrack_40)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
