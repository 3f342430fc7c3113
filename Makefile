# flopwatt build. Everything lands under $(BUILD) ($(BUILD)/asan with SANITIZE=1); sources are found by wildcard, so adding a
# kernel is adding a file (and its registry line), never editing this file.

# Plain `make` builds the library and the CLI (rules with explicit targets come before `all`).
.DEFAULT_GOAL := all

BUILD    ?= build
ARCH     := $(shell uname -m)
OPT      ?= -O3
SANITIZE ?= 0
OUT      := $(BUILD)

CPPFLAGS += -Ikernels -D_GNU_SOURCE
CFLAGS   += -std=c11 $(OPT) -g -fPIC -fopenmp -Wall -Wextra $(WERROR)
LDLIBS   += -lm -ldl -lpthread

ifeq ($(SANITIZE),1)
  OUT    := $(BUILD)/asan
  OPT    := -O1
  CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  LDFLAGS += -fsanitize=address,undefined
endif

# hwloc is optional: cache detection and thread pinning use it where it is installed.
ifeq ($(shell pkg-config --exists hwloc 2>/dev/null && echo yes),yes)
  CPPFLAGS += -DFW_HAVE_HWLOC $(shell pkg-config --cflags hwloc)
  LDLIBS   += $(shell pkg-config --libs hwloc)
endif

GIT_REV := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

# jansson reads and writes every JSON file: tuned profiles in the library, results in the
# measurement layer (bench/).
HAVE_JANSSON   := $(shell pkg-config --exists jansson 2>/dev/null && echo yes)
CPPFLAGS += $(shell pkg-config --cflags jansson 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs jansson 2>/dev/null)
# Where the library looks for a tuned profile matching the machine (FLOPWATT_PROFILE_DIRS
# overrides it at run time).
PROFILE_DIRS ?= $(CURDIR)/results/tuned:/usr/local/share/flopwatt/tuned
$(OUT)/obj/kernels/profile_load.o: EXTRA_CPPFLAGS := -DFW_PROFILE_DIRS=\"$(PROFILE_DIRS)\"

BENCH_CPPFLAGS := -DFW_DATA_DIR=\"$(CURDIR)/bench/data\" -DFW_BUILD_CC='"$(CC)"' \
                  -DFW_BUILD_CFLAGS='"$(strip $(filter-out -Werror,$(CFLAGS)))"'
BENCH_LDLIBS   :=
# PAPI counters are built in where libpapi is installed (PAPI=0 leaves them out).
PAPI ?= $(shell pkg-config --exists papi 2>/dev/null && echo 1 || echo 0)
ifeq ($(PAPI),1)
  BENCH_CPPFLAGS += -DFW_HAVE_PAPI $(shell pkg-config --cflags papi)
  BENCH_LDLIBS   += $(shell pkg-config --libs papi)
endif
# likwid Marker API regions, one per benchmarked configuration: make LIKWID=1.
LIKWID ?= 0
ifeq ($(LIKWID),1)
  BENCH_CPPFLAGS += -DLIKWID_PERFMON
  BENCH_LDLIBS   += -llikwid
endif
BENCH_CPPFLAGS += -DFW_GIT_REV=\"$(GIT_REV)\"

# The bench objects embed how they were built (revision, compiler, flags but -Werror, which
# changes no code, PAPI, likwid):
# $(OUT)/build-id holds that description and changes only when it does, so exactly then
# they are rebuilt and result files never record a stale revision.
BUILD_ID := $(GIT_REV) $(CC) $(filter-out -Werror,$(CFLAGS)) $(BENCH_CPPFLAGS) $(BENCH_LDLIBS)
$(shell mkdir -p $(OUT))
$(file >$(OUT)/build-id.new,$(BUILD_ID))
$(shell cmp -s $(OUT)/build-id.new $(OUT)/build-id || mv -f $(OUT)/build-id.new $(OUT)/build-id; rm -f $(OUT)/build-id.new)

