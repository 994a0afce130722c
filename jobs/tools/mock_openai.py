#!/usr/bin/env python3
"""An OpenAI-compatible chat-completions endpoint on 127.0.0.1 that bills like a real one,
for trying Vigil's cost and batch features offline (jobs/examples/priced.yaml, batch.yaml):

    python3 jobs/tools/mock_openai.py --port 8765 &

Each answer is the demo extractor's Darwin Core record for the label in the user message
(or prose, when the system prompt does not ask for Darwin Core JSON, like a real model).
Its `usage` reports input tokens from the bytes of the messages (about four a token) and
output tokens from the answer's length; `--cost` also reports `usage.cost` (USD, as
OpenRouter does) at the given prices. `--latency` adds a delay per request (ms, a range
like 200-800 draws one per request). It also serves the Files and Batches API (in memory):
a batch completes --batch-seconds after it is created. Serves until stopped (Ctrl-C or kill)."""
import argparse
import json
import math
import os
import random
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extract_dwc import extract  # noqa: E402


def tokens(text):
    return max(1, math.ceil(len(text.encode("utf-8")) / 4))


def complete(body, options):
    """The chat-completion answer to one request body."""
    messages = body.get("messages", [])
    system = next((m.get("content", "") for m in messages if m.get("role") == "system"), "")
    user = next((m.get("content", "") for m in reversed(messages) if m.get("role") == "user"), "")
    if not isinstance(user, str):
        user = json.dumps(user)
    if "Darwin Core" in system and "JSON" in system:
        answer = json.dumps(extract(user), ensure_ascii=False)
    else:
        answer = "This label appears to describe a plant specimen collected in Canada."
    limit = body.get("max_completion_tokens") or body.get("max_tokens")
    usage = {"prompt_tokens": sum(tokens(str(m.get("content", ""))) for m in messages), "completion_tokens": tokens(answer)}
    if limit and usage["completion_tokens"] > limit:
        answer, usage["completion_tokens"] = answer[: limit * 4], limit
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    if options.cost:
        price_in, price_out = options.cost
        usage["cost"] = round((usage["prompt_tokens"] * price_in + usage["completion_tokens"] * price_out) / 1e6, 12)
    return {
        "id": "chatcmpl-mock", "object": "chat.completion", "model": body.get("model", "mock"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
        "usage": usage,
    }


class Batches:
    """The Files and Batches API, in memory: a batch is validating for a moment, in
    progress for --batch-seconds, then completed with every request answered."""
    files = {}
    batches = {}
    lock = threading.Lock()

    @classmethod
    def view(cls, batch, options):
        age = time.time() - batch["created_at"]
        if batch["status"] in ("validating", "in_progress"):
            batch["status"] = "validating" if age < 0.5 else "in_progress"
            if age >= options.batch_seconds:
                out = []
                for line in batch["requests"]:
                    out.append(json.dumps({"id": "batch_req", "custom_id": line["custom_id"], "error": None,
                                           "response": {"status_code": 200, "body": complete(line["body"], options)}}))
                file_id = "file-out-" + batch["id"]
                cls.files[file_id] = ("\n".join(out) + "\n").encode("utf-8")
                batch.update(status="completed", output_file_id=file_id)
        done = len(batch["requests"]) if batch["status"] == "completed" else 0
        fields = {k: v for k, v in batch.items() if k != "requests"}
        fields["request_counts"] = {"total": len(batch["requests"]), "completed": done, "failed": 0}
        return fields


class Handler(BaseHTTPRequestHandler):
    options = None

    def do_GET(self):
        path = self.path.split("?")[0]
        with Batches.lock:
            if path.endswith("/batches"):
                data = [Batches.view(b, self.options) for b in reversed(list(Batches.batches.values()))]
                return self.reply(200, {"object": "list", "data": data, "has_more": False})
            if "/batches/" in path:
                batch = Batches.batches.get(path.rsplit("/", 1)[1])
                return self.reply(200, Batches.view(batch, self.options)) if batch else self.reply(404, {"error": {"message": "no such batch"}})
            if path.endswith("/content"):
                data = Batches.files.get(path.split("/")[-2])
                if data is None:
                    return self.reply(404, {"error": {"message": "no such file"}})
                self.send_response(200)
                self.send_header("Content-Type", "application/jsonl")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
        self.reply(404, {"error": {"message": "not served here"}})

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path.endswith("/files"):
            boundary = self.headers.get("Content-Type", "").split("boundary=")[-1].encode()
            part = next(p for p in raw.split(b"--" + boundary) if b'name="file"' in p)
            content = part.split(b"\r\n\r\n", 1)[1].rsplit(b"\r\n", 1)[0]
            with Batches.lock:
                file_id = f"file-{len(Batches.files) + 1}"
                Batches.files[file_id] = content
            return self.reply(200, {"id": file_id, "object": "file", "purpose": "batch", "bytes": len(content)})
        if self.path.endswith("/batches"):
            body = json.loads(raw or b"{}")
            with Batches.lock:
                content = Batches.files.get(body.get("input_file_id"))
                if content is None:
                    return self.reply(404, {"error": {"message": "no such file"}})
                batch_id = f"batch_{len(Batches.batches) + 1}"
                Batches.batches[batch_id] = {
                    "id": batch_id, "object": "batch", "endpoint": body.get("endpoint"), "input_file_id": body["input_file_id"],
                    "status": "validating", "created_at": time.time(), "output_file_id": None, "error_file_id": None,
                    "requests": [json.loads(line) for line in content.decode("utf-8").splitlines() if line.strip()],
                }
                return self.reply(200, Batches.view(Batches.batches[batch_id], self.options))
        if self.path.endswith("/cancel"):
            with Batches.lock:
                batch = Batches.batches.get(self.path.split("/")[-2])
                if batch and batch["status"] in ("validating", "in_progress"):
                    batch["status"] = "cancelled"
                    errors = [json.dumps({"custom_id": r["custom_id"], "response": None, "error": {"code": "batch_cancelled", "message": "cancelled"}})
                              for r in batch["requests"]]
                    batch["error_file_id"] = "file-err-" + batch["id"]
                    Batches.files[batch["error_file_id"]] = ("\n".join(errors) + "\n").encode("utf-8")
                return self.reply(200, Batches.view(batch, self.options)) if batch else self.reply(404, {"error": {"message": "no such batch"}})
        if not self.path.endswith("/chat/completions"):
            return self.reply(404, {"error": {"message": "not served here"}})
        body = json.loads(raw or b"{}")
        low, high = self.options.latency
        time.sleep(random.uniform(low, high) / 1000)
        self.reply(200, complete(body, self.options))

    def reply(self, status, payload):
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8765, help="0: any free port (the line printed says which)")
    parser.add_argument("--latency", default="0", help="ms per request, or a range LOW-HIGH")
    parser.add_argument("--cost", help="report usage.cost at INPUT,OUTPUT USD per million tokens, e.g. 0.40,1.60")
    parser.add_argument("--batch-seconds", type=float, default=5, help="how long a batch stays in progress (default 5)")
    options = parser.parse_args()
    low, _, high = options.latency.partition("-")
    options.latency = (float(low), float(high or low))
    options.cost = tuple(float(p) for p in options.cost.split(",")) if options.cost else None
    Handler.options = options
    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    print(f"mock OpenAI endpoint at http://127.0.0.1:{server.server_port}/v1", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
