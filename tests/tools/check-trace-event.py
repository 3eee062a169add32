#!/usr/bin/env python3
"""Check a `vmm timeline --format trace-event` file against its record.

    check-trace-event.py RECORD.jsonl TRACE.json

The Trace Event file must be strict JSON (UTF-8, no NaN or Infinity, no raw
control characters in strings) in the object form, and hold what the record
holds:
  - a process name, and a "vcpu N" thread (power states) for every vCPU with
    a state line, a "vcpu N calls" thread for every vCPU with a call line;
  - per vCPU, state slices that tile its time: the first starts at its first
    state line, each starts where the one before ended, the last ends at the
    end of the record (its latest time, a call's answer included), one slice
    per state line, named by the state;
  - every call line exactly once, counted by (vCPU, time, function ID), with
    its time in the VMM as the duration, its function name as the name and
    its fields as args; a vCPU's calls do not overlap (Perfetto could not
    draw slices of one track that overlap without nesting);
  - every vm line as a process-scoped instant.
Times are compared exactly, in ns: ts and dur are read as decimals.
Prints "ok: ..." and exits 0, or prints what is wrong and exits 1.
"""
import collections
import decimal
import json
import re
import sys

STATES = {"absent", "off", "on-pending", "on", "suspended", "lost"}


class Bad(Exception):
    pass


def ns(value, what):
    """A ts or dur (µs, a JSON number) as whole ns."""
    if not isinstance(value, (int, decimal.Decimal)) or isinstance(value, bool):
        raise Bad(f"{what}: {value!r} is not a number")
    v = decimal.Decimal(value) * 1000
    if v != v.to_integral_value() or v < 0:
        raise Bad(f"{what}: {value} µs is not a whole, non-negative number of ns")
    return int(v)


def no_constant(name):
    raise Bad(f"{name} is not JSON")


def read_record(path):
    states = collections.defaultdict(list)  # vcpu -> [t, ...]
    calls = collections.Counter()  # (vcpu, t, fid) -> count
    call_info = {}
    vm = collections.Counter()  # (t, what) -> count
    end = 0
    # Bytes that are not UTF-8 read as U+FFFD, as the writer writes them.
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.strip():
                continue
            ev = json.loads(line)
            t = ev["t"]
            end = max(end, t)
            if ev.get("ev") == "state":
                states[ev["vcpu"]].append(t)
            elif ev.get("ev") == "call":
                key = (ev["vcpu"], t, ev.get("fid", ""))
                calls[key] += 1
                call_info[key] = ev
                end = max(end, t + ev.get("vmm_ns", 0))
            elif ev.get("ev") == "vm":
                vm[(t, ev.get("what", ""))] += 1
    return states, calls, call_info, vm, end


def thread_names(events):
    names = {}
    process = False
    for e in events:
        if e.get("ph") != "M":
            continue
        if e.get("name") == "process_name":
            process = isinstance(e.get("args", {}).get("name"), str)
        elif e.get("name") == "thread_name":
            names[e["tid"]] = e["args"]["name"]
    if not process:
        raise Bad("no process_name metadata")
    state_tid, call_tid = {}, {}
    for tid, name in names.items():
        m = re.fullmatch(r"vcpu (\d+)( calls)?", name)
        if not m:
            raise Bad(f"thread {tid}: unexpected name {name!r}")
        (call_tid if m.group(2) else state_tid)[tid] = int(m.group(1))
    return state_tid, call_tid


def check_states(events, state_tid, states, end):
    slices = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and e.get("cat") == "state":
            if e["tid"] not in state_tid:
                raise Bad(f"state slice on thread {e['tid']}, not a 'vcpu N' one")
            if e["name"] not in STATES:
                raise Bad(f"state slice named {e['name']!r}")
            t = ns(e["ts"], "state ts")
            slices[state_tid[e["tid"]]].append((t, t + ns(e["dur"], "state dur")))
    if set(slices) != set(states):
        raise Bad(f"vCPUs with state slices {sorted(slices)}, with state lines {sorted(states)}")
    for vcpu, spans in slices.items():
        spans.sort()
        if len(spans) != len(states[vcpu]):
            raise Bad(f"vcpu {vcpu}: {len(spans)} state slices for {len(states[vcpu])} lines")
        if spans[0][0] != min(states[vcpu]):
            raise Bad(f"vcpu {vcpu}: states start at {spans[0][0]} ns, the record at {min(states[vcpu])}")
        for (_, a_end), (b_start, _) in zip(spans, spans[1:]):
            if a_end != b_start:
                raise Bad(f"vcpu {vcpu}: a state ends at {a_end} ns, the next starts at {b_start}")
        if spans[-1][1] != end:
            raise Bad(f"vcpu {vcpu}: states end at {spans[-1][1]} ns, the record at {end}")
    return sum(len(s) for s in slices.values())


