# cairn: `make demo` and `make test` do all the set-up themselves (README.md).
BUILD      ?= build
FUZZ_BUILD ?= build-fuzz
FUZZ_TIME  ?= 60
CMAKE_ARGS ?=
CTEST_ARGS ?= --parallel 2

.PHONY: all setup configure build test unit fuzz demo bench format clean

all: build

setup:
	@scripts/setup

configure: setup
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_ARGS)

build: configure
	cmake --build $(BUILD)

# Every test: unit, integration and live (live tests skip when the registry is unreachable),
# then the fuzz targets for FUZZ_TIME seconds each.
test: build
	ctest --test-dir $(BUILD) --output-on-failure --no-tests=error $(CTEST_ARGS)
	$(MAKE) --no-print-directory fuzz

unit: build
	ctest --test-dir $(BUILD) --output-on-failure -L unit $(CTEST_ARGS)

fuzz: setup
	CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCAIRN_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(FUZZ_BUILD)
	scripts/run-fuzzers $(FUZZ_BUILD) $(FUZZ_TIME)

demo: build
	@examples/demo.sh $(BUILD)/cairn

bench: build
	bench/run $(BUILD)

format:
	find src include tests bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD)
