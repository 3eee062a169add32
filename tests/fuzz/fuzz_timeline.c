/*
 * libFuzzer target: `vmm timeline`'s reader. A --trace-file record is a
 * file the user hands us, maybe cut short or edited: any bytes must either
 * parse, and then draw (SVG) and convert (Trace Event JSON) without a
 * fault, or be refused with a one-line, printable reason.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/record/timeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_reason(const char *err)
{
	if (!err[0])
		abort(); /* a refusal says why */
	for (const char *p = err; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			abort(); /* one line, nothing for a terminal to act on */
}

static void check_output(char *out, size_t len)
{
	if (out && strlen(out) != len)
		abort(); /* the length said is the text's */
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct timeline tl;
	char err[256] = "";
	size_t len = 0;

	if (timeline_parse_details(&tl, (const char *)data, size, err, sizeof(err))) {
		check_reason(err);
	} else {
		check_output(timeline_svg(&tl, "fuzz", &len), len);
		check_output(timeline_trace_event(&tl, NULL, &len), len);
	}
	timeline_free(&tl);
	return 0;
}
