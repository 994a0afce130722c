#!/usr/bin/env python3
"""Times the seed bus (seed_bus.py, beside this file): N `specimen.completed` events with a
realistic payload through a bus with the validation and metrics consumers and K more no-op
handlers. The timed loop builds each payload, as a caller would; `--no-bus` times building
the payloads alone, to subtract. An existing `--log` file is removed first. Prints one line:

  {"events": N, "seconds": S, "events_per_sec": E, "us_per_event": U, "peak_rss_mb": M}
"""
import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seed_bus import HybridEventBus, MetricsConsumer, ValidationConsumer  # noqa: E402

GENERA = ["Quercus", "Acer", "Betula", "Pinus", "Carex", "Rosa", "Salix", "Viola"]
EPITHETS = ["alba", "rubra", "nigra", "glauca", "minor", "major", "canadensis", "sylvestris"]


def payload(i, succeeded):
    """The event `vigil-bench bus` publishes, in the seed's shape."""
    return {
        "specimen_id": f"DSC_{i:06d}.JPG",
        "sequence": i,
        "result": {"dwc": {
            "scientificName": f"{GENERA[i % 8]} {EPITHETS[(i // 8) % 8]}",
            "catalogNumber": f"AAFC-{100000 + i}",
        }},
        "metrics": {"total_processed": i, "success_count": succeeded, "success_rate": succeeded / i},
    }


def main():
    parser = argparse.ArgumentParser(description="Times the seed bus.")
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--log", required=True, help="the JSON Lines log, or 'none'")
    parser.add_argument("--subscribers", type=int, default=0, help="extra no-op handlers")
    parser.add_argument("--no-bus", action="store_true", help="build the payloads only")
    args = parser.parse_args()

    log = None if args.log.lower() == "none" else Path(args.log)
    if log is not None and log.exists():
        log.unlink()
    count = args.events
    with HybridEventBus(log) as bus:
        ValidationConsumer(bus)
        MetricsConsumer(bus)
        for _ in range(args.subscribers):
            bus.subscribe("specimen.completed", lambda _event: None)
        emit = bus.emit
        start = time.perf_counter()
        if args.no_bus:
            for i in range(1, count + 1):
                payload(i, i)
        else:
            # Every item succeeds: the rate stays 1.0 and no consumer takes its abort or warning branch.
            for i in range(1, count + 1):
                emit("specimen.completed", payload(i, i))
        seconds = time.perf_counter() - start

    print(json.dumps({
        "events": count,
        "seconds": round(seconds, 4),
        "events_per_sec": round(count / seconds, 1) if seconds > 0 else None,
        "us_per_event": round(seconds / count * 1e6, 3) if count else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
