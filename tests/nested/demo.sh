# `make demo`: the bare-metal guest's narrated PSCI demo on 4 vCPUs, recorded
# with --trace-file and drawn by `vmm timeline`; the picture, the record and
# the record as Trace Event JSON (for ui.perfetto.dev) come back as
# build/demo-timeline.svg, build/demo-trace.jsonl and build/demo-trace.json.
. tests/nested/lib.sh
./vmm boot guest.img -c 4 --trace-file /tmp/demo.jsonl
rc=$?
./vmm timeline /tmp/demo.jsonl -o /tmp/demo-timeline.svg \
	--title "make demo: the bare-metal PSCI demo on 4 vCPUs" &&
	export_file /tmp/demo-timeline.svg demo-timeline.svg
export_file /tmp/demo.jsonl demo-trace.jsonl
./vmm timeline /tmp/demo.jsonl --format trace-event -o /tmp/demo-trace.json &&
	export_file /tmp/demo-trace.json demo-trace.json
exit $rc
