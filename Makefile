# vmm: a minimal arm64 KVM VMM with userspace PSCI. See README.md.
#
#   make            build build/vmm and build/guest.img (cross on x86-64)
#   make test       host unit tests, then the integration tests in the nested host
#   make demo       boot the bare-metal guest's demo under the VMM
#   make unit       host unit tests only (ASan/UBSan, and TSan for the modules with threads)
#   make tsan       the ThreadSanitizer build of those alone
#   make format     clang-format the sources in place; `make format-check` checks only
#   make install    the binary, vmm(1) and the bash completion under $(DESTDIR)$(PREFIX)
#                   (PREFIX=/usr/local); `make uninstall` removes them
#
# Every target that builds depends on scripts/deps, which installs what is missing.

B := build
HOST_ARCH := $(shell uname -m)
ifeq ($(HOST_ARCH),aarch64)
CROSS_COMPILE ?=
else
CROSS_COMPILE ?= aarch64-linux-gnu-
endif

CC_TARGET := $(CROSS_COMPILE)gcc
OBJCOPY_TARGET := $(CROSS_COMPILE)objcopy
HOSTCC ?= cc

WARN := -Wall -Wextra -Werror -Wshadow -Wcast-qual -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wvla -Wformat=2 -Wundef
COMMON_CFLAGS := -std=gnu11 -g $(WARN) -I. -D_GNU_SOURCE

# libfdt for the target: the unpacked arm64 package when cross-compiling,
# the system's when building natively.
ifneq ($(CROSS_COMPILE),)
FDT_CFLAGS := -I$(B)/sysroot/usr/include
FDT_LIBS := $(B)/sysroot/usr/lib/aarch64-linux-gnu/libfdt.a
Z_LIBS := $(B)/sysroot/usr/lib/aarch64-linux-gnu/libzstd.a $(B)/sysroot/usr/lib/aarch64-linux-gnu/libz.a
SECCOMP_LIBS := $(B)/sysroot/usr/lib/aarch64-linux-gnu/libseccomp.a
else
FDT_CFLAGS :=
FDT_LIBS := -lfdt
Z_LIBS := -lzstd -lz
SECCOMP_LIBS := -lseccomp
endif

DEPS := $(B)/.deps-stamp

# The folders are the layers (DESIGN.md §2): vmm/kvm/ talks to KVM and the
# files directly in vmm/ wire the pieces together (main.c); every other folder
# is pure logic, built again for the host and unit-tested there under
# sanitizers.
VMM_DIRS := vmm vmm/cli vmm/firmware vmm/machine vmm/kvm vmm/control vmm/record vmm/output \
	vmm/snapshot vmm/sandbox vmm/util fdt
