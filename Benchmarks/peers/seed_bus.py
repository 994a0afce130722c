"""The design Vigil started from, rewritten here so the benchmark needs nothing outside this
repository: a hybrid event bus in Python.

Each `emit` first appends the event to a JSON Lines log as one line and flushes it (so the
log is whole after any crash), then calls, in order and on the caller's thread, every handler
subscribed to that event type. A handler's exception reaches the caller of `emit`: that is
how the validation consumer stops a run. Two consumers come with it: one that aborts on a bad
early success rate and warns at intervals, and one that counts. Standard library only.
"""
import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone


def utc_now():
    return datetime.now(timezone.utc).isoformat()


@dataclass
class Event:
    """What a handler receives: the type, the payload and when it was emitted. Built for
    every emit, handlers or not, as the seed does (its cost is part of the seed's)."""

    event_type: str
    data: dict
    timestamp: str = field(default_factory=utc_now)


class EarlyValidationError(Exception):
    """The success rate at the early checkpoint is below the threshold: stop the run."""


class HybridEventBus:
    """In-memory publish/subscribe plus a persistent JSON Lines log (None: no log)."""

    def __init__(self, log_path=None):
        self._handlers = {}
        self._log = None
        if log_path is not None:
            log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(log_path, "a", encoding="utf-8")

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        return False

    def close(self):
        if self._log is not None:
            self._log.close()
            self._log = None

    def subscribe(self, event_type, handler):
        self._handlers.setdefault(event_type, []).append(handler)

    def emit(self, event_type, data):
        timestamp = utc_now()
        if self._log is not None:
            line = json.dumps({"event_type": event_type, "timestamp": timestamp, "data": data})
            self._log.write(line + "\n")
            self._log.flush()
        event = Event(event_type, data, timestamp)
        for handler in self._handlers.get(event_type, ()):
            handler(event)


class ValidationConsumer:
    """Raises EarlyValidationError when the rate after `early_checkpoint` items is below
    `early_threshold`; every `warning_interval` items emits `validation.warning` when the
    rate is below `warning_threshold`. Reads `sequence` and `metrics.success_rate`."""

    def __init__(self, bus, early_checkpoint=5, early_threshold=0.5,
                 warning_threshold=0.7, warning_interval=50):
        self.bus = bus
        self.early_checkpoint = early_checkpoint
        self.early_threshold = early_threshold
        self.warning_threshold = warning_threshold
        self.warning_interval = warning_interval
        for event_type in ("specimen.completed", "specimen.failed"):
            bus.subscribe(event_type, self.on_item)

    def on_item(self, event):
        sequence = event.data.get("sequence", 0)
        rate = event.data.get("metrics", {}).get("success_rate", 1.0)
        if sequence == self.early_checkpoint and rate < self.early_threshold:
            self.bus.emit("validation.early_failure", {
                "sequence": sequence, "success_rate": rate, "threshold": self.early_threshold})
            raise EarlyValidationError(
                f"success rate {rate:.1%} is below {self.early_threshold:.0%} after {sequence} items")
        if self.warning_interval and sequence % self.warning_interval == 0 and rate < self.warning_threshold:
            self.bus.emit("validation.warning", {
                "sequence": sequence, "success_rate": rate, "threshold": self.warning_threshold})


class MetricsConsumer:
    """Counts completed and failed items; `snapshot()` adds rates."""

    def __init__(self, bus):
        self.started = time.time()
        self.completed = 0
        self.failed = 0
        bus.subscribe("specimen.completed", self.on_completed)
        bus.subscribe("specimen.failed", self.on_failed)

    def on_completed(self, _event):
        self.completed += 1

    def on_failed(self, _event):
        self.failed += 1

    def snapshot(self):
        processed = self.completed + self.failed
        elapsed = time.time() - self.started
        return {
            "total_processed": processed,
            "completed": self.completed,
            "failed": self.failed,
            "success_rate": self.completed / processed if processed else 0.0,
            "elapsed_seconds": elapsed,
            "throughput_per_sec": processed / elapsed if elapsed > 0 else 0.0,
        }
