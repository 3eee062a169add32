/*
 * SNAP_CPUHP, SNAP_UART and SNAP_TESTDEV (contract in snapstate.h,
 * DESIGN.md §13): the emulated devices' registers.
 *
 *   CPUHP    u32 vCPUs, u64 _OST count, per vCPU u8 unacknowledged events
 *            (INSERT, EJECT), bool eject requested, u64 _OST sequence,
 *            u32 _OST event, u32 _OST status
 *   UART     u8 IER, LCR, MCR, SCR, DLL, DLM, FCR, bool THR-empty latched,
 *            bool line level, u32 FIFO bytes, the bytes oldest first
 *   TESTDEV  bool failed, u32 last result, u32 resets, u32 PSCI mode,
 *            u32 restores
 *
 * Every value is one the device itself could have come to: the UART's
 * registers keep only the bits a write keeps, an event is INSERT or EJECT
 * but not both, and only a requested eject can be pending.
 */
#include <inttypes.h>
#include <string.h>

#include "vmm/machine/cpuhp.h"
#include "vmm/machine/guest_abi.h"
#include "vmm/machine/testdev.h"
#include "vmm/machine/uart.h"
#include "vmm/snapshot/snap_codec.h"
#include "vmm/snapshot/snapstate.h"

void snap_cpuhp_save(struct cpuhp *h, struct snap_buf *b)
{
	pthread_mutex_lock(&h->lock);
	snap_put_u32(b, h->nr_cpus);
	snap_put_u64(b, h->ost_seq);
	for (unsigned int i = 0; i < h->nr_cpus; i++) {
		const struct cpuhp_cpu *c = &h->cpus[i];

		snap_put_u8(b, c->pending);
		snap_put_bool(b, c->eject_requested);
		snap_put_u64(b, c->ost.seq);
		snap_put_u32(b, c->ost.event);
		snap_put_u32(b, c->ost.status);
	}
	pthread_mutex_unlock(&h->lock);
}

/* Why vCPU i's saved hotplug state cannot be, or NULL. */
static const char *cpuhp_impossible(unsigned int i, const struct cpuhp_cpu *c, uint64_t ost_seq)
{
	const uint8_t events = GUEST_CPUHP_INSERT | GUEST_CPUHP_EJECT;

	if ((c->pending & ~events) || c->pending == events)
		return "has impossible pending events";
	if ((c->pending & GUEST_CPUHP_EJECT) && !c->eject_requested)
		return "has an eject event nobody requested";
	if (i == 0 && c->eject_requested)
		return "is the boot vCPU but asked to eject";
	if (c->ost.seq > ost_seq || c->ost.event > 0xffff || c->ost.status > 0xffff ||
	    (!c->ost.seq && (c->ost.event || c->ost.status)))
		return "has an impossible _OST";
	return NULL;
}

/* Two vCPUs never got the same _OST (each write takes the next number). */
static bool ost_seq_repeats(const struct cpuhp *h, unsigned int i)
{
	for (unsigned int j = 0; j < i; j++)
		if (h->cpus[i].ost.seq && h->cpus[j].ost.seq == h->cpus[i].ost.seq)
			return true;
	return false;
}

int snap_cpuhp_load(struct cpuhp *h, const void *data, size_t len, char *err, size_t errlen)
{
	struct snap_cursor c;
	const char *why;
	uint64_t seq;
	uint32_t nr;

	snap_cursor_init(&c, data, len);
	nr = snap_get_u32(&c);
	seq = snap_get_u64(&c);
	if (!c.bad && nr != h->nr_cpus)
		return snap_refuse(err, errlen, "CPUHP", "%" PRIu32 " vCPUs, the machine has %u",
				   nr, h->nr_cpus);
	pthread_mutex_lock(&h->lock);
	h->ost_seq = (unsigned long)seq;
	for (unsigned int i = 0; i < h->nr_cpus && !c.bad; i++) {
		struct cpuhp_cpu *cpu = &h->cpus[i];

		cpu->pending = snap_get_u8(&c);
		cpu->eject_requested = snap_get_bool(&c);
		cpu->ost.seq = (unsigned long)snap_get_u64(&c);
		cpu->ost.event = snap_get_u32(&c);
		cpu->ost.status = snap_get_u32(&c);
		why = c.bad ? NULL : cpuhp_impossible(i, cpu, seq);
		if (!why && !c.bad && ost_seq_repeats(h, i))
			why = "has the _OST of another vCPU";
		if (why) {
			pthread_mutex_unlock(&h->lock);
			return snap_refuse(err, errlen, "CPUHP", "vCPU %u %s", i, why);
		}
	}
	pthread_mutex_unlock(&h->lock);
	return snap_check_done(&c, "CPUHP", err, errlen);
}

