# openifc: a thin front end over CMake/CTest, Verilator and Yosys.
# `make help` lists the targets. `make run` and `make test` install what is missing first.

BUILD      ?= build
GENERATOR  ?= Ninja
JOBS       ?= $(shell nproc)
CORE       ?= configs/core/default.json
SANITIZE   ?= OFF
TEST       ?=
PAGES      ?= 64
ROWS       ?= 1024
COLS       ?= 4096

# Debian packages the project needs (CONVENTIONS.md "Tools and how they install").
DEB_PKGS := cmake ninja-build g++ make python3 verilator yosys gtkwave z3 xvfb \
            libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev nlohmann-json3-dev libfmt-dev zlib1g-dev opensta python3-matplotlib \
            imagemagick valgrind

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CMAKE_FLAGS := -G $(GENERATOR) -DIFC_CORE_CONFIG=$(abspath $(CORE)) -DIFC_SANITIZE=$(SANITIZE)

.PHONY: help deps build run run-read test test-slow sim lint wave wave-png wave-filters bench synth synth-sweep netlist netlist-blocks clean \
        calibrate calibrate-kv sim-cost reproduce report report-check docs-blocks reliability test-seg512 test-macs2 test-variant

help: ## List the targets
	@echo "openifc: in-flash computing for LLM inference (after NVLLM and KVNAND)"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  make %-13s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: BUILD=$(BUILD) CORE=$(CORE) SANITIZE=$(SANITIZE) TEST=<gtest filter> PAGES=$(PAGES)"

