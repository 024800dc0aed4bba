"""Loads the monitor page in headless Chromium through the DevTools protocol, waits until the live
Raman and XRF canvases have drawn data and the trend history has loaded, saves a screenshot and prints one JSON object with what
it saw: canvas point counts, events received, console errors and uncaught exceptions.

Usage: check_page.py URL SCREENSHOT.png [TIMEOUT_S]"""
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

url, screenshot = sys.argv[1], sys.argv[2]
timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 30.0
browser = shutil.which("chromium") or shutil.which("chromium-browser")
if browser is None:
    sys.exit("chromium is not installed (apt-get install chromium)")

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
profile = tempfile.mkdtemp(prefix="whitlock-chromium-")
chrome = subprocess.Popen(
    [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
     "--window-size=1600,1000", f"--remote-debugging-port={port}", f"--user-data-dir={profile}",
     "about:blank"],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    deadline = time.time() + timeout
    target = None
    while target is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
                target = next(t for t in json.load(r) if t["type"] == "page")
        except Exception:
            if time.time() > deadline:
                sys.exit("chromium's DevTools endpoint did not come up")
            time.sleep(0.2)
    ws = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=timeout)
    counter = [0]
    errors = []

    def note(message):
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.exceptionThrown":
            errors.append(params["exceptionDetails"].get("text", "exception"))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params["args"]))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            errors.append(params["entry"]["text"] + " " + params["entry"].get("url", ""))

    def call(method, **params):
        counter[0] += 1
        ident = counter[0]
        ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(ws.recv())
            if message.get("id") == ident:
                return message.get("result", {})
            note(message)

    for domain in ("Runtime", "Log", "Page"):
        call(domain + ".enable")
    call("Page.navigate", url=url)
    expression = ("JSON.stringify({raman: document.getElementById('raman-canvas').dataset.points,"
                  " xrf: document.getElementById('xrf-canvas').dataset.points,"
                  " trend: document.getElementById('trend-canvas').dataset.points,"
                  " events: document.body.dataset.events, connected: document.body.dataset.connected,"
                  " fraction: document.getElementById('fraction').textContent,"
                  " phase: document.getElementById('phase').textContent,"
                  " verdict: document.getElementById('verdict').textContent,"
                  " history: document.body.dataset.history,"
                  " mgca: document.getElementById('mgca').textContent})")
    seen = {}
    while time.time() < deadline:
        result = call("Runtime.evaluate", expression=expression, returnByValue=True)
        value = result.get("result", {}).get("value")
        if value:
            seen = json.loads(value)
            if (int(seen.get("raman") or 0) > 0 and int(seen.get("xrf") or 0) > 0
                    and seen.get("history") is not None):
                break
        time.sleep(0.25)
    shot = call("Page.captureScreenshot", format="png")
    os.makedirs(os.path.dirname(os.path.abspath(screenshot)), exist_ok=True)
    with open(screenshot, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    time.sleep(0.2)
    call("Runtime.evaluate", expression="1")
    json.dump({"page": seen, "console_errors": errors, "screenshot": screenshot}, sys.stdout)
    ws.close()
finally:
    chrome.terminate()
    try:
        chrome.wait(timeout=10)
    except subprocess.TimeoutExpired:
        chrome.kill()
    shutil.rmtree(profile, ignore_errors=True)
