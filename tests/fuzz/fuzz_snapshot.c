/*
 * libFuzzer target: snapshot state files (vmm/snapshot/), which a restore
 * reads from a directory anyone may have handed over. Any bytes either parse
 * into sections the writer would write byte for byte the same, or fail with
 * a non-empty one-line reason. Since a random file rarely has right CRCs,
 * the codecs are also driven directly: the first byte picks one, the rest is
 * its payload; a payload a codec accepts must save back to the same bytes
 * (so nothing it let through was silently changed), and a refusal is one
 * line naming the section. The KVM side's payloads (vCPU registers, vGIC,
 * firmware registers, counter, host facts, RAM layout, PV time) are driven
 * the same way through their pure decoders (vmm/snapshot/kvmstate.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm/cli/cli.h"
#include "vmm/firmware/inject.h"
#include "vmm/firmware/psci.h"
#include "vmm/firmware/vendor.h"
#include "vmm/machine/cpuhp.h"
#include "vmm/machine/guest_abi.h"
#include "vmm/machine/testdev.h"
#include "vmm/machine/uart.h"
#include "vmm/snapshot/kvmstate.h"
#include "vmm/snapshot/snapfile.h"
#include "vmm/snapshot/snapstate.h"

#define NR_CPUS 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t far_future(void)
{
	return UINT64_MAX; /* every saved suspend fits before it: exact round trips */
}

static void one_line(int ret, const char *err)
{
	if (ret && (!err[0] || strchr(err, '\n')))
		abort();
}

static void same_bytes(const struct snap_buf *b, const uint8_t *data, size_t len)
{
	if (b->oom || b->len != len || (len && memcmp(b->data, data, len)))
		abort();
}

static int fuzz_psci(const uint8_t *d, size_t n, char *err, size_t errlen, struct snap_buf *b)
{
	static struct psci p;
	uint64_t mpidrs[NR_CPUS];
	int ret;

	for (unsigned int i = 0; i < NR_CPUS; i++)
		mpidrs[i] = GUEST_MPIDR(i);
	if (psci_init(&p, NR_CPUS, mpidrs, GUEST_RAM_BASE, 1ULL << 28))
		abort();
	p.now_us = far_future;
	ret = snap_psci_load(&p, d, n, err, errlen);
	if (!ret)
		snap_psci_save(&p, b);
	psci_destroy(&p);
	return ret;
}

static int fuzz_machine(const uint8_t *d, size_t n, char *err, size_t errlen, struct snap_buf *b)
{
	static struct machine m;
	int ret = snap_machine_load(&m, d, n, err, errlen);

	if (!ret)
		snap_machine_save(&m, b);
	return ret;
}

static int fuzz_shared(const uint8_t *d, size_t n, char *err, size_t errlen, struct snap_buf *b)
{
	static struct snap_shared s;
	int ret = snap_shared_load(&s, NR_CPUS, d, n, err, errlen);

	if (!ret)
		snap_shared_save(&s, b);
	return ret;
}

static int fuzz_smccc(const uint8_t *d, size_t n, char *err, size_t errlen, struct snap_buf *b)
{
	static struct snap_smccc s;
	struct cli_filter f[SMCCC_MAX_RANGES];
	int ret = snap_smccc_load(&s, d, n, err, errlen);

	(void)b; /* no table to save from: the rows are checked instead */
	if (!ret && snap_smccc_filters(&s, f, SMCCC_MAX_RANGES) > s.nr)
		abort();
	return ret ? ret : 1;
}

static int fuzz_vendor(const uint8_t *d, size_t n, char *err, size_t errlen, struct snap_buf *b)
{
	static struct vendor v;
	int ret = snap_vendor_load(&v, d, n, err, errlen);

	if (!ret)
		snap_vendor_save(&v, b);
	return ret;
}

