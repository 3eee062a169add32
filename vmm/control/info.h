/*
 * `info`, the control command that says what a VM is (name, pid, vCPUs
 * present/possible, PSCI mode, run state, uptime), and `vmm list`, which
 * asks every named VM's socket for it and prints a table or JSON. Pure:
 * formatting and parsing only; the sockets are list.c's.
 *
 *   info          ok name=NAME pid=N present=N possible=N psci=user|kernel
 *                    state=running|pausing|paused uptime_s=N
 *   info --json   ok {"name":"NAME","pid":N,...}       (name "-" / null: unnamed)
 */
#ifndef VMM_CONTROL_INFO_H
#define VMM_CONTROL_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "vmm/control/names.h"

struct control_info {
	char name[CONTROL_NAME_MAX + 1]; /* "-": started with --control PATH */
	long pid;
	unsigned int present, possible;
	char psci[8];	/* user | kernel */
	char state[12]; /* running | pausing | paused */
	unsigned long long uptime_s;
};

/* The reply line (without its newline), "ok ..." in either form. */
void control_info_format(const struct control_info *in, bool json, char *buf, size_t len);

/* Parse the key=value form of the reply; 0, or -1 if it is not one. */
int control_info_parse(const char *reply, struct control_info *out);

/* "42s", "3m05s", "2h07m", "4d03h". */
void control_uptime_format(unsigned long long s, char *buf, size_t len);

/* `vmm list`'s table: the header, then one row per VM. */
void control_list_header(FILE *f);
void control_list_row(FILE *f, const struct control_info *in);
/* `vmm list --json`: an array of objects like `info --json`'s. */
void control_list_json(FILE *f, const struct control_info *vms, unsigned int n);

/* `vmm list [--json]` (list.c): exit status 0, or 2 with one line. */
int control_list_main(int argc, char **argv);

#endif
