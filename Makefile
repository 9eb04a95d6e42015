# SPDX-License-Identifier: MIT
# Thin wrapper over CMake; see README.md. `make run` and `make test` work on a
# fresh Debian 12 machine: they install what is missing first.
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
BUILD   ?= build
ASAN    ?= build-asan
DB      ?= demo.db
LISTEN  ?= 127.0.0.1:8080

.PHONY: all build deps run test check asan bench clean

all: build

deps:
	@tools/deps.sh

$(BUILD)/CMakeCache.txt:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: deps $(BUILD)/CMakeCache.txt
	@cmake --build $(BUILD) -j $(JOBS)

$(ASAN)/CMakeCache.txt:
	@cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DMUSTER_SANITIZE=address,undefined >/dev/null

asan: deps $(ASAN)/CMakeCache.txt
	@cmake --build $(ASAN) -j $(JOBS)

# Every suite, twice: the normal build and the ASan+UBSan build. One private
# PostgreSQL cluster on loopback serves both runs and is stopped afterwards.
# Then the browser end-to-end tests, once, against the normal build (headless
# Chromium; screenshots in $(BUILD)/browser-screenshots/).
test: build asan
	@tests/with-pg.sh sh -c '\
	  echo "== tests: normal build" && \
	  ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) && \
	  echo "== tests: address,undefined sanitizer build" && \
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN) --output-on-failure -j $(JOBS)'
	@echo "== tests: browser, headless Chromium"
	@tests/browser/run.sh $(BUILD)

check: test

run: build
	@tools/demo.sh $(BUILD)/muster $(DB)

bench: deps $(BUILD)/CMakeCache.txt
	@tools/deps.sh --bench
	@cmake --build $(BUILD) -j $(JOBS)
	@bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN)
