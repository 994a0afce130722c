#!/usr/bin/env python3
"""Time from `vigil run` to the endpoint's first request, and peak memory, for 300 images
of 4 MB against 300 tiny files, side by side in one run (issue 12's acceptance: within 2x,
or under half a second; peak RSS at most 64 MB + 3 x concurrency x image size).

    python3 Benchmarks/FirstRequest/first_request.py VIGIL_BINARY [--runs N] [--items N]

A loopback OpenAI-compatible endpoint (this script, on 127.0.0.1) answers every request
at once with {"n": 1} and records when each request arrived. Runs alternate between the
two input sets so both see the same machine state; medians and ratios are printed.
"""
import hashlib, http.server, json, os, socketserver, statistics, subprocess, sys, tempfile, threading, time

IMAGE_BYTES = 4 << 20  # about: the largest noise JPEG within 2048 px is about 4 MB
CONCURRENCY = 4

arrivals = []
arrivals_lock = threading.Lock()
ANSWER = json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": "{\"n\": 1}"}, "finish_reason": "stop"}],
                     "usage": {"prompt_tokens": 1, "completion_tokens": 1}}).encode()


class Endpoint(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        with arrivals_lock:
            arrivals.append(time.time())
        remaining = int(self.headers.get("Content-Length", "0"))
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1 << 20))
            if not chunk:
                break
            remaining -= len(chunk)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(ANSWER)))
        self.end_headers()
        self.wfile.write(ANSWER)

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def image_bytes(size):
    """A real image of about `size` bytes: a JPEG of noise, or a PNG for a tiny one. (Files are
    known by their bytes: random bytes named .jpg are not sent at all.) Within model.images'
    default limits (2048 px, 20 MB), so it is sent as it is, not converted."""
    from PIL import Image
    import io, random
    if size <= 1024:
        out = io.BytesIO()
        Image.new("RGB", (4, 4), (200, 180, 150)).save(out, format="PNG")
        return out.getvalue()
    side = 256
    while True:
        noise = Image.frombytes("RGB", (side, side), random.Random(side).randbytes(side * side * 3))
        out = io.BytesIO()
        noise.save(out, format="JPEG", quality=95)
        if out.tell() >= size or side >= 2048:
            return out.getvalue()
        side = min(2048, int(side * (size / out.tell()) ** 0.5) + 16)


def make_job(folder, name, count, size, port):
    data = os.path.join(folder, name)
    os.makedirs(data, exist_ok=True)
    template = image_bytes(size)
    for index in range(count):
        with open(os.path.join(data, f"img-{index:04d}.jpg"), "wb") as out:
            # Distinct files: the same image, then a counter after its end.
            out.write(template)
            out.write(index.to_bytes(8, "big"))
    prompt = os.path.join(folder, "prompt.md")
    with open(prompt, "w") as out:
        out.write("Answer with {\"n\": 1}.\n")
    digest = hashlib.sha256(open(prompt, "rb").read()).hexdigest()
    with open(os.path.join(folder, "schema.json"), "w") as out:
        out.write('{"type": "object", "required": ["n"]}')
    job = os.path.join(folder, f"{name}.yaml")
    with open(job, "w") as out:
        out.write(f"""version: 1
name: {name}
inputs:
  - glob: {name}/*.jpg
model:
  provider: openai
  base_url: http://127.0.0.1:{port}/v1
  name: bench
  api_key_env: VIGIL_BENCH_KEY
  timeout: 60s
prompt:
  file: prompt.md
  sha256: {digest}
success:
  schema: schema.json
thresholds:
  early: {{ after: 5, min_success_rate: 0.5 }}
execution:
  concurrency: {CONCURRENCY}
output: {{ dir: runs }}
""")
    return job


def measure(vigil, job):
    """Seconds from the start of `vigil run` to the first request, and peak RSS in MB."""
    with arrivals_lock:
        arrivals.clear()
    environment = dict(os.environ, VIGIL_BENCH_KEY="sk-bench-0000000000")
    start = time.time()
    process = subprocess.Popen([vigil, "run", job, "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment)
    _, status, usage = os.wait4(process.pid, 0)
    stderr = process.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"vigil run {job} failed ({status}): {stderr}")
    with arrivals_lock:
        first = min(arrivals)
    return first - start, usage.ru_maxrss / 1024


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    vigil = os.path.abspath(args[0])
    runs = int(args[args.index("--runs") + 1]) if "--runs" in args else 5
    items = int(args[args.index("--items") + 1]) if "--items" in args else 300
    server = Server(("127.0.0.1", 0), Endpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    with tempfile.TemporaryDirectory(prefix="vigil-first-request-") as folder:
        big = make_job(folder, "images", items, IMAGE_BYTES, port)
        tiny = make_job(folder, "tiny", items, 64, port)
        times = {"images": [], "tiny": []}
        peaks = {"images": [], "tiny": []}
        for _ in range(runs):
            for name, job in (("tiny", tiny), ("images", big)):
                seconds, peak = measure(vigil, job)
                times[name].append(seconds)
                peaks[name].append(peak)
    server.shutdown()
    t_big, t_tiny = statistics.median(times["images"]), statistics.median(times["tiny"])
    p_big, p_tiny = statistics.median(peaks["images"]), statistics.median(peaks["tiny"])
    ceiling = 64 + 3 * CONCURRENCY * IMAGE_BYTES / (1 << 20)
    print(f"time to first request, median of {runs}: {items} images of 4 MB {t_big * 1000:.0f} ms, {items} tiny files {t_tiny * 1000:.0f} ms, "
          f"ratio {t_big / t_tiny:.2f}x (target: within 2x, or under 500 ms)")
    print(f"peak RSS, median of {runs}: images {p_big:.0f} MB, tiny {p_tiny:.0f} MB "
          f"(target for images at concurrency {CONCURRENCY}: at most {ceiling:.0f} MB)")
    print(json.dumps({"first_request_ms": {"images": [round(t * 1000) for t in times["images"]], "tiny": [round(t * 1000) for t in times["tiny"]]},
                      "peak_rss_mb": {"images": [round(p) for p in peaks["images"]], "tiny": [round(p) for p in peaks["tiny"]]}}))


if __name__ == "__main__":
    main()
