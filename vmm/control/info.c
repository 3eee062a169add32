/*
 * The `info` reply and `vmm list`'s output (contract in info.h). The reply
 * is the only thing `vmm list` learns a VM by, so the two sides share this
 * file: what one writes the other parses, and a unit test checks the round
 * trip.
 */
#include <stdlib.h>
#include <string.h>

#include "vmm/control/info.h"

/* "name":"a" or "name":null for an unnamed VM. */
static void json_object(const struct control_info *in, char *buf, size_t len)
{
	char name[CONTROL_NAME_MAX + 3];

	if (strcmp(in->name, "-"))
		snprintf(name, sizeof(name), "\"%s\"", in->name);
	else
		snprintf(name, sizeof(name), "null");
	snprintf(buf, len,
		 "{\"name\":%s,\"pid\":%ld,\"present\":%u,\"possible\":%u,\"psci\":\"%s\","
		 "\"state\":\"%s\",\"uptime_s\":%llu}",
		 name, in->pid, in->present, in->possible, in->psci, in->state, in->uptime_s);
}

void control_info_format(const struct control_info *in, bool json, char *buf, size_t len)
{
	char obj[256];

	if (json) {
		json_object(in, obj, sizeof(obj));
		snprintf(buf, len, "ok %s", obj);
		return;
	}
	snprintf(buf, len,
		 "ok name=%s pid=%ld present=%u possible=%u psci=%s state=%s uptime_s=%llu",
		 in->name, in->pid, in->present, in->possible, in->psci, in->state, in->uptime_s);
}

/* One key=value word into out; false if the key is unknown or the value bad. */
static bool parse_word(const char *key, const char *val, struct control_info *out)
{
	char *end;

	if (!strcmp(key, "name") && strlen(val) <= CONTROL_NAME_MAX) {
		strcpy(out->name, val);
		return true;
	}
	if ((!strcmp(key, "psci") && strlen(val) < sizeof(out->psci)) ||
	    (!strcmp(key, "state") && strlen(val) < sizeof(out->state))) {
		strcpy(key[0] == 'p' ? out->psci : out->state, val);
		return true;
	}
	if (strcmp(key, "pid") && strcmp(key, "present") && strcmp(key, "possible") &&
	    strcmp(key, "uptime_s"))
		return true; /* a key a newer VMM added: skip it */
	if (*val < '0' || *val > '9')
		return false;
	unsigned long long v = strtoull(val, &end, 10);

	if (*end)
		return false;
	if (!strcmp(key, "pid"))
		out->pid = (long)v;
	else if (!strcmp(key, "present"))
		out->present = (unsigned int)v;
	else if (!strcmp(key, "possible"))
		out->possible = (unsigned int)v;
	else
		out->uptime_s = v;
	return true;
}

int control_info_parse(const char *reply, struct control_info *out)
{
	char copy[512], *save = NULL;
	unsigned int seen = 0;

	if (strncmp(reply, "ok ", 3) || strlen(reply) >= sizeof(copy))
		return -1;
	memset(out, 0, sizeof(*out));
	snprintf(copy, sizeof(copy), "%s", reply + 3);
	copy[strcspn(copy, "\n")] = '\0';
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(w, '=');

		if (!eq)
			return -1;
		*eq = '\0';
		if (!parse_word(w, eq + 1, out))
			return -1;
		seen++;
	}
	/* name, pid, present, possible, psci, state, uptime_s at least. */
	return seen >= 7 && out->name[0] && out->psci[0] && out->state[0] ? 0 : -1;
}

void control_uptime_format(unsigned long long s, char *buf, size_t len)
{
	if (s < 60)
		snprintf(buf, len, "%llus", s);
	else if (s < 3600)
		snprintf(buf, len, "%llum%02llus", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lluh%02llum", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%llud%02lluh", s / 86400, s % 86400 / 3600);
}

#define ROW_FMT "%-20s %8s %-9s %-6s %-8s %s\n"

void control_list_header(FILE *f)
{
	fprintf(f, ROW_FMT, "NAME", "PID", "VCPUS", "PSCI", "STATE", "UPTIME");
}

void control_list_row(FILE *f, const struct control_info *in)
{
	char pid[24], cpus[24], up[24];

	snprintf(pid, sizeof(pid), "%ld", in->pid);
	snprintf(cpus, sizeof(cpus), "%u/%u", in->present, in->possible);
	control_uptime_format(in->uptime_s, up, sizeof(up));
	fprintf(f, ROW_FMT, in->name, pid, cpus, in->psci, in->state, up);
}

void control_list_json(FILE *f, const struct control_info *vms, unsigned int n)
{
	char obj[256];

	fputc('[', f);
	for (unsigned int i = 0; i < n; i++) {
		json_object(&vms[i], obj, sizeof(obj));
		fprintf(f, "%s%s", i ? "," : "", obj);
	}
	fputs("]\n", f);
}