VMM_ALL_SRCS := $(foreach d,$(VMM_DIRS),$(wildcard $(d)/*.c))
VMM_GLUE_SRCS := $(wildcard vmm/kvm/*.c vmm/*.c)
PURE_SRCS := $(filter-out $(VMM_GLUE_SRCS),$(VMM_ALL_SRCS))
HEADERS := $(foreach d,$(VMM_DIRS),$(wildcard $(d)/*.h))

VMM_OBJS := $(patsubst %.c,$(B)/target/%.o,$(VMM_ALL_SRCS))

.SECONDARY:
.PHONY: all test unit tsan fuzz demo linux-demo bench format format-check clean distclean deps \
	stage install uninstall
all: $(B)/vmm $(B)/guest.img $(B)/flat-poweroff.bin $(B)/linux-guest/initrd.cpio \
	$(B)/ctl-torture $(B)/perfcount $(B)/seccomp-log-probe

deps: $(DEPS)
$(DEPS): scripts/deps
	scripts/deps $(B)
	@touch $@

# ---- the VMM (static, for the arm64 host) ----
$(B)/target/%.o: %.c $(HEADERS) $(DEPS)
	@mkdir -p $(dir $@)
	$(CC_TARGET) $(COMMON_CFLAGS) -O2 $(FDT_CFLAGS) -c $< -o $@

# `vmm --version`: the tree's `git describe --always --dirty` ("unknown" without
# .git), defined for vmm/cli/usage.c only; build/git-version changes (and
# usage.o is rebuilt) only when the description does.
VMM_GIT_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
$(shell mkdir -p $(B) && echo '$(VMM_GIT_VERSION)' | cmp -s - $(B)/git-version || \
	echo '$(VMM_GIT_VERSION)' >$(B)/git-version)
$(B)/target/vmm/cli/usage.o: $(B)/git-version
$(B)/target/vmm/cli/usage.o: COMMON_CFLAGS += -DVMM_GIT_VERSION='"$(VMM_GIT_VERSION)"'

# build/vmm is stripped (the static binary, zlib and libzstd in it, is about 1 MiB);
# build/vmm.debug keeps the symbols for gdb and perf.
STRIP_TARGET := $(CROSS_COMPILE)strip
$(B)/vmm.debug: $(VMM_OBJS)
	$(CC_TARGET) -static -Wl,--gc-sections -o $@ $^ $(FDT_LIBS) $(Z_LIBS) $(SECCOMP_LIBS) -lpthread

$(B)/vmm: $(B)/vmm.debug
	$(STRIP_TARGET) -o $@ $<

# ---- the bare-metal guest ----
GUEST_SRCS := $(wildcard guest/*.c) $(wildcard guest/*.S)
GUEST_HDRS := $(wildcard guest/*.h) vmm/machine/guest_abi.h
GUEST_OBJS := $(patsubst %,$(B)/guest/%.o,$(GUEST_SRCS))
# MMU off: every access is Device memory, so no unaligned accesses, no
# FP/SIMD, no exclusives; freestanding, position-dependent at RAM base.
GUEST_CFLAGS := -std=gnu11 -g $(WARN) -I. -O2 -ffreestanding -fno-builtin -nostdlib \
	-mgeneral-regs-only -mstrict-align -fno-stack-protector -fno-pic -fno-pie \
	-fno-omit-frame-pointer -fno-tree-loop-distribute-patterns

$(B)/guest/%.c.o: %.c $(GUEST_HDRS) $(DEPS)
	@mkdir -p $(dir $@)
	$(CC_TARGET) $(GUEST_CFLAGS) -c $< -o $@

$(B)/guest/%.S.o: %.S $(GUEST_HDRS) $(DEPS)
	@mkdir -p $(dir $@)
	$(CC_TARGET) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(B)/guest.elf: $(GUEST_OBJS) guest/guest.ld
	$(CC_TARGET) $(GUEST_CFLAGS) -static -no-pie -Wl,--build-id=none -T guest/guest.ld \
		-o $@ $(GUEST_OBJS) -lgcc

$(B)/guest.img: $(B)/guest.elf
	$(OBJCOPY_TARGET) -O binary $< $@

# A flat binary (no Image header) for the loader's kvmtool-compatible path.
$(B)/flat-poweroff.bin: tests/images/flat-poweroff.S vmm/machine/guest_abi.h $(DEPS)
	$(CC_TARGET) $(GUEST_CFLAGS) -D__ASSEMBLY__ -Wl,--build-id=none -Wl,-Ttext=0x80080000 \
		-static -o $(B)/flat-poweroff.elf $<
	$(OBJCOPY_TARGET) -O binary -j .text $(B)/flat-poweroff.elf $@

# A control-socket abuser for the nested tests (static, for the test host).
$(B)/ctl-torture: tests/tools/ctl-torture.c $(DEPS)
	$(CC_TARGET) $(COMMON_CFLAGS) -O2 -static -o $@ $<

# A process that has its own system calls logged (--sandbox log's nested test).
$(B)/seccomp-log-probe: tests/tools/seccomp-log-probe.c $(DEPS)
	$(CC_TARGET) $(COMMON_CFLAGS) -O2 -static -o $@ $<

# perf_event_open() from inside the Linux guest (busybox has no perf).
$(B)/perfcount: tests/tools/perfcount.c $(DEPS)
	$(CC_TARGET) $(COMMON_CFLAGS) -O2 -static -o $@ $<

# The Linux guest: the deps' arm64 kernel Image plus a busybox initramfs.
$(B)/linux-guest/initrd.cpio: tests/linux/init scripts/mk-linux-guest $(B)/perfcount $(DEPS)
	scripts/mk-linux-guest $(B)

# ---- host unit tests (native compiler, sanitizers) ----
HOST_CFLAGS := $(COMMON_CFLAGS) -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/host/%,$(UNIT_SRCS))
HOST_PURE_OBJS := $(patsubst %.c,$(B)/host/obj/%.o,$(PURE_SRCS))

$(B)/host/obj/%.o: %.c $(HEADERS) $(DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@

$(B)/host/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(HOST_PURE_OBJS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $< $(HOST_PURE_OBJS) -lfdt -lzstd -lz -lseccomp -lpthread

# The guest's pure readers, compiled into their unit test by #include.
$(B)/host/test_guest_acpi_read: guest/acpi_read.c guest/facts.c guest/fdt_read.c guest/print.c \
	$(GUEST_HDRS)
# The pause gate (KVM glue) with a fake KVM_RUN, also by #include.
$(B)/host/test_pause_gate $(B)/tsan/test_pause_gate: vmm/kvm/pause.c

# ---- the same unit tests of every module with threads, under ThreadSanitizer ----
# A second host build (build/tsan/) beside the ASan/UBSan one: the rings,
# PSCI, CPU hotplug, injection, the control server and the trace file race
# threads on purpose, and TSan sees the data races that pass by luck.
TSAN_TESTS := test_outbuf test_tracefile test_psci test_cpuhp test_inject test_control_server \
	test_pause_gate
TSAN_CFLAGS := $(COMMON_CFLAGS) -O1 -fsanitize=thread -fno-omit-frame-pointer
TSAN_BINS := $(patsubst %,$(B)/tsan/%,$(TSAN_TESTS))
TSAN_PURE_OBJS := $(patsubst %.c,$(B)/tsan/obj/%.o,$(PURE_SRCS))

$(B)/tsan/obj/%.o: %.c $(HEADERS) $(DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(TSAN_CFLAGS) -c $< -o $@

$(B)/tsan/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(TSAN_PURE_OBJS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(TSAN_CFLAGS) -o $@ $< $(TSAN_PURE_OBJS) -lfdt -lzstd -lz -lseccomp -lpthread

# ---- libFuzzer targets (clang): a short run in `make test`, longer in `make fuzz` ----
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRCS))
FUZZ_PURE_SRCS := $(filter vmm/%,$(PURE_SRCS))
FUZZ_TIME ?= 300

$(B)/fuzz/%: tests/fuzz/%.c $(FUZZ_PURE_SRCS) $(HEADERS) $(DEPS)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -g -O1 -I. -D_GNU_SOURCE -Wall -Wextra -Werror \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $< $(FUZZ_PURE_SRCS) -lzstd -lz -lseccomp -lpthread

# Each target keeps what it found in build/fuzz/corpus/NAME, and starts
# from its seeds in tests/fuzz/seeds/NAME where it has some.
fuzz: $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do n=$$(basename $$f); echo "== $$f ($(FUZZ_TIME)s)"; \
		mkdir -p $(B)/fuzz/corpus/$$n; \
		$$f -max_total_time=$(FUZZ_TIME) -print_final_stats=1 $(B)/fuzz/corpus/$$n \
		$$(ls -d tests/fuzz/seeds/$$n 2>/dev/null) || exit 1; done

unit: $(UNIT_BINS) $(TSAN_BINS)
	@scripts/run-tests --unit-only $(UNIT_BINS) $(TSAN_BINS)

tsan: $(TSAN_BINS)
	@scripts/run-tests --unit-only $(TSAN_BINS)

# ---- the nested test host and the test runner ----
test: all $(UNIT_BINS) $(TSAN_BINS) $(FUZZ_BINS)
	@FUZZ_BINS="$(FUZZ_BINS)" scripts/run-tests $(UNIT_BINS) $(TSAN_BINS)

demo: all
	@scripts/nested-run 'sh tests/nested/demo.sh'

# Userspace vs in-kernel PSCI, side by side: build/bench.md and a plot.
bench: all
	@scripts/bench

# A scripted Linux vCPU-hotplug session, narrated (tests/nested/linux-demo.sh).
linux-demo: all
	@scripts/nested-run 'sh tests/nested/linux-demo.sh'

# ---- install (PREFIX, DESTDIR as usual): the binary, vmm(1), the bash completion ----
PREFIX ?= /usr/local
BINDIR := $(DESTDIR)$(PREFIX)/bin
MAN1DIR := $(DESTDIR)$(PREFIX)/share/man/man1
COMPLETIONDIR := $(DESTDIR)$(PREFIX)/share/bash-completion/completions
install: $(B)/vmm
	install -d $(BINDIR) $(MAN1DIR) $(COMPLETIONDIR)
	install -m 0755 $(B)/vmm $(BINDIR)/vmm
	install -m 0644 docs/vmm.1 $(MAN1DIR)/vmm.1
	install -m 0644 scripts/vmm-completion.bash $(COMPLETIONDIR)/vmm
uninstall:
	rm -f $(BINDIR)/vmm $(MAN1DIR)/vmm.1 $(COMPLETIONDIR)/vmm

# ---- housekeeping ----
FORMAT_SRCS = $(foreach d,$(VMM_DIRS),$(wildcard $(d)/*.[ch])) $(wildcard guest/*.[ch] tests/unit/*.[ch] tests/fuzz/*.[ch] \
	tests/tools/*.[ch])
format:
	clang-format -i $(FORMAT_SRCS)
format-check:
	clang-format --dry-run --Werror $(FORMAT_SRCS)

clean:
	rm -rf $(B)/target $(B)/guest $(B)/host $(B)/tsan $(B)/fuzz $(B)/stage $(B)/vmm $(B)/vmm.debug \
		$(B)/guest.elf $(B)/guest.img
distclean:
	rm -rf $(B)
