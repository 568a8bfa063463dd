// Writes one benchmark universe as a libsolv testcase and prints cairn's answer:
//   resolve_universe FAMILY OUT_DIR
// creates OUT_DIR/FAMILY.t (the problem), OUT_DIR/FAMILY-parse.t (the same universe
// with no job, to measure testsolv's parsing alone) and OUT_DIR/FAMILY.cairn (one
// "name version" line per selected package, or "unsatisfiable").

#include "universe.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

namespace {

cairn::bench::Universe make(const std::string& family) {
    using namespace cairn::bench;
    if (family == "random")
        return random_universe(20240601, 2000, 50);
    if (family == "chain")
        return chain_universe(500, 50, false);
    if (family == "chain-forced")
        return chain_universe(500, 50, true);
    if (family == "backtrack")
        return backtracking_universe(40);
    throw std::runtime_error("unknown family " + family);
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: resolve_universe FAMILY OUT_DIR\n";
        return 2;
    }
    const std::string family = argv[1];
    const std::string dir = argv[2];
    const auto universe = make(family);
    std::ofstream(dir + "/" + family + ".t") << cairn::bench::to_testsolv(universe, true);
    std::ofstream(dir + "/" + family + "-parse.t") << cairn::bench::to_testsolv(universe, false);

    cairn::bench::UniverseProvider provider(universe);
    const auto problem = cairn::bench::universe_problem(universe);
    const auto start = std::chrono::steady_clock::now();
    const auto resolution = cairn::resolve::resolve(problem, provider);
    const auto elapsed =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::ofstream answer(dir + "/" + family + ".cairn");
    if (!resolution.solved())
        answer << "unsatisfiable\n";
    for (const auto& [name, version] : cairn::bench::solution_map(resolution))
        answer << name << " " << version << "\n";
    std::cout << family << " packages=" << cairn::bench::solution_map(resolution).size()
              << " decisions=" << resolution.stats.decisions
              << " conflicts=" << resolution.stats.conflicts
              << " unique=" << (universe.unique_solution ? "yes" : "no") << " ms=" << elapsed
              << "\n";
    return 0;
}
