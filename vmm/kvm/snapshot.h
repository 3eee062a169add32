/*
 * Snapshot and restore, the KVM side (DESIGN.md §13): saving a parked VM
 * into a snapshot directory (`vmm ctl SOCK snapshot DIR`) and loading one
 * into a freshly created VM (`vmm restore DIR`). The files:
 *
 *   snapshot_save.c     the directory (a temporary sibling renamed at the
 *                       end), the state file's sections in order
 *   snapshot_restore.c  a created VM brought to the saved state
 *   snapshot_vcpu.c     every vCPU register (KVM_GET_REG_LIST), MP state,
 *                       the firmware pseudo-registers
 *   snapshot_vgic.c     the vGICv3: distributor, redistributors, CPU
 *                       interface registers, line levels
 *   snapshot_ram.c      guest RAM: only pages with data, a sparse file
 *
 * The section payloads are vmm/snapshot/kvmstate.h's (pure, unit-tested);
 * the userspace modules' are vmm/snapshot/snapstate.h's.
 */
#ifndef VMM_KVM_SNAPSHOT_H
#define VMM_KVM_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/snapshot/kvmstate.h"
#include "vmm/snapshot/snapbuf.h"
#include "vmm/snapshot/snapfile.h"

struct vm;
struct vcpu;

/* What a snapshot wrote: state file plus RAM data, and how long it took. */
struct snapshot_result {
	uint64_t bytes;
	uint64_t ms;
};

/*
 * snapshot_save.c. snapshot_check_dir: DIR may be written (it does not
 * exist, or is an empty directory; its parent exists): 0, or -1 with one
 * line. snapshot_save: every vCPU is parked (the caller made sure); writes
 * DIR whole or not at all. 0, or -1 with one line in err.
 */
int snapshot_check_dir(const char *dir, char *err, size_t errlen);
int snapshot_save(struct vm *vm, const char *dir, uint64_t counter, struct snapshot_result *res,
		  char *err, size_t errlen);

/* The host facts of this VM (page size, filter, PMU); boot files left empty. */
void snapshot_host_facts(struct vm *vm, struct snap_host *h);

/* snapshot_restore.c: the created VM (vm_create with the snapshot's RAM)
 * gets the saved state. 0, or -1 with one line in err. */
int snapshot_restore(struct vm *vm, const struct snap_image *img, int ram_fd, char *err,
		     size_t errlen);

/* snapshot_vcpu.c */
int snapshot_save_vcpu(struct vcpu *v, struct snap_buf *b, char *err, size_t errlen);
int snapshot_restore_vcpu(struct vcpu *v, const struct snap_vcpu *s, char *err, size_t errlen);
int snapshot_save_fw_regs(struct vcpu *v0, struct snap_fw_regs *f, char *err, size_t errlen);
int snapshot_restore_fw_regs(struct vcpu *v0, const struct snap_fw_regs *f, char *err,
			     size_t errlen);

/* snapshot_vgic.c */
int snapshot_save_vgic(struct vm *vm, struct snap_buf *b, char *err, size_t errlen);
int snapshot_restore_vgic(struct vm *vm, const struct snap_vgic *g, char *err, size_t errlen);

/* snapshot_ram.c: write RAM (then the ACPI region) to fd, a new file;
 * *pages gets the pages written. Returns 0 or -errno (err says what). */
int snapshot_write_ram(struct vm *vm, int fd, uint64_t *pages, char *err, size_t errlen);

#endif