static int fuzz_inject(const uint8_t *d, size_t n, char *err, size_t errlen, struct snap_buf *b)
{
	static struct inject inj;
	int ret;

	inject_init(&inj);
	ret = snap_inject_load(&inj, d, n, err, errlen);
	if (!ret)
		snap_inject_save(&inj, b);
	return ret;
}

static int fuzz_cpuhp(const uint8_t *d, size_t n, char *err, size_t errlen, struct snap_buf *b)
{
	static struct psci p;
	static struct cpuhp h;
	uint64_t mpidrs[NR_CPUS] = {0, 1, 2, 3};
	int ret;

	if (psci_init(&p, NR_CPUS, mpidrs, GUEST_RAM_BASE, 1ULL << 28) ||
	    cpuhp_init(&h, &p, NR_CPUS, NULL, NULL))
		abort();
	ret = snap_cpuhp_load(&h, d, n, err, errlen);
	if (!ret)
		snap_cpuhp_save(&h, b);
	cpuhp_destroy(&h);
	psci_destroy(&p);
	return ret;
}

static void no_tx(void *ctx, uint8_t byte)
{
	(void)ctx;
	(void)byte;
}

static int fuzz_uart(const uint8_t *d, size_t n, char *err, size_t errlen, struct snap_buf *b)
{
	static struct uart u;
	int ret;

	uart_init(&u, no_tx, NULL, NULL);
	ret = snap_uart_load(&u, d, n, err, errlen);
	if (!ret) {
		snap_uart_save(&u, b);
		for (unsigned int i = 0; i <= UART_RX_FIFO_SIZE; i++) { /* drain it */
			uint8_t v;

			uart_mmio(&u, UART_RBR_THR, &v, 1, false);
		}
	}
	uart_destroy(&u);
	return ret;
}

static int fuzz_testdev(const uint8_t *d, size_t n, char *err, size_t errlen, struct snap_buf *b)
{
	static struct testdev t;
	int ret = snap_testdev_load(&t, d, n, err, errlen);

	if (!ret)
		snap_testdev_save(&t, b);
	return ret;
}

/* The KVM side's payloads (vmm/snapshot/kvmstate.h): decoded, then encoded
 * again with the writer's own calls. */
static int fuzz_vcpu(const uint8_t *d, size_t n, char *err, size_t errlen, struct snap_buf *b)
{
	struct snap_vcpu v;
	int ret = snap_vcpu_parse(d, n, &v, err, errlen);

	if (ret)
		return ret;
	snap_vcpu_put_head(b, v.mpidr, v.mp_state, v.nr);
	for (uint32_t i = 0; i < v.nr; i++)
		snap_vcpu_put_reg(b, v.regs[i].id, v.regs[i].val);
	snap_vcpu_free(&v);
	return 0;
}

static int fuzz_vgic(const uint8_t *d, size_t n, char *err, size_t errlen, struct snap_buf *b)
{
	struct snap_vgic g;
	int ret = snap_vgic_parse(d, n, &g, err, errlen);

	if (ret)
		return ret;
	snap_vgic_put_head(b, g.nr_irqs, g.nr);
	for (uint32_t i = 0; i < g.nr; i++)
		snap_vgic_put_attr(b, g.attrs[i].group, g.attrs[i].attr, g.attrs[i].value);
	snap_vgic_free(&g);
	return 0;
}

static int fuzz_fw_regs(const uint8_t *d, size_t n, char *err, size_t errlen, struct snap_buf *b)
{
	static struct snap_fw_regs f;
	int ret = snap_fw_regs_load(&f, d, n, err, errlen);

	if (!ret)
		snap_fw_regs_save(&f, b);
	return ret;
}

static int fuzz_counter(const uint8_t *d, size_t n, char *err, size_t errlen, struct snap_buf *b)
{
	uint64_t cnt;
	int ret = snap_counter_load(&cnt, d, n, err, errlen);

	if (!ret)
		snap_counter_save(cnt, b);
	return ret;
}

