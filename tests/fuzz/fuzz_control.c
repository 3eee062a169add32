/*
 * libFuzzer target: the control protocol. Arbitrary bytes are framed into
 * lines exactly as the socket server does and every line is parsed; a reply
 * must always be decidable (parse succeeds with a sane request, or fails
 * with a non-empty one-line reason).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/control/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_line(void *ctx, const char *line, bool too_long)
{
	struct control_req req;
	char err[160];

	(void)ctx;
	if (too_long)
		return;
	if (strlen(line) > CONTROL_MAX_LINE)
		abort(); /* framing must bound every line */
	if (control_parse(line, &req, err, sizeof(err)) == 0) {
		if (req.cmd > CONTROL_HELP)
			abort();
		if ((req.cmd == CONTROL_PLUG || req.cmd == CONTROL_UNPLUG) && req.cpu > 65535)
			abort();
	} else if (!err[0] || strchr(err, '\n')) {
		abort(); /* a reason, on one line */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct control_conn conn = {0};

	/* Feed in two chunks to exercise partial lines. */
	size_t half = size / 2;

	control_feed(&conn, (const char *)data, half, on_line, NULL);
	control_feed(&conn, (const char *)data + half, size - half, on_line, NULL);
	return 0;
}