void snap_uart_save(struct uart *u, struct snap_buf *b)
{
	pthread_mutex_lock(&u->lock);
	snap_put_u8(b, u->ier);
	snap_put_u8(b, u->lcr);
	snap_put_u8(b, u->mcr);
	snap_put_u8(b, u->scr);
	snap_put_u8(b, u->dll);
	snap_put_u8(b, u->dlm);
	snap_put_u8(b, u->fcr);
	snap_put_bool(b, u->thri_pending);
	snap_put_bool(b, u->irq_level);
	snap_put_u32(b, u->rx_count);
	for (unsigned int i = 0; i < u->rx_count && i < UART_RX_FIFO_SIZE; i++)
		snap_put_u8(b, u->rx[(u->rx_head + i) % UART_RX_FIFO_SIZE]);
	pthread_mutex_unlock(&u->lock);
}

/* The line's level as the registers make it (uart.c's uart_iir, in short). */
static bool uart_level(const struct uart *u)
{
	return ((u->ier & UART_IER_RDI) && u->rx_count) ||
	       ((u->ier & UART_IER_THRI) && u->thri_pending);
}

int snap_uart_load(struct uart *u, const void *data, size_t len, char *err, size_t errlen)
{
	struct snap_cursor c;
	uint32_t count;

	snap_cursor_init(&c, data, len);
	pthread_mutex_lock(&u->lock);
	u->ier = snap_get_u8(&c);
	u->lcr = snap_get_u8(&c);
	u->mcr = snap_get_u8(&c);
	u->scr = snap_get_u8(&c);
	u->dll = snap_get_u8(&c);
	u->dlm = snap_get_u8(&c);
	u->fcr = snap_get_u8(&c);
	u->thri_pending = snap_get_bool(&c);
	u->irq_level = snap_get_bool(&c);
	count = snap_get_u32(&c);
	if (count > UART_RX_FIFO_SIZE)
		c.bad = true;
	u->rx_head = 0;
	u->rx_count = c.bad ? 0 : count;
	snap_get_bytes(&c, u->rx, u->rx_count);
	pthread_mutex_unlock(&u->lock);
	if (snap_check_done(&c, "UART", err, errlen))
		return -1;
	/* What uart.c's writes keep: IER's low nibble, MCR's five bits, FCR
	 * without its self-clearing reset bits. */
	if ((u->ier & 0xf0) || (u->mcr & 0xe0) || (u->fcr & 0x06))
		return snap_refuse(err, errlen, "UART",
				   "registers hold bits the 16550 never keeps "
				   "(IER 0x%02x, MCR 0x%02x, FCR 0x%02x)",
				   u->ier, u->mcr, u->fcr);
	if (u->irq_level != uart_level(u))
		return snap_refuse(err, errlen, "UART",
				   "the interrupt line is %s but the registers say %s",
				   u->irq_level ? "high" : "low", u->irq_level ? "low" : "high");
	return 0;
}

void snap_testdev_save(const struct testdev *t, struct snap_buf *b)
{
	snap_put_bool(b, atomic_load(&t->failed));
	snap_put_u32(b, atomic_load(&t->result));
	snap_put_u32(b, t->resets);
	snap_put_u32(b, t->psci_mode);
	snap_put_u32(b, t->restores);
}

int snap_testdev_load(struct testdev *t, const void *data, size_t len, char *err, size_t errlen)
{
	struct snap_cursor c;
	bool failed;
	uint32_t result, resets, mode, restores;

	snap_cursor_init(&c, data, len);
	failed = snap_get_bool(&c);
	result = snap_get_u32(&c);
	resets = snap_get_u32(&c);
	mode = snap_get_u32(&c);
	restores = snap_get_u32(&c);
	if (snap_check_done(&c, "TESTDEV", err, errlen))
		return -1;
	if (mode != GUEST_PSCI_MODE_USER && mode != GUEST_PSCI_MODE_KERNEL)
		return snap_refuse(err, errlen, "TESTDEV", "unknown PSCI mode %" PRIu32, mode);
	if (result && !failed)
		return snap_refuse(err, errlen, "TESTDEV",
				   "the guest reported failure %" PRIu32 " but has not failed",
				   result);
	atomic_store(&t->failed, failed);
	atomic_store(&t->result, result);
	t->resets = resets;
	t->psci_mode = mode;
	t->restores = restores;
	return 0;
}
