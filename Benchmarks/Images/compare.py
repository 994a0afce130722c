#!/usr/bin/env python3
"""Herbarium masters converted for a model, side by side in one run (issue 29):

1. One master to a 2048 px JPEG: libvips's `vipsthumbnail` (what Vigil runs) against Pillow
   (`draft` + `thumbnail` + save) and ImageMagick (`convert`, checked to be ImageMagick's):
   medians of wall time and peak RSS, and each one's ratio to Pillow, for a 6000 x 8000 LZW
   TIFF and a 6000 x 8000 JPEG.
2. `vigil run` over 6 masters (TIFF and JPEG, 6000 x 8000 and 3000 x 4000) with
   `images: { max_edge: 1024 }` at concurrency 2, against an OpenAI-compatible endpoint on
   127.0.0.1 that checks every image it receives (its bytes' format, the media type it was
   labelled with, its long edge, read by Pillow): exit status, peak RSS of vigil and of vigil
   with its converters (the process tree, sampled every 10 ms).
3. The time from launching `vigil run` to the first request for 300 TIFF masters of
   6000 x 8000 (hard links of one file: the run cannot tell).

    python3 Benchmarks/Images/compare.py VIGIL [--runs N]

VIGIL: a release build (`swift build -c release --product vigil`). Needs vipsthumbnail
(libvips-tools), Pillow and ImageMagick (`apt-get install libvips-tools imagemagick`,
`pip install pillow`): installed when missing.
"""
import hashlib, http.server, io, json, os, shutil, socketserver, statistics, subprocess, sys, tempfile, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))


def ensure_tools():
    missing = []
    if not shutil.which("vipsthumbnail"):
        missing.append("libvips-tools")
    if "ImageMagick" not in subprocess.run(["convert", "-version"], capture_output=True, text=True).stdout:
        missing.append("imagemagick")
    if missing:
        subprocess.run(["apt-get", "install", "-y", "-qq"] + missing, check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    try:
        import PIL  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "pillow"], check=True)
    version = subprocess.run(["convert", "-version"], capture_output=True, text=True).stdout
    assert "ImageMagick" in version, "the convert on PATH is not ImageMagick's: " + version[:200]


def measured(argv):
    """Wall seconds and peak RSS (MB) of one process, as GNU time reports them: started from a
    small process (a child forked from this one would count this one's pages in its peak)."""
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + argv, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    assert result.returncode == 0, f"{argv} failed: {result.stderr[-500:]}"
    seconds, kilobytes = result.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kilobytes) / 1024


MAKE = """
import os, sys
from images import sheet
masters = sys.argv[1]
os.makedirs(masters)
sheet(6000, 8000, seed=1).save(os.path.join(masters, "master-6000.tif"), compression="tiff_lzw")
sheet(3000, 4000, seed=2).save(os.path.join(masters, "master-3000.tif"), compression="tiff_lzw")
sheet(6000, 8000, seed=3).save(os.path.join(masters, "master-6000b.tif"), compression="tiff_lzw")
sheet(6000, 8000, seed=4).save(os.path.join(masters, "master-6000.jpg"), quality=90)
sheet(3000, 4000, seed=5).save(os.path.join(masters, "master-3000.jpg"), quality=90)
sheet(6000, 8000, seed=6).save(os.path.join(masters, "master-6000b.jpg"), quality=90)
"""

PILLOW = """
import sys
from PIL import Image
with Image.open(sys.argv[1]) as image:
    image.draft("RGB", (2048, 2048))
    image.thumbnail((2048, 2048))
    image.convert("RGB").save(sys.argv[2], quality=85)
"""


def conversions(folder, runs):
    rows = []
    for name in ["master-6000.tif", "master-6000.jpg"]:
        source = os.path.join(folder, name)
        out = os.path.join(folder, "out.jpg")
        tools = {
            "vipsthumbnail": ["vipsthumbnail", source, "--size", "2048x2048>", "-o", out + "[Q=85,strip]"],
            "Pillow": [sys.executable, "-c", PILLOW, source, out],
            "ImageMagick": ["convert", source, "-resize", "2048x2048>", "-quality", "85", out],
        }
        results = {tool: [] for tool in tools}
        for _ in range(runs):
            for tool, argv in tools.items():  # interleaved: each sees the same machine state
                results[tool].append(measured(argv))
        pillow_time = statistics.median(t for t, _ in results["Pillow"])
        pillow_rss = statistics.median(m for _, m in results["Pillow"])
        for tool, values in results.items():
            time_median = statistics.median(t for t, _ in values)
            rss_median = statistics.median(m for _, m in values)
            rows.append((name, tool, time_median, rss_median, time_median / pillow_time, rss_median / pillow_rss))
    return rows