static int fuzz_host(const uint8_t *d, size_t n, char *err, size_t errlen, struct snap_buf *b)
{
	static struct snap_host h;
	int ret = snap_host_load(&h, d, n, err, errlen);

	if (!ret)
		snap_host_save(&h, b);
	return ret;
}

static int fuzz_ram_info(const uint8_t *d, size_t n, char *err, size_t errlen, struct snap_buf *b)
{
	static struct snap_ram_info r;
	int ret = snap_ram_info_load(&r, d, n, err, errlen);

	if (!ret)
		snap_ram_info_save(&r, b);
	return ret;
}

static int fuzz_pvtime(const uint8_t *d, size_t n, char *err, size_t errlen, struct snap_buf *b)
{
	uint64_t base;
	const uint8_t *records;
	size_t size;
	int ret = snap_pvtime_load(&base, &records, &size, d, n, err, errlen);

	if (!ret)
		snap_pvtime_save(base, records, size, b);
	return ret;
}

typedef int (*codec_fn)(const uint8_t *d, size_t n, char *err, size_t errlen, struct snap_buf *b);

static const struct {
	uint32_t tag;
	codec_fn fn;
} codecs[] = {
    {SNAP_PSCI, fuzz_psci},	  {SNAP_MACHINE, fuzz_machine}, {SNAP_SHARED, fuzz_shared},
    {SNAP_SMCCC, fuzz_smccc},	  {SNAP_VENDOR, fuzz_vendor},	{SNAP_INJECT, fuzz_inject},
    {SNAP_CPUHP, fuzz_cpuhp},	  {SNAP_UART, fuzz_uart},	{SNAP_TESTDEV, fuzz_testdev},
    {SNAP_VCPU, fuzz_vcpu},	  {SNAP_VGIC, fuzz_vgic},	{SNAP_FIRMWARE_REGS, fuzz_fw_regs},
    {SNAP_COUNTER, fuzz_counter}, {SNAP_HOST, fuzz_host},	{SNAP_RAM_INFO, fuzz_ram_info},
    {SNAP_PVTIME, fuzz_pvtime},
};
#define NR_CODECS (sizeof(codecs) / sizeof(codecs[0]))

/* Load a payload with codec i: a refusal is one line, an acceptance saves back the same. */
static void run_codec(size_t i, const uint8_t *d, size_t n)
{
	struct snap_buf b = {0};
	char err[512] = "";
	int ret = codecs[i].fn(d, n, err, sizeof(err), &b);

	one_line(ret < 0, err);
	if (ret == 0)
		same_bytes(&b, d, n);
	snap_buf_free(&b);
}

/* A parsed image, written again by the writer, is the input byte for byte. */
static void rewrite(const struct snap_image *img, const uint8_t *data, size_t size)
{
	struct snap_writer w;
	uint8_t *back;
	int fd = memfd_create("fuzz", 0);

	if (fd < 0)
		return;
	snap_writer_begin(&w, fd);
	for (size_t i = 0; i < img->nr; i++)
		snap_write_section(&w, img->sections[i].tag, img->sections[i].index,
				   img->sections[i].data, img->sections[i].len);
	if (snap_writer_end(&w) || snap_writer_bytes(&w) != size)
		abort();
	back = malloc(size);
	if (!back || pread(fd, back, size, 0) != (ssize_t)size || memcmp(back, data, size))
		abort();
	free(back);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snap_image img;
	char err[512] = "";
	int ret = snap_parse(data, size, &img, err, sizeof(err));

	one_line(ret, err);
	if (ret == 0) {
		rewrite(&img, data, size);
		for (size_t s = 0; s < img.nr; s++)
			for (size_t i = 0; i < NR_CODECS; i++)
				if (codecs[i].tag == img.sections[s].tag)
					run_codec(i, img.sections[s].data, img.sections[s].len);
		snap_image_free(&img);
	}
	if (size >= 1)
		run_codec(data[0] % NR_CODECS, data + 1, size - 1);
	return 0;
}
