/*
 * What the files executing control requests against the VM share
 * (vm_control.c dispatches; vm_control_cpus.c answers the vCPU commands).
 * Not for use outside vmm/kvm/.
 */
#ifndef VMM_KVM_VM_CONTROL_H
#define VMM_KVM_VM_CONTROL_H

struct vm;
struct control_req;
struct control_reply;

/* `cpus [--json]`. */
void vm_control_cpus(struct vm *vm, const struct control_req *req, struct control_reply *r);
/* `plug ID` / `unplug ID ...`, both hotplug models. */
void vm_control_hotplug(struct vm *vm, const struct control_req *req, struct control_reply *r);

/* `snapshot DIR [--stop]` (vm_control_snapshot.c). */
void vm_control_snapshot(struct vm *vm, const struct control_req *req, struct control_reply *r);

#endif
