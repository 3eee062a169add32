/*
 * The control protocol spoken on `--control PATH` (a UNIX stream socket):
 * one request per line, one reply per line starting with "ok" or
 * "error <reason>". Pure logic: request parsing and line framing; the
 * socket handling and the execution against a VM live in control/server.c.
 *
 *   cpus [--json]           ok ID:MPIDR:STATE:ONS:OFFS ...  (STATE absent|off|on-pending|on)
 *                           With --acpi: :enabled|disabled[,EVENT-IN-FLIGHT][,ost=EVENT/STATUS]
 *                           (the guest's last _OST for the vCPU)
 *   plug ID [--timeout S]   ok           (the vCPU becomes present: CPU_ON may start it)
 *                           With --acpi: ok once the guest's _OST reported success
 *                           and it started the vCPU (CPU_ON), error if its _OST
 *                           reported a failure or that did not happen within
 *                           S seconds (default 10; the vCPU stays plugged either way)
 *   unplug ID [--when-off] [--timeout S]
 *                           ok | ok deferred | error (never stops a running CPU;
 *                           vCPU 0, the boot CPU, is never unplugged). With --acpi:
 *                           an eject request; ok once the guest ejected the vCPU
 *                           and its _OST said success, error if its _OST reported a
 *                           failure or it did not eject within S seconds (default 30)
 *   stats [--json]          ok key=value ...
 *   trace on|off            ok
 *   trace-file PATH|off     ok           (JSON lines, tracefile.h)
 *   inject RULE|list|clear  ok ...       (fault injection, inject.h)
 *   info [--json]           ok name=NAME pid=N present=N possible=N psci=user|kernel
 *                           state=running|pausing|paused uptime_s=N (control/info.h;
 *                           name "-" without --name; `vmm list` asks every VM this)
 *   pause                   ok once no vCPU is in KVM_RUN and none will enter it
 *                           (the guest's virtual counter stops too: kvm/pause.c);
 *                           error if already paused or pausing
 *   resume                  ok once every parked vCPU is released; error if not paused
 *   snapshot DIR [--stop]   ok BYTES MS  once the VM's whole state is in DIR (which must
 *                           not exist, or be empty): every vCPU parked, DIR written
 *                           (state file and sparse RAM), then the VM goes on (stays
 *                           paused if it was; ends as on quit with --stop). BYTES
 *                           written, MS taken. "error busy: ..." if a vCPU stays in
 *                           the middle of a forwarded call (an injected delay) for 5 s
 *   quit                    ok           (ends the VM like SYSTEM_OFF; also when paused)
 *   help                    ok COMMANDS...
 */
#ifndef VMM_CONTROL_H
#define VMM_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#define CONTROL_MAX_LINE 256

enum control_cmd {
	CONTROL_CPUS,
	CONTROL_PLUG,
	CONTROL_UNPLUG,
	CONTROL_STATS,
	CONTROL_TRACE,
	CONTROL_QUIT,
	CONTROL_INJECT,
	CONTROL_TRACE_FILE,
	CONTROL_INFO,
	CONTROL_PAUSE,
	CONTROL_RESUME,
	CONTROL_SNAPSHOT,
	CONTROL_HELP, /* the last one */
};

enum control_inject_op {
	CONTROL_INJECT_ADD,
	CONTROL_INJECT_LIST,
	CONTROL_INJECT_CLEAR,
};

struct control_req {
	enum control_cmd cmd;
	unsigned int cpu;	/* plug/unplug */
	bool when_off;		/* unplug --when-off */
	unsigned int timeout_s; /* plug/unplug --timeout: how long an ACPI guest may take */
	bool on;		/* trace on|off, trace-file PATH (true) | off */
	bool json;		/* cpus --json, stats --json, info --json */
	bool stop;		/* snapshot --stop */
	enum control_inject_op inject_op;
	char arg[CONTROL_MAX_LINE + 1]; /* the rule (inject), the path (trace-file, snapshot) */
};

/* `plug` of an ACPI guest waits this long for the guest's _OST, `unplug` for
 * its eject, by default. */
#define CONTROL_PLUG_TIMEOUT_S	     10
#define CONTROL_UNPLUG_TIMEOUT_S     30
#define CONTROL_UNPLUG_TIMEOUT_MAX_S 600

/* Parse one line (without its newline). Returns 0, or -1 with a reason in err. */
int control_parse(const char *line, struct control_req *req, char *err, size_t errlen);

/*
 * Line framing for one connection: feed it whatever read() returned; it
 * calls on_line for every complete line (newline stripped, a trailing CR
 * too). A line longer than CONTROL_MAX_LINE is reported once through
 * on_line with too_long = true and then skipped up to its newline.
 */
struct control_conn {
	char buf[CONTROL_MAX_LINE + 1];
	size_t len;
	bool discarding;
};

typedef void (*control_line_fn)(void *ctx, const char *line, bool too_long);

void control_feed(struct control_conn *c, const char *data, size_t n, control_line_fn on_line,
		  void *ctx);

extern const char control_help[];

#endif
