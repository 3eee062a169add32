/*
 * Unit tests of the userspace vendor-hypervisor services (vmm/firmware/vendor.c):
 * KVM's DISCOVER_IMPL_VER/CPUS as hypercalls.rst defines them, and this
 * VMM's VMM_HYP_INFO / VMM_HYP_CONSOLE_WRITE (vmm/machine/guest_abi.h), including
 * every way a guest buffer can fall outside RAM.
 */
#define CHECK_FILE "vendor"
#include "tests/unit/check.h"

#include <stdint.h>
#include <string.h>

#include "vmm/machine/guest_abi.h"
#include "vmm/firmware/psci.h"
#include "vmm/firmware/vendor.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE 0x10000ULL

static uint8_t ram[RAM_SIZE];
static char console[8192];
static size_t console_len;

static void console_write(void *ctx, const uint8_t *buf, size_t len)
{
	(void)ctx;
	memcpy(console + console_len, buf, len);
	console_len += len;
}

static void setup(struct vendor *v, struct psci *p)
{
	memset(v, 0, sizeof(*v));
	v->ram = ram;
	v->ram_base = RAM_BASE;
	v->ram_size = RAM_SIZE;
	v->console_write = console_write;
	v->psci = p;
	vendor_init(v);
	console_len = 0;
}

static struct smccc_result call(const struct smccc_service *svc, uint32_t fid, uint64_t a1,
				uint64_t a2, uint64_t a3)
{
	struct smccc_call c = {.fid = fid, .args = {a1, a2, a3}};
	struct smccc_result r = {.x = {(uint64_t)-1, 0, 0, 0}, .nr = 1};

	c.nr_args = svc->nr_args(svc->ctx, fid);
	svc->handle(svc->ctx, &c, &r);
	return r;
}

TEST(discover_impl_reports_the_configured_list)
{
	struct vendor v;
	struct smccc_result r;

	setup(&v, NULL);
	v.nr_impl = 2;
	v.impl[0] = (struct vendor_impl_cpu){0x410fd0c0, 0, 0};
	v.impl[1] = (struct vendor_impl_cpu){0x411fd400, 1, 2};
	r = call(&v.impl_service, KVM_DISCOVER_IMPL_VER_FUNC_ID, 0, 0, 0);
	CHECK_EQ(r.x[0], 0);
	CHECK_EQ(r.x[1], 0x10000);
	CHECK_EQ(r.x[2], 2);
	CHECK_EQ(r.nr, 4);
	r = call(&v.impl_service, KVM_DISCOVER_IMPL_CPUS_FUNC_ID, 1, 0, 0);
	CHECK_EQ(r.x[0], 0);
	CHECK_EQ(r.x[1], 0x411fd400);
	CHECK_EQ(r.x[2], 1);
	CHECK_EQ(r.x[3], 2);
	CHECK_EQ(v.impl_service.nr_args(&v, KVM_DISCOVER_IMPL_VER_FUNC_ID), 0);
	CHECK_EQ(v.impl_service.nr_args(&v, KVM_DISCOVER_IMPL_CPUS_FUNC_ID), 3);
}

TEST(discover_impl_refuses_bad_index_and_reserved_args)
{
	struct vendor v;

	setup(&v, NULL);
	v.nr_impl = 1;
	CHECK_EQ((int64_t)call(&v.impl_service, KVM_DISCOVER_IMPL_CPUS_FUNC_ID, 1, 0, 0).x[0], -3);
	CHECK_EQ((int64_t)call(&v.impl_service, KVM_DISCOVER_IMPL_CPUS_FUNC_ID, 0, 1, 0).x[0], -3);
	CHECK_EQ((int64_t)call(&v.impl_service, KVM_DISCOVER_IMPL_CPUS_FUNC_ID, 0, 0, 1).x[0], -3);
	CHECK_EQ(
	    (int64_t)call(&v.impl_service, KVM_DISCOVER_IMPL_CPUS_FUNC_ID, UINT64_MAX, 0, 0).x[0],
	    -3);
	v.nr_impl = 0;
	CHECK_EQ((int64_t)call(&v.impl_service, KVM_DISCOVER_IMPL_VER_FUNC_ID, 0, 0, 0).x[0], -1);
}

