// The store's benchmark driver (bench/store/run compares it with sha*sum and tar):
//   store_bench hash sha256|sha512 FILE      prints the hex digest (streaming Hasher)
//   store_bench unpack STORE TARBALL...      stores every tarball, then unpacks them all
//                                            (npm layout) and prints the unpack seconds
#include "cairn/core/digest.hpp"
#include "cairn/core/error.hpp"
#include "cairn/store/store.hpp"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    using namespace cairn;
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.size() == 3 && args[0] == "hash") {
            auto algorithm = parse_algorithm_name(args[1]);
            if (!algorithm)
                return 2;
            std::printf("%s\n", digest_file(*algorithm, args[2]).hex().c_str());
            return 0;
        }
        if (args.size() >= 3 && args[0] == "unpack") {
            store::Store store(args[1]);
            std::vector<Digest> digests;
            for (std::size_t i = 2; i < args.size(); ++i) {
                Digest digest = digest_file(DigestAlgorithm::sha512, args[i]);
                store.add_blob_file(digest, args[i]);
                digests.push_back(digest);
            }
            store::UnpackOptions options;
            options.strip = store::StripComponents::first;
            auto start = std::chrono::steady_clock::now();
            for (const auto& digest : digests)
                store.unpack(digest, options);
            std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
            std::printf("%.4f\n", elapsed.count());
            return 0;
        }
    } catch (const Error& e) {
        std::fputs(format_plain(e).c_str(), stderr);
        return 1;
    }
    std::fputs("usage: store_bench hash ALGO FILE | unpack STORE TARBALL...\n", stderr);
    return 2;
}
