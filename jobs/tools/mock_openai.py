#!/usr/bin/env python3
"""An OpenAI-compatible chat-completions endpoint on 127.0.0.1 that bills like a real one,
for trying Vigil's cost features offline (jobs/examples/priced.yaml):

    python3 jobs/tools/mock_openai.py --port 8765 &

Each answer is the demo extractor's Darwin Core record for the label in the user message
(or prose, when the system prompt does not ask for Darwin Core JSON, like a real model).
Its `usage` reports input tokens from the bytes of the messages (about four a token) and
output tokens from the answer's length; `--cost` also reports `usage.cost` (USD, as
OpenRouter does) at the given prices. `--latency` adds a delay per request (ms, a range
like 200-800 draws one per request). Serves until stopped (Ctrl-C or kill)."""
import argparse
import json
import math
import os
import random
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extract_dwc import extract  # noqa: E402


def tokens(text):
    return max(1, math.ceil(len(text.encode("utf-8")) / 4))


class Handler(BaseHTTPRequestHandler):
    options = None

    def do_POST(self):
        if not self.path.endswith("/chat/completions"):
            return self.reply(404, {"error": {"message": "only /chat/completions is served here"}})
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
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
        if self.options.cost:
            price_in, price_out = self.options.cost
            usage["cost"] = round((usage["prompt_tokens"] * price_in + usage["completion_tokens"] * price_out) / 1e6, 12)
        low, high = self.options.latency
        time.sleep(random.uniform(low, high) / 1000)
        self.reply(200, {
            "id": "chatcmpl-mock", "object": "chat.completion", "model": body.get("model", "mock"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
            "usage": usage,
        })

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
