/*
 * SNAP_MACHINE and SNAP_SHARED (contract in snapstate.h, DESIGN.md §13): the
 * machine description a restore builds its VM from, and what vmm_shared
 * keeps across resets that a guest can see.
 *
 *   MACHINE  u32 vCPUs, u32 present at boot, per vCPU u64 MPIDR and bool
 *            present at boot; the memory map as u64 base, size pairs (RAM,
 *            UART, test device, CPU hotplug, PV time, ACPI, GICD, GICR), u32
 *            UART clock, u32 UART SPI, GED SPI, PMU INTID, conduit, PSCI
 *            mode, bool ACPI, text command line
 *   SHARED   u32 resets, u32 restores, u64 hypercall exits, u32 vCPUs, per
 *            vCPU bool present
 *
 * A loaded machine is trusted only once it equals, field by field, the
 * machine machine_describe() builds from the options it implies: so a
 * snapshot can never make this vmm build a machine its options could not.
 */
#include <inttypes.h>
#include <string.h>

#include "vmm/cli/cli.h"
#include "vmm/snapshot/snap_codec.h"
#include "vmm/snapshot/snapstate.h"

/* The highest RAM end the largest arm64 IPA space (52 bits) can hold. */
#define SNAP_MAX_IPA (1ULL << 52)

static void put_range(struct snap_buf *b, uint64_t base, uint64_t size)
{
	snap_put_u64(b, base);
	snap_put_u64(b, size);
}

void snap_machine_save(const struct machine *m, struct snap_buf *b)
{
	snap_put_u32(b, m->nr_cpus);
	snap_put_u32(b, m->nr_boot_cpus);
	for (unsigned int i = 0; i < m->nr_cpus && i < MACHINE_MAX_CPUS; i++) {
		snap_put_u64(b, m->mpidrs[i]);
		snap_put_bool(b, m->boot_present[i]);
	}
	put_range(b, m->ram_base, m->ram_size);
	put_range(b, m->uart_base, m->uart_size);
	put_range(b, m->testdev_base, m->testdev_size);
	put_range(b, m->cpuhp_base, m->cpuhp_size);
	put_range(b, m->pvtime_base, m->pvtime_size);
	put_range(b, m->acpi_base, m->acpi_size);
	put_range(b, m->gicd_base, m->gicd_size);
	put_range(b, m->gicr_base, m->gicr_size);
	snap_put_u32(b, m->uart_clock_hz);
	snap_put_u32(b, m->uart_spi);
	snap_put_u32(b, m->ged_spi);
	snap_put_u32(b, m->pmu_intid);
	snap_put_u32(b, (uint32_t)m->conduit);
	snap_put_u32(b, (uint32_t)m->psci);
	snap_put_bool(b, m->acpi);
	snap_put_str(b, m->cmdline);
}

static void get_range(struct snap_cursor *c, uint64_t *base, uint64_t *size)
{
	*base = snap_get_u64(c);
	*size = snap_get_u64(c);
}

static void read_machine(struct snap_cursor *c, struct machine *m, uint32_t *conduit,
			 uint32_t *psci)
{
	for (unsigned int i = 0; i < m->nr_cpus; i++) {
		m->mpidrs[i] = snap_get_u64(c);
		m->boot_present[i] = snap_get_bool(c);
	}
	get_range(c, &m->ram_base, &m->ram_size);
	get_range(c, &m->uart_base, &m->uart_size);
	get_range(c, &m->testdev_base, &m->testdev_size);
	get_range(c, &m->cpuhp_base, &m->cpuhp_size);
	get_range(c, &m->pvtime_base, &m->pvtime_size);
	get_range(c, &m->acpi_base, &m->acpi_size);
	get_range(c, &m->gicd_base, &m->gicd_size);
	get_range(c, &m->gicr_base, &m->gicr_size);
	m->uart_clock_hz = snap_get_u32(c);
	m->uart_spi = snap_get_u32(c);
	m->ged_spi = snap_get_u32(c);
	m->pmu_intid = snap_get_u32(c);
	*conduit = snap_get_u32(c);
	*psci = snap_get_u32(c);
	m->acpi = snap_get_bool(c);
	snap_get_str(c, m->cmdline, sizeof(m->cmdline));
}

void snap_machine_config(const struct machine *m, struct vmm_config *cfg)
{
	cfg->nr_cpus = m->nr_boot_cpus;
	cfg->max_cpus = m->nr_cpus;
	cfg->ram_size = m->ram_size;
	cfg->psci_mode = m->psci == MACHINE_PSCI_KERNEL ? PSCI_MODE_KERNEL : PSCI_MODE_USER;
	cfg->conduit = m->conduit == MACHINE_CONDUIT_SMC ? SMCCC_CONDUIT_SMC : SMCCC_CONDUIT_HVC;
	cfg->acpi = m->acpi;
	cfg->pmu = machine_has_pmu(m);
	cfg->cmdline = m->cmdline[0] ? m->cmdline : NULL;
}

