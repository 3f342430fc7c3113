# flopwatt build. Everything lands under $(BUILD) ($(BUILD)/asan with SANITIZE=1); sources are found by wildcard, so adding a
# kernel is adding a file (and its registry line), never editing this file.

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
CPPFLAGS += -DFW_GIT_REV=\"$(GIT_REV)\"

KERNEL_SRC := $(wildcard kernels/*.c) $(wildcard kernels/generic/*.c)
ifeq ($(ARCH),x86_64)
  KERNEL_SRC += $(wildcard kernels/avx512/*.c) $(wildcard kernels/avx2/*.c)
endif
CLI_SRC  := $(wildcard bench/*.c)
TEST_SRC := $(wildcard tests/test_*.c)
TESTLIB_SRC := $(filter-out $(TEST_SRC),$(wildcard tests/*.c))

KERNEL_OBJ  := $(KERNEL_SRC:%.c=$(OUT)/obj/%.o)
CLI_OBJ     := $(CLI_SRC:%.c=$(OUT)/obj/%.o)
TESTLIB_OBJ := $(TESTLIB_SRC:%.c=$(OUT)/obj/%.o)
TEST_BIN    := $(TEST_SRC:tests/%.c=$(OUT)/tests/%)

# Each ISA folder is compiled for its ISA only; dispatch decides at run time what runs.
$(OUT)/obj/kernels/avx512/%.o: ISAFLAGS := -mavx512f -mavx512vl -mavx512dq -mavx512bw -mavx2 -mfma
$(OUT)/obj/kernels/avx2/%.o:   ISAFLAGS := -mavx2 -mfma

.PHONY: all lib cli tests test test-quick bench-core clean
all: lib cli
lib: $(OUT)/libflopwatt.so $(OUT)/libflopwatt.a
cli: $(OUT)/flopwatt
tests: $(TEST_BIN)

$(OUT)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(ISAFLAGS) -MMD -MP -c $< -o $@

$(OUT)/libflopwatt.a: $(KERNEL_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(OUT)/libflopwatt.so: $(KERNEL_OBJ)
	@mkdir -p $(@D)
	$(CC) -shared $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(OUT)/flopwatt: $(CLI_OBJ) $(OUT)/libflopwatt.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(OUT)/libflopwatt.a $(LDLIBS)

$(OUT)/tests/%: $(OUT)/obj/tests/%.o $(TESTLIB_OBJ) $(OUT)/libflopwatt.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(TESTLIB_OBJ) $(OUT)/libflopwatt.a $(LDLIBS)

# The unit suite, at full optimisation and again under AddressSanitizer + UBSan; warnings are
# errors here, and the library is built with clang too where it is installed, since both
# compilers must stay warning-free. The last line sums both runs: "N passed, N failed".
test:
	$(MAKE) --no-print-directory WERROR=-Werror all tests
	$(MAKE) --no-print-directory WERROR=-Werror SANITIZE=1 all tests
	if command -v clang >/dev/null; then \
	  $(MAKE) --no-print-directory CC=clang BUILD=$(BUILD)/clang WERROR=-Werror all; fi
	tests/run_tests.sh $(BUILD) $(BUILD)/asan

# flopwatt against OpenBLAS, interleaved and verified (bench/compare_openblas.sh); QUICK=1
# runs the one-minute subset.
bench-core: cli
	QUICK=$(QUICK) FLOPWATT=$(OUT)/flopwatt bench/compare_openblas.sh

test-quick: all tests
	tests/run_tests.sh $(OUT)

clean:
	rm -rf build

-include $(KERNEL_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TESTLIB_OBJ:.o=.d) $(TEST_BIN:$(OUT)/tests/%=$(OUT)/obj/tests/%.d)