deps: ## Install missing Debian packages (idempotent; quick when all are there)
	@missing=$$(for p in $(DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: all $(words $(DEB_PKGS)) packages present"; fi

$(BUILD)/build.ninja $(BUILD)/Makefile:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja ## Configure and build everything (RTL models, libraries, ifc CLI, tests)
	cmake --build $(BUILD) -j $(JOBS)

run: build ## Main demonstration: an in-flash GEMV at RBER 1e-4, out-of-order vs the in-order baseline
	$(BUILD)/ifc gemv --random --rows $(ROWS) --cols $(COLS) --dtype int8 --rber 1e-4 --json $(BUILD)/run/gemv_ooo.json
	$(BUILD)/ifc gemv --random --rows $(ROWS) --cols $(COLS) --dtype int8 --rber 1e-4 --in-order --json $(BUILD)/run/gemv_inorder.json
	@echo
	@echo "Waveform of a smaller run (a dirty segment corrected while clean ones overtake it; docs/first_hour.md):"
	@echo "  make wave-png      # renders it headlessly to $(BUILD)/waves/gemv_overtake.png"
	@echo "  gtkwave $(BUILD)/waves/gemv_overtake.core.vcd sim/waves/core.gtkw   # then, on a desktop"

run-read: build ## The foundation demo: a multi-plane sequential read through the RTL page buffers
	$(BUILD)/ifc read --pages $(PAGES)

test: build ## Build and run the test suite (ctest; everything but the label slow)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE slow

test-slow: build ## The slow tests only (long formal proofs; ctest label slow)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L slow

sim: build ## Cycle-exact RTL tests only (ctest labels unit and system)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L 'unit|system'

lint: deps ## verilator --lint-only -Wall on every module as top
	scripts/lint.sh

WAVE_FILTER_SRC := --files-f rtl/files.f

wave-filters: ## Regenerate the GTKWave state-name filters (sim/waves/filters/) from the RTL enums
	python3 scripts/wave_filters.py --out sim/waves/filters $(WAVE_FILTER_SRC)

wave: build ## Re-run one test with FST tracing and open it: make wave TEST=<Suite.Test>
	@test -n "$(TEST)" || { echo "usage: make wave TEST=<Suite.Test> (ctest --test-dir $(BUILD) -N lists the names)"; exit 2; }
	python3 scripts/wave_filters.py --out sim/waves/filters $(WAVE_FILTER_SRC)
	scripts/wave.sh $(BUILD) "$(TEST)"

WAVE_PNG ?= $(BUILD)/waves/gemv_overtake.png

wave-png: deps $(BUILD)/build.ninja ## Headless GTKWave screenshot: a dirty segment in the corrector overtaken by clean ones (WAVE_PNG=<file>, default build/waves/gemv_overtake.png)
	cmake --build $(BUILD) -j $(JOBS) --target ifc
	python3 scripts/wave_filters.py --out sim/waves/filters $(WAVE_FILTER_SRC)
	scripts/wave_png.sh $(BUILD) $(WAVE_PNG)

bench: deps $(BUILD)/build.ninja ## Benchmarks: figures printed and saved as JSON under build/bench/
	@# What scripts/bench.sh runs (the tests are not needed: make test builds them).
	cmake --build $(BUILD) -j $(JOBS) --target ifc bench_ecc bench_ecc_corrector bench_gemv bench_kv
	@# The RBER 1e-3 operating point (t = 12, 4 corrector ports): its own elaboration of the core.
	[ -f $(BUILD)/rber1e-3/build.ninja ] || cmake -S . -B $(BUILD)/rber1e-3 -G $(GENERATOR) \
	  -DIFC_CORE_CONFIG=$(abspath configs/core/rber1e-3.json) -DIFC_SANITIZE=$(SANITIZE)
	cmake --build $(BUILD)/rber1e-3 -j $(JOBS) --target bench_gemv
	scripts/bench.sh $(BUILD)

UPDATE_BASELINE ?=
SWEEP_UTIL      ?= all

synth: deps ## Yosys + osu018 area of every block and config, budget table, area regression, timing (build/synth/)
	python3 scripts/synth.py --build $(BUILD) --sta $(if $(UPDATE_BASELINE),--update-baseline)

NETLIST_BLOCKS ?= ecc_checker;read_path;ecc_corrector
netlist-blocks: deps ## Unit tests of single blocks against their gate-level netlists (NETLIST_BLOCKS="ecc_checker;read_path;...")
	cmake -S . -B $(BUILD)/netlist-blocks $(CMAKE_FLAGS) -DIFC_NETLIST_BLOCKS=ON "-DIFC_NETLIST_BLOCK_TESTS=$(NETLIST_BLOCKS)"
	cmake --build $(BUILD)/netlist-blocks -j $(JOBS) --target netlist_blocks
	cd $(BUILD)/netlist-blocks && ctest --output-on-failure -j $(JOBS) -L netlist

netlist: deps ## Gate-level re-simulation: the synthesised ifc_core runs the system tests (ctest -L netlist)
	python3 scripts/synth.py --build $(BUILD) --netlist-only --config $(abspath $(CORE))
	cmake -S . -B $(BUILD)/netlist $(CMAKE_FLAGS) -DIFC_NETLIST=ON -DIFC_NETLIST_DIR=$(abspath $(BUILD))/synth/netlist
	cmake --build $(BUILD)/netlist -j $(JOBS) --target test_core_netlist netlist_blocks
	cd $(BUILD)/netlist && ctest --output-on-failure -j $(JOBS) -L netlist

VARIANT ?= macs2
test-variant: deps ## The system tests on a core elaborated with configs/core/variants/$(VARIANT).json (own build dir $(BUILD)/$(VARIANT))
	[ -f $(BUILD)/$(VARIANT)/build.ninja ] || cmake -S . -B $(BUILD)/$(VARIANT) -G $(GENERATOR) \
	  -DIFC_CORE_CONFIG=$(abspath configs/core/variants/$(VARIANT).json) -DIFC_SANITIZE=$(SANITIZE)
	cmake --build $(BUILD)/$(VARIANT) -j $(JOBS) --target test_core test_kv test_attention test_reliability
	cd $(BUILD)/$(VARIANT) && ctest --output-on-failure -j $(JOBS) -L system

test-seg512: ## The system tests on a core with 512 B segments (make test-variant VARIANT=seg512)
	$(MAKE) test-variant VARIANT=seg512

test-macs2: ## The system tests on a core with 2 MACs per lane (make test-variant VARIANT=macs2)
	$(MAKE) test-variant VARIANT=macs2

synth-sweep: deps ## Area vs NAND utilization at RBER 1e-4 over lanes, MACs, segment, ECC t, correctors (SWEEP_UTIL=none: area only)
	python3 scripts/synth_sweep.py --build $(BUILD) --util $(SWEEP_UTIL)

# Instructions per simulated cycle, by block, under callgrind: repeatable to the instruction, where
# wall-clock speed moves 10-20% between runs on a shared machine (docs/core.md, "Simulation speed").
SIM_COST_ROWS ?= 32
SIM_COST_NAME  = $(notdir $(basename $(CORE)))
SIM_COST_DIR   = $(BUILD)/sim-cost-$(SIM_COST_NAME)
sim-cost: deps ## Simulation cost in instructions per simulated cycle by block (callgrind, ~1 min; CORE=<config>)
	[ -f $(SIM_COST_DIR)/build.ninja ] || cmake -S . -B $(SIM_COST_DIR) -G $(GENERATOR) \
	  -DIFC_CORE_CONFIG=$(abspath $(CORE)) -DIFC_BENCH_MARCH=x86-64-v3
	cmake --build $(SIM_COST_DIR) -j $(JOBS) --target bench_gemv
	mkdir -p $(BUILD)/bench
	python3 scripts/sim_cost.py --bench $(SIM_COST_DIR)/tb/bench/bench_gemv --rows $(SIM_COST_ROWS) \
	  --out $(BUILD)/bench/sim_cost_$(SIM_COST_NAME).json

calibrate: deps $(BUILD)/build.ninja ## System-simulator calibration from cycle-exact RTL GEMV runs (~10 min; updates configs/calibration/default.json)
	cmake --build $(BUILD) -j $(JOBS) --target ifc
	/usr/bin/python3 scripts/calibrate.py --ifc $(BUILD)/ifc --out $(BUILD)/calibration.json --copy configs/calibration/default.json

calibrate-kv: deps $(BUILD)/build.ninja ## KVNAND attention calibration from the RTL (bench_kv head-group figures, ~2 min; updates configs/calibration/kv.json)
	cmake --build $(BUILD) -j $(JOBS) --target bench_kv ifc_llm_cli
	mkdir -p $(BUILD)/bench
	$(BUILD)/tb/bench/bench_kv $(BUILD)/bench/kv.json
	/usr/bin/python3 scripts/calibrate_kv.py --bench $(BUILD)/bench/kv.json --out configs/calibration/kv.json --ifc $(BUILD)/ifc-llm

reproduce: deps $(BUILD)/build.ninja ## NVLLM's and KVNAND's headline results beside ours: build/reproduce/ (Markdown, CSV, PNG)
	cmake --build $(BUILD) -j $(JOBS) --target ifc_llm_cli
	/usr/bin/python3 scripts/reproduce.py --ifc $(BUILD)/ifc-llm --out $(BUILD)/reproduce

docs-blocks: ## Regenerate docs/blocks/ (one page per RTL block) from the RTL headers and synth/area_baseline.json
	python3 scripts/gen_block_docs.py --baseline

report: deps ## One HTML page of the latest bench/synth/reproduce/reliability results (build/report/index.html)
	/usr/bin/python3 scripts/report.py --build $(BUILD) --out $(BUILD)/report/index.html

report-check: report ## Render the report in headless Chromium (installs Debian chromium) to build/report/screenshot.png
	@dpkg-query -W -f='$${Status}\n' chromium 2>/dev/null | grep -q '^install ok installed' || { \
	  echo "report-check: installing the Debian package chromium (large, not in make deps)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium; }
	scripts/report_check.sh $(BUILD)/report/index.html $(BUILD)/report/screenshot.png

reliability: deps $(BUILD)/build.ninja ## Reliability campaign (issue 9): RBER sweep, retry, faults, 10^4 fuzzed commands, formal; build/reliability/ (<= 20 min)
	cmake --build $(BUILD) -j $(JOBS) --target rel_sweep rel_slice test_reliability
	/usr/bin/python3 scripts/reliability.py --build $(BUILD)

clean: ## Remove the build directory
	rm -rf $(BUILD)