/* The first field in which a and b differ, or NULL. */
static const char *first_difference(const struct machine *a, const struct machine *b)
{
#define FIELD(f)                                                                                   \
	{                                                                                          \
#f, offsetof(struct machine, f), sizeof(((struct machine *)0)->f)                  \
	}
	static const struct {
		const char *name;
		size_t off, size;
	} fields[] = {
	    FIELD(nr_cpus),	  FIELD(mpidrs),       FIELD(nr_boot_cpus), FIELD(boot_present),
	    FIELD(ram_base),	  FIELD(ram_size),     FIELD(uart_base),    FIELD(uart_size),
	    FIELD(uart_clock_hz), FIELD(testdev_base), FIELD(testdev_size), FIELD(cpuhp_base),
	    FIELD(cpuhp_size),	  FIELD(pvtime_base),  FIELD(pvtime_size),  FIELD(acpi_base),
	    FIELD(acpi_size),	  FIELD(gicd_base),    FIELD(gicd_size),    FIELD(gicr_base),
	    FIELD(gicr_size),	  FIELD(uart_spi),     FIELD(ged_spi),	    FIELD(pmu_intid),
	    FIELD(conduit),	  FIELD(psci),	       FIELD(acpi),	    FIELD(cmdline),
	};
#undef FIELD
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (memcmp((const char *)a + fields[i].off, (const char *)b + fields[i].off,
			   fields[i].size))
			return fields[i].name;
	return NULL;
}

/* What the counts, enums and RAM must be before machine_describe can judge the rest. */
static int check_basics(const struct machine *m, uint32_t conduit, uint32_t psci, char *err,
			size_t errlen)
{
	if (conduit > MACHINE_CONDUIT_SMC || psci > MACHINE_PSCI_KERNEL)
		return snap_refuse(err, errlen, "MACHINE",
				   "unknown conduit %" PRIu32 " or PSCI mode %" PRIu32, conduit,
				   psci);
	if (m->ram_size == 0 || m->ram_size % 4096 || m->ram_base > SNAP_MAX_IPA ||
	    m->ram_size > SNAP_MAX_IPA - m->ram_base)
		return snap_refuse(err, errlen, "MACHINE",
				   "RAM of 0x%" PRIx64 " bytes at 0x%" PRIx64
				   " is not whole pages inside a 52-bit address space",
				   m->ram_size, m->ram_base);
	return 0;
}

int snap_machine_load(struct machine *m, const void *data, size_t len, char *err, size_t errlen)
{
	struct vmm_config cfg = {0};
	struct machine expected;
	struct snap_cursor c;
	uint32_t conduit = 0, psci = 0;
	char why[256];
	const char *field;

	memset(m, 0, sizeof(*m));
	snap_cursor_init(&c, data, len);
	m->nr_cpus = snap_get_u32(&c);
	m->nr_boot_cpus = snap_get_u32(&c);
	if (!c.bad && (m->nr_cpus == 0 || m->nr_cpus > MACHINE_MAX_CPUS || m->nr_boot_cpus == 0 ||
		       m->nr_boot_cpus > m->nr_cpus))
		return snap_refuse(err, errlen, "MACHINE",
				   "%u vCPUs present of %u possible: need 1 <= present <= "
				   "possible <= %d",
				   m->nr_boot_cpus, m->nr_cpus, MACHINE_MAX_CPUS);
	if (!c.bad)
		read_machine(&c, m, &conduit, &psci);
	if (snap_check_done(&c, "MACHINE", err, errlen) ||
	    check_basics(m, conduit, psci, err, errlen))
		return -1;
	m->conduit = (enum machine_conduit)conduit;
	m->psci = (enum machine_psci)psci;
	snap_machine_config(m, &cfg);
	if (machine_describe(&cfg, &expected, why, sizeof(why)))
		return snap_refuse(err, errlen, "MACHINE", "%s", why);
	field = first_difference(m, &expected);
	if (field)
		return snap_refuse(err, errlen, "MACHINE",
				   "%s is not what this vmm builds for the same options", field);
	return 0;
}

void snap_shared_save(const struct snap_shared *s, struct snap_buf *b)
{
	snap_put_u32(b, s->resets);
	snap_put_u32(b, s->restores);
	snap_put_u64(b, s->hypercalls);
	snap_put_u32(b, s->nr_cpus);
	for (unsigned int i = 0; i < s->nr_cpus && i < MACHINE_MAX_CPUS; i++)
		snap_put_bool(b, s->present[i]);
}

int snap_shared_load(struct snap_shared *s, unsigned int nr_cpus, const void *data, size_t len,
		     char *err, size_t errlen)
{
	struct snap_cursor c;

	memset(s, 0, sizeof(*s));
	snap_cursor_init(&c, data, len);
	s->resets = snap_get_u32(&c);
	s->restores = snap_get_u32(&c);
	s->hypercalls = snap_get_u64(&c);
	s->nr_cpus = snap_get_u32(&c);
	if (!c.bad && (s->nr_cpus != nr_cpus || nr_cpus > MACHINE_MAX_CPUS))
		return snap_refuse(err, errlen, "SHARED", "%u vCPUs, the machine has %u",
				   s->nr_cpus, nr_cpus);
	for (unsigned int i = 0; i < s->nr_cpus && !c.bad; i++)
		s->present[i] = snap_get_bool(&c);
	if (snap_check_done(&c, "SHARED", err, errlen))
		return -1;
	if (!s->present[0])
		return snap_refuse(err, errlen, "SHARED", "the boot vCPU 0 is absent");
	return 0;
}
