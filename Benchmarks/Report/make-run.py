#!/usr/bin/env python3
"""Writes a synthetic run folder of N items for measuring `vigil report` (size and time):
a copy of a real run's manifest and job files, with an event log of N items (about 9 in 10
succeed; retries, 429s and progress events along the way) and results/failed lines.

    python3 Benchmarks/Report/make-run.py SOURCE_RUN_DIR OUT_DIR 100000
"""
import json, os, random, shutil, sys
from datetime import datetime, timezone

source, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
random.seed(7)
if os.path.exists(out):
    shutil.rmtree(out)
shutil.copytree(source, out, ignore=shutil.ignore_patterns("events.jsonl", "results.jsonl", "failed.jsonl", "report*.html", "run.lock"))
run = os.path.basename(out.rstrip("/"))
start = datetime(2026, 12, 3, 18, 0, tzinfo=timezone.utc).timestamp()
seq = 0

def ts(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

with open(os.path.join(out, "events.jsonl"), "w") as events, open(os.path.join(out, "results.jsonl"), "w") as results, open(os.path.join(out, "failed.jsonl"), "w") as failed:
    def emit(t, kind, **fields):
        global seq
        seq += 1
        events.write(json.dumps({"v": 1, "seq": seq, "ts": ts(t), "run": run, "type": kind, **fields}, separators=(",", ":")) + "\n")
    emit(start, "run.started", job="synthetic", total=count, concurrency=8, provider="openai synthetic")
    t = start
    succeeded = 0
    for n in range(count):
        t += random.expovariate(20)
        item = f"items/item-{n:06d}.png"
        latency = random.lognormvariate(6.5, 0.5)
        cost = {"usd": "0.00042"}
        if random.random() < 0.02:
            emit(t, "item.retrying", item=item, attempt=2, delay_ms=1000, reason="HTTP 429: rate limited" if random.random() < 0.7 else "HTTP 503: unavailable")
        if random.random() < 0.9:
            succeeded += 1
            emit(t, "item.completed", item=item, attempt=1, latency_ms=round(latency, 1), cost=cost, result={"n": n})
            results.write(json.dumps({"id": item, "path": item, "result": {"n": n}}) + "\n")
        else:
            message = random.choice(["the answer is not JSON: \"I cannot read this\"", "the answer does not match the success schema: missing required property \"n\""])
            emit(t, "item.failed", item=item, attempt=1, latency_ms=round(latency, 1), cost=cost, error="schema", message=message)
            failed.write(json.dumps({"id": item, "path": item, "attempts": 1, "error": "schema", "message": message}) + "\n")
        if n % 500 == 499:
            done = n + 1
            emit(t, "progress", total=count, completed=done, succeeded=succeeded, failed=done - succeeded, success_rate=succeeded / done, in_flight=8,
                 items_per_second=20, eta_seconds=(count - done) / 20, latency_p50_ms=650, latency_p95_ms=1500, latency_p99_ms=2200)
    emit(t, "run.completed", total=count, completed=count, succeeded=succeeded, failed=count - succeeded, success_rate=succeeded / count)
manifest = json.load(open(os.path.join(out, "manifest.json")))
manifest["run_id"] = run
manifest["counts"] = {"total": count, "completed": count, "succeeded": succeeded, "failed": count - succeeded, "not_run": 0}
manifest["status"] = "completed"
json.dump(manifest, open(os.path.join(out, "manifest.json"), "w"))
print(f"{out}: {count} items, {seq} events, {os.path.getsize(os.path.join(out, 'events.jsonl')) // 1024} KiB of log")
