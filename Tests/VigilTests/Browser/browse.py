#!/usr/bin/env python3
"""Opens a page in headless Chromium over the DevTools protocol and reports what a person
would see, as JSON on standard output: console errors and uncaught exceptions, the values
of JavaScript expressions once the page has loaded, an expression sampled over time (a
live page's counter), and a full-page screenshot.

    browse.py URL [--eval NAME=EXPR]... [--sample EXPR --every S --for S] [--screenshot PNG [--height PX]]
"""
import argparse, base64, json, os, shutil, subprocess, sys, tempfile, time, urllib.request
import websocket  # websocket-client, installed by .ci/run

parser = argparse.ArgumentParser()
parser.add_argument("url")
parser.add_argument("--eval", action="append", default=[])
parser.add_argument("--sample")
parser.add_argument("--every", type=float, default=0.5)
parser.add_argument("--for", dest="duration", type=float, default=5)
parser.add_argument("--screenshot")
parser.add_argument("--width", type=int, default=1280)
parser.add_argument("--height", type=int, help="the screenshot's height at most (default: the whole page)")
options = parser.parse_args()

browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
profile = tempfile.mkdtemp(prefix="vigil-chromium-")
process = subprocess.Popen(
    [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--remote-debugging-port=0",
     f"--user-data-dir={profile}", f"--window-size={options.width},1000", "about:blank"],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    port_file = os.path.join(profile, "DevToolsActivePort")
    deadline = time.time() + 30
    while not (os.path.exists(port_file) and open(port_file).read().strip()):
        if time.time() > deadline or process.poll() is not None:
            sys.exit("chromium did not start")
        time.sleep(0.05)
    port = open(port_file).read().split()[0]
    pages = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
    page = next(p for p in pages if p.get("type") == "page")
    socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
    state = {"id": 0, "errors": [], "loaded": False}

    def handle(message):
        method = message.get("method")
        params = message.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            state["errors"].append(details.get("exception", {}).get("description") or details.get("text"))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            state["errors"].append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            state["errors"].append(params["entry"].get("text"))
        elif method == "Page.loadEventFired":
            state["loaded"] = True

    def call(method, **params):
        state["id"] += 1
        socket.send(json.dumps({"id": state["id"], "method": method, "params": params}))
        while True:
            message = json.loads(socket.recv())
            if message.get("id") == state["id"]:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            handle(message)

    def evaluate(expression):
        result = call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            return {"exception": result["exceptionDetails"].get("text")}
        return result.get("result", {}).get("value")

    for domain in ("Page", "Runtime", "Log"):
        call(f"{domain}.enable")
    call("Page.navigate", url=options.url)
    deadline = time.time() + 30
    socket.settimeout(0.2)
    while not state["loaded"] and time.time() < deadline:
        try:
            handle(json.loads(socket.recv()))
        except websocket.WebSocketTimeoutException:
            pass
    socket.settimeout(30)
    output = {"loaded": state["loaded"], "values": {}, "samples": []}
    for item in options.eval:
        name, _, expression = item.partition("=")
        output["values"][name] = evaluate(expression)
    if options.sample:
        end = time.time() + options.duration
        while time.time() < end:
            output["samples"].append(evaluate(options.sample))
            time.sleep(options.every)
    if options.screenshot:
        metrics = call("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        shot = call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                    clip={"x": 0, "y": 0, "width": options.width, "height": min(size["height"], options.height or 16000), "scale": 1})
        with open(options.screenshot, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
    output["errors"] = state["errors"]
    print(json.dumps(output))
finally:
    process.kill()
    process.wait()
    shutil.rmtree(profile, ignore_errors=True)