TEST(vmm_info_identifies_the_vmm_and_counts_vcpus)
{
	static const uint64_t mpidrs[3] = {0, 1, 2};
	struct vendor v;
	struct psci p;
	struct smccc_result r;

	CHECK_EQ(psci_init(&p, 3, mpidrs, RAM_BASE, RAM_SIZE), 0);
	psci_set_present(&p, 2, false);
	setup(&v, &p);
	r = call(&v.vmm_service, GUEST_VMM_HYP_INFO, 0, 0, 0);
	CHECK_EQ(r.x[0], 0);
	CHECK(r.x[1] == GUEST_VMM_HYP_MAGIC);
	CHECK_EQ(r.x[2], (VMM_VERSION_MAJOR << 16) | VMM_VERSION_MINOR);
	CHECK(r.x[3] == (3ULL << 32 | 2));
	CHECK_EQ(psci_plug(&p, 2), 0);
	r = call(&v.vmm_service, GUEST_VMM_HYP_INFO, 0, 0, 0);
	CHECK(r.x[3] == (3ULL << 32 | 3));
	psci_destroy(&p);
}

TEST(console_write_copies_exactly_the_bytes)
{
	struct vendor v;
	struct smccc_result r;

	setup(&v, NULL);
	memcpy(ram + 0x100, "hello, console", 14);
	r = call(&v.vmm_service, GUEST_VMM_HYP_CONSOLE_WRITE, RAM_BASE + 0x100, 14, 0);
	CHECK_EQ(r.x[0], 14);
	CHECK_EQ(console_len, 14);
	CHECK(memcmp(console, "hello, console", 14) == 0);
	/* The last byte of RAM is fine; zero bytes write nothing. */
	r = call(&v.vmm_service, GUEST_VMM_HYP_CONSOLE_WRITE, RAM_BASE + RAM_SIZE - 1, 1, 0);
	CHECK_EQ(r.x[0], 1);
	r = call(&v.vmm_service, GUEST_VMM_HYP_CONSOLE_WRITE, RAM_BASE, 0, 0);
	CHECK_EQ(r.x[0], 0);
	CHECK_EQ(console_len, 15);
}

TEST(console_write_refuses_buffers_outside_ram)
{
	static const struct {
		uint64_t addr, len;
	} bad[] = {
	    {0x1000, 4},			   /* below RAM */
	    {RAM_BASE - 1, 2},			   /* straddles the start */
	    {RAM_BASE + RAM_SIZE - 1, 2},	   /* straddles the end */
	    {RAM_BASE + RAM_SIZE, 1},		   /* just past the end */
	    {RAM_BASE, GUEST_VMM_CONSOLE_MAX + 1}, /* too long */
	    {UINT64_MAX - 1, 4},		   /* wraps */
	    {RAM_BASE + 0x10, UINT64_MAX - 0x8},   /* huge length wraps */
	};
	struct vendor v;

	setup(&v, NULL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct smccc_result r =
		    call(&v.vmm_service, GUEST_VMM_HYP_CONSOLE_WRITE, bad[i].addr, bad[i].len, 0);

		if ((int64_t)r.x[0] != -3) {
			printf("  addr 0x%llx len 0x%llx -> %lld, expected -3\n",
			       (unsigned long long)bad[i].addr, (unsigned long long)bad[i].len,
			       (long long)r.x[0]);
			check_failed_in_case = 1;
		}
	}
	CHECK_EQ(console_len, 0);
}

TEST(unknown_vendor_functions_are_not_supported)
{
	struct vendor v;

	setup(&v, NULL);
	CHECK_EQ((int64_t)call(&v.vmm_service, GUEST_VMM_HYP_BASE + 5, 0, 0, 0).x[0], -1);
	CHECK_EQ(v.vmm_service.nr_args(&v, GUEST_VMM_HYP_BASE + 5), 0);
}

CHECK_MAIN_BEGIN
RUN(discover_impl_reports_the_configured_list);
RUN(discover_impl_refuses_bad_index_and_reserved_args);
RUN(vmm_info_identifies_the_vmm_and_counts_vcpus);
RUN(console_write_copies_exactly_the_bytes);
RUN(console_write_refuses_buffers_outside_ram);
RUN(unknown_vendor_functions_are_not_supported);
CHECK_MAIN_END
