# Entry points. `make demo` and `make test` each install missing Debian
# packages, configure and build before doing their job.
BUILD_DIR      ?= build
ASAN_BUILD_DIR ?= build-asan
WAREHOUSE      ?= ./warehouse
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_SECONDS   ?= 60
JOBS           ?= $(shell nproc)
PHASE4         := $(BUILD_DIR)/phase4
CMAKE_FLAGS    ?=

.PHONY: all deps build build-asan demo demo-postgres test test-asan bench fuzz format clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja: | deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

$(ASAN_BUILD_DIR)/build.ninja: | deps
	cmake -S . -B $(ASAN_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPHASE4_SANITIZE=ON -DPHASE4_BUILD_BENCH=OFF

build-asan: deps $(ASAN_BUILD_DIR)/build.ninja
	cmake --build $(ASAN_BUILD_DIR) -j $(JOBS) --target phase4 phase4_tests phase4_sixth_processor_tests

# The main job: a four-season league on the built-in real calendar, then the
# Phase 3 readiness report over the full default range.
demo: build
	@bash scripts/demo.sh $(PHASE4) $(WAREHOUSE)

# The same demo on a throwaway local PostgreSQL 15 server (started here,
# removed at the end; doc/postgres.md). Log and checkpoints: ./warehouse-postgres.
demo-postgres: build
	@bash scripts/demo-postgres.sh $(PHASE4) ./warehouse-postgres

# Every test under ASan + UBSan (sharded), then every test of the release
# build under CTest, then a check that no test left its temp directory.
test: build build-asan
	@touch $(BUILD_DIR)/.tests-started
	bash scripts/run-sanitized-tests.sh $(ASAN_BUILD_DIR) $(JOBS)
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)
	bash scripts/check-test-temp-dirs.sh $(BUILD_DIR)/.tests-started

# Every performance figure (doc/benchmarks.md); BENCH_QUICK=1 for a short run.
bench: build
	@bash bench/run_benchmarks.sh $(BUILD_DIR)

# libFuzzer targets (clang, ASan + UBSan), each run FUZZ_SECONDS in turn;
# corpora and crash inputs go to fuzz/corpus/ (git-ignored). doc/fuzzing.md.
fuzz: deps
	cmake -S . -B $(FUZZ_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_COMPILER=clang++ -DPHASE4_FUZZ=ON -DPHASE4_BUILD_BENCH=OFF
	cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS) --target fuzz_targets
	bash scripts/run-fuzzers.sh $(FUZZ_BUILD_DIR) $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf $(BUILD_DIR) $(ASAN_BUILD_DIR) $(FUZZ_BUILD_DIR)