def check_calls(events, call_tid, calls, call_info):
    seen = collections.Counter()
    spans = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "call" in e.get("cat", "").split(","):
            if e["tid"] not in call_tid:
                raise Bad(f"call slice on thread {e['tid']}, not a 'vcpu N calls' one")
            key = (call_tid[e["tid"]], ns(e["ts"], "call ts"), e["args"]["fid"])
            seen[key] += 1
            rec = call_info.get(key)
            if rec is None:
                raise Bad(f"call {key} is not in the record")
            if ns(e["dur"], "call dur") != rec.get("vmm_ns", 0):
                raise Bad(f"call {key}: dur {e['dur']} µs, vmm_ns {rec.get('vmm_ns')}")
            if rec.get("fn") and e["name"] != rec["fn"]:
                raise Bad(f"call {key}: named {e['name']!r}, the record says {rec['fn']!r}")
            for field in ("conduit", "result", "rule", "ret", "x0", "target", "args"):
                # An absent string or list is the same as an empty one.
                got, want = e["args"].get(field), rec.get(field)
                if got != want and (got or want):
                    raise Bad(f"call {key}: {field} {got!r}, the record says {want!r}")
            if e["args"].get("injected") is not bool(rec.get("injected")):
                raise Bad(f"call {key}: injected is {e['args'].get('injected')!r}")
            spans[e["tid"]].append((key[1], key[1] + ns(e["dur"], "call dur")))
    for tid, calls_of in spans.items():
        calls_of.sort()
        for (_, a_end), (b_start, _) in zip(calls_of, calls_of[1:]):
            if b_start < a_end:
                raise Bad(f"thread {tid}: a call starts at {b_start} ns, before the "
                          f"one before it ended ({a_end}): slices would overlap")
    if seen != calls:
        missing = calls - seen
        extra = seen - calls
        raise Bad(f"calls differ: missing {dict(missing)}, extra {dict(extra)}")
    return sum(seen.values())


def check_vm(events, vm):
    seen = collections.Counter()
    for e in events:
        if e.get("ph") == "i" and e.get("cat") == "vm":
            if e.get("s") != "p":
                raise Bad(f"vm event {e['name']!r} is not process-scoped")
            seen[(ns(e["ts"], "vm ts"), e["name"])] += 1
    if seen != vm:
        raise Bad(f"vm events differ: record {dict(vm)}, file {dict(seen)}")
    return sum(seen.values())


def check(record_path, trace_path):
    with open(trace_path, "rb") as f:
        raw = f.read()
    doc = json.loads(raw.decode("utf-8"), parse_float=decimal.Decimal,
                     parse_constant=no_constant)
    if not isinstance(doc, dict) or not isinstance(doc.get("traceEvents"), list):
        raise Bad("not the object form {\"traceEvents\":[...]}")
    events = doc["traceEvents"]
    for e in events:
        if not isinstance(e, dict) or not isinstance(e.get("ph"), str) or "pid" not in e:
            raise Bad(f"not an event: {e!r}")
    states, calls, call_info, vm, end = read_record(record_path)
    state_tid, call_tid = thread_names(events)
    n_states = check_states(events, state_tid, states, end)
    n_calls = check_calls(events, call_tid, calls, call_info)
    n_vm = check_vm(events, vm)
    return (f"ok: {len(events)} events: {len(states)} vCPUs, {n_states} states, "
            f"{n_calls} calls, {n_vm} vm events")


def main():
    if len(sys.argv) != 3:
        print("usage: check-trace-event.py RECORD.jsonl TRACE.json", file=sys.stderr)
        return 2
    try:
        print(check(sys.argv[1], sys.argv[2]))
    except (Bad, ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
        print(f"check-trace-event: {sys.argv[2]}: {type(e).__name__}: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