KERNEL_SRC := $(wildcard kernels/*.c) $(wildcard kernels/generic/*.c)
ifeq ($(ARCH),x86_64)
  KERNEL_SRC += $(wildcard kernels/avx512/*.c) $(wildcard kernels/avx2/*.c)
endif
BENCH_SRC := $(filter-out bench/main.c,$(wildcard bench/*.c))
TUNER_SRC := $(wildcard tuner/*.c)
TEST_SRC := $(wildcard tests/test_*.c)
TESTLIB_SRC := $(filter-out $(TEST_SRC),$(wildcard tests/*.c))

KERNEL_OBJ  := $(KERNEL_SRC:%.c=$(OUT)/obj/%.o)
BENCH_OBJ   := $(BENCH_SRC:%.c=$(OUT)/obj/%.o)
TUNER_OBJ   := $(TUNER_SRC:%.c=$(OUT)/obj/%.o)
TESTLIB_OBJ := $(TESTLIB_SRC:%.c=$(OUT)/obj/%.o)
TEST_BIN    := $(TEST_SRC:tests/%.c=$(OUT)/tests/%)
# Stand-ins for system libraries that tests load with dlopen (tests/fixtures/<name>.c).
FIXTURE_SO  := $(patsubst tests/fixtures/%.c,$(OUT)/tests/fixtures/%.so,$(wildcard tests/fixtures/*.c))

# Each ISA folder is compiled for its ISA only; dispatch decides at run time what runs.
$(OUT)/obj/kernels/avx512/%.o: ISAFLAGS := -mavx512f -mavx512vl -mavx512dq -mavx512bw -mavx2 -mfma
$(OUT)/obj/kernels/avx2/%.o:   ISAFLAGS := -mavx2 -mfma
$(OUT)/obj/bench/%.o: EXTRA_CPPFLAGS := $(BENCH_CPPFLAGS)
$(OUT)/obj/tuner/%.o $(OUT)/obj/tests/%.o: EXTRA_CPPFLAGS := $(BENCH_CPPFLAGS) -Ibench
$(BENCH_OBJ) $(TUNER_OBJ) $(OUT)/obj/bench/main.o $(TESTLIB_OBJ) $(TEST_BIN:$(OUT)/tests/%=$(OUT)/obj/tests/%.o): $(OUT)/build-id

.PHONY: all lib cli tests test test-quick bench bench-core tune clean
.SECONDARY:
all: lib cli
lib: $(OUT)/libflopwatt.so $(OUT)/libflopwatt.a
cli: $(OUT)/flopwatt
tests: $(TEST_BIN) $(FIXTURE_SO)

$(OUT)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(EXTRA_CPPFLAGS) $(CFLAGS) $(ISAFLAGS) -MMD -MP -c $< -o $@

$(OUT)/libflopwatt.a: $(KERNEL_OBJ) | jansson-check
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(OUT)/libflopwatt.so: $(KERNEL_OBJ) | jansson-check
	@mkdir -p $(@D)
	$(CC) -shared $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The measurement layer as a library of its own: the CLI and the tests link it.
$(OUT)/libfwbench.a: $(BENCH_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

# The tuner sits above the measurement layer: it is linked before it.
$(OUT)/libfwtuner.a: $(TUNER_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

FW_LIBS := $(OUT)/libfwtuner.a $(OUT)/libfwbench.a $(OUT)/libflopwatt.a

$(OUT)/flopwatt: $(OUT)/obj/bench/main.o $(FW_LIBS) | jansson-check
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(FW_LIBS) $(BENCH_LDLIBS) $(LDLIBS)

$(OUT)/tests/%: $(OUT)/obj/tests/%.o $(TESTLIB_OBJ) $(FW_LIBS) | jansson-check
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(TESTLIB_OBJ) $(FW_LIBS) $(BENCH_LDLIBS) $(LDLIBS)

$(OUT)/tests/fixtures/%.so: tests/fixtures/%.c
	@mkdir -p $(@D)
	$(CC) -shared $(CFLAGS) $(LDFLAGS) -o $@ $<

.PHONY: jansson-check
jansson-check:
ifneq ($(HAVE_JANSSON),yes)
	@echo "flopwatt needs jansson for its profiles and result files: apt-get install libjansson-dev (dnf install jansson-devel)" >&2; exit 1
endif

# The unit suite, at full optimisation and again under AddressSanitizer + UBSan; warnings are
# errors here, and the library is built with clang too where it is installed, since both
# compilers must stay warning-free; with likwid installed, the LIKWID=1 build and its marker
# test run as well. The last line sums both runs: "N passed, N failed".
test:
	$(MAKE) --no-print-directory WERROR=-Werror all tests
	$(MAKE) --no-print-directory WERROR=-Werror SANITIZE=1 all tests
	if command -v clang >/dev/null; then \
	  $(MAKE) --no-print-directory CC=clang BUILD=$(BUILD)/clang WERROR=-Werror all; fi
	if [ -f /usr/include/likwid-marker.h ]; then \
	  $(MAKE) --no-print-directory LIKWID=1 BUILD=$(BUILD)/likwid WERROR=-Werror all \
	    $(BUILD)/likwid/tests/test_markers; fi
	tests/run_tests.sh $(BUILD) $(BUILD)/asan $$([ -d $(BUILD)/likwid ] && echo $(BUILD)/likwid)

# The main job: install what is missing, build, describe the machine, run the suite and
# write results/<machine-id>/<UTC time>.json (bench/run_bench.sh; QUICK=1, PREC, CLASSES,
# SIZES, THREADS, IMPL, KERNEL, RESULTS, ENERGY and BENCH_ARGS choose what runs).
bench:
	BUILD=$(BUILD) QUICK=$(QUICK) TUNE=$(TUNE) bench/run_bench.sh

# Searches this machine's best configuration per precision and shape class and writes the
# tuned profile the library loads, results/tuned/<machine-id>.json, with its report
# (flopwatt tune: at most 5 minutes; QUICK=1 spends one; TUNE_ARGS passes any other option).
tune: cli
	$(OUT)/flopwatt tune $(if $(filter-out 0,$(QUICK)),--quick) $(TUNE_ARGS)

# flopwatt against OpenBLAS, interleaved and verified (bench/compare_openblas.sh); QUICK=1
# runs the one-minute subset.
bench-core: cli
	QUICK=$(QUICK) FLOPWATT=$(OUT)/flopwatt bench/compare_openblas.sh

test-quick: all tests
	tests/run_tests.sh $(OUT)

clean:
	rm -rf build

-include $(KERNEL_OBJ:.o=.d) $(BENCH_OBJ:.o=.d) $(TUNER_OBJ:.o=.d) $(OUT)/obj/bench/main.d $(TESTLIB_OBJ:.o=.d) $(TEST_BIN:$(OUT)/tests/%=$(OUT)/obj/tests/%.d)