class Endpoint(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    arrivals = []
    problems = []
    checked = []
    lock = threading.Lock()
    max_edge = None

    def do_POST(self):
        with self.lock:
            Endpoint.arrivals.append(time.time())
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if Endpoint.max_edge:
            self.check(json.loads(body))
        answer = json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": "{\"n\": 1}"},
                                          "finish_reason": "stop"}], "usage": {"prompt_tokens": 1, "completion_tokens": 1}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def check(self, body):
        import base64
        from PIL import Image
        content = body["messages"][-1]["content"]
        url = content[0]["image_url"]["url"] if isinstance(content, list) else ""
        if not url.startswith("data:"):
            Endpoint.problems.append("a request without an image")
            return
        media_type, data = url[5:].split(";base64,", 1)
        raw = base64.b64decode(data)
        magic = "image/jpeg" if raw[:3] == b"\xff\xd8\xff" else "image/png" if raw[:4] == b"\x89PNG" else \
            "image/webp" if raw[:4] == b"RIFF" and raw[8:12] == b"WEBP" else "other"
        with Image.open(io.BytesIO(raw)) as image:
            size = image.size
        with self.lock:
            Endpoint.checked.append((media_type, magic, size))
        if magic == "other" or magic != media_type or max(size) > Endpoint.max_edge:
            Endpoint.problems.append(f"{media_type} labelled, {magic} bytes, {size}")

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def write_job(folder, name, glob, port, images, concurrency):
    prompt = os.path.join(folder, "prompt.md")
    with open(prompt, "w") as out:
        out.write("Answer with {\"n\": 1}.\n")
    digest = hashlib.sha256(open(prompt, "rb").read()).hexdigest()
    job = os.path.join(folder, f"{name}.yaml")
    with open(job, "w") as out:
        out.write(f"""version: 1
name: {name}
inputs:
  - glob: {glob}
model:
  provider: openai
  base_url: http://127.0.0.1:{port}/v1
  name: bench
  api_key_env: VIGIL_BENCH_KEY
  timeout: 120s
  images: {images}
prompt:
  file: prompt.md
  sha256: {digest}
success:
  required_fields: [n]
execution:
  concurrency: {concurrency}
""")
    return job


def tree_rss_mb(pid):
    """RSS of `pid` and its descendants, MB (from /proc)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except OSError:
                pass
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
        stack += children.get(current, [])
    return total / (1 << 20)


def run_vigil(vigil, job, folder):
    """Exit status, seconds to the first request, the tree's peak RSS (MB), the end of stderr."""
    Endpoint.arrivals = []
    start = time.time()
    process = subprocess.Popen([vigil, "run", job, "--quiet"], cwd=folder, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env={**os.environ, "VIGIL_BENCH_KEY": "sk-bench"})
    peak_tree = 0.0
    while process.poll() is None:
        peak_tree = max(peak_tree, tree_rss_mb(process.pid))
        time.sleep(0.01)
    first = (min(Endpoint.arrivals) - start) if Endpoint.arrivals else None
    return process.returncode, first, peak_tree, process.stderr.read().decode()[-2000:]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    vigil = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
    ensure_tools()
    work = tempfile.mkdtemp(prefix="vigil-images-bench-")
    masters = os.path.join(work, "masters")
    # Made in a process of its own: this one stays small (see `measured`).
    subprocess.run([sys.executable, "-c", MAKE, masters], check=True, cwd=os.path.join(HERE, "..", "..", "Tests", "VigilTests", "Images"))

    print(f"1. one master to a 2048 px JPEG, medians of {runs} runs (ratios to Pillow)")
    print(f"   {'file':<16} {'tool':<14} {'time':>8} {'peak RSS':>9} {'time ratio':>11} {'RSS ratio':>10}")
    for name, tool, seconds, rss, time_ratio, rss_ratio in conversions(masters, runs):
        print(f"   {name:<16} {tool:<14} {seconds:>7.2f}s {rss:>7.0f}MB {time_ratio:>10.2f}x {rss_ratio:>9.2f}x")

    server = Server(("127.0.0.1", 0), Endpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]

    Endpoint.max_edge = 1024
    job = write_job(work, "masters", "masters/master-*", port, "{ max_edge: 1024 }", 2)
    results = []
    for _ in range(runs):
        Endpoint.checked, Endpoint.problems = [], []
        results.append(run_vigil(vigil, job, work))
    statuses = {status for status, _, _, _ in results}
    print(f"\n2. vigil run, 6 masters, images {{ max_edge: 1024 }}, concurrency 2, {runs} runs")
    print(f"   exit statuses: {sorted(statuses)}; requests checked in the last run: {len(Endpoint.checked)}, "
          f"problems: {Endpoint.problems or 'none'}")
    print(f"   what arrived: {sorted(set((m, s) for _, m, s in Endpoint.checked))}")
    print(f"   peak RSS, vigil and its converters: median {statistics.median(r[2] for r in results):.0f} MB "
          f"(runs: {', '.join(f'{r[2]:.0f}' for r in results)}); bound 250 MB")
    if statuses != {0}:
        print("   stderr of the last run: " + results[-1][3])

    Endpoint.max_edge = None
    many = os.path.join(work, "many")
    os.makedirs(many)
    first_master = os.path.join(masters, "master-6000.tif")
    for index in range(300):
        os.link(first_master, os.path.join(many, f"sheet-{index:03d}.tif"))
    job = write_job(work, "many", "many/*.tif", port, "{ max_edge: 2048 }", 2)
    firsts = []
    for _ in range(min(runs, 3)):
        # Only the first request matters: the run is stopped once it arrived.
        Endpoint.arrivals = []
        start = time.time()
        process = subprocess.Popen([vigil, "run", job, "--quiet"], cwd=work, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, env={**os.environ, "VIGIL_BENCH_KEY": "sk-bench"})
        while not Endpoint.arrivals and process.poll() is None and time.time() - start < 60:
            time.sleep(0.005)
        if Endpoint.arrivals:
            firsts.append(min(Endpoint.arrivals) - start)
        process.send_signal(2)
        time.sleep(0.3)
        process.send_signal(2)
        process.wait()
    print(f"\n3. first request, 300 TIFF masters of 6000 x 8000: median {statistics.median(firsts):.2f} s "
          f"(runs: {', '.join(f'{f:.2f}' for f in firsts)}); bound 2 s")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
