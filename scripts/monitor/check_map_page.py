"""Loads the monitor page in headless Chromium through the DevTools protocol and checks its live
map panel: waits until the map shows EXPECTED points (those measured before the page opened,
replayed from /api/v1/maps/current/points, and those arriving over SSE), reads the cells drawn
for each quantity (whitlockite fraction, phase, Mg/Ca with the cells below detection), clicks
the cell at COLUMN,ROW, waits for that point's spectrum with its fitted bands, saves a
screenshot and prints one JSON object with what it saw and any console errors.

Usage: check_map_page.py URL SCREENSHOT.png EXPECTED COLUMN,ROW [TIMEOUT_S]"""
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

url, screenshot, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
column, row = (int(v) for v in sys.argv[4].split(","))
timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 60.0
browser = shutil.which("chromium") or shutil.which("chromium-browser")
if browser is None:
    sys.exit("chromium is not installed (apt-get install chromium)")

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
profile = tempfile.mkdtemp(prefix="whitlock-chromium-")
chrome = subprocess.Popen(
    [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
     "--window-size=1600,1400", f"--remote-debugging-port={port}", f"--user-data-dir={profile}",
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

    def evaluate(expression):
        result = call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def wait_for(expression, what):
        while time.time() < deadline:
            value = evaluate(expression)
            if value:
                return value
            time.sleep(0.2)
        sys.exit(f"timed out waiting for {what}: " + json.dumps(evaluate(STATE)))

    STATE = ("JSON.stringify({points: $('map-canvas').dataset.points, below: $('map-canvas').dataset.below,"
             " quantity: $('map-canvas').dataset.quantity, title: $('map-title').textContent,"
             " history: document.body.dataset.mapHistory, connected: document.body.dataset.connected,"
             " point_points: $('point-canvas').dataset.points, bands: $('point-canvas').dataset.bands,"
             " info: $('point-info').textContent})")

    def show(quantity):
        evaluate(f"$('map-quantity').value = '{quantity}';"
                 " $('map-quantity').dispatchEvent(new Event('change')); 1")
        wait_for(f"$('map-canvas').dataset.quantity === '{quantity}'", quantity)
        time.sleep(0.3)  # the redraw happens on the next animation frame
        return json.loads(evaluate(STATE))

    for domain in ("Runtime", "Log", "Page"):
        call(domain + ".enable")
    call("Page.navigate", url=url)
    wait_for("document.body && document.body.dataset.mapHistory !== undefined", "the map history")
    seen = {"history": json.loads(evaluate(STATE))["history"]}
    wait_for(f"Number($('map-canvas').dataset.points) >= {expected}", f"{expected} points on the map")
    seen["fraction"] = show("fraction")
    seen["phase"] = show("phase")
    seen["mg_ca"] = show("mg_ca")
    # A real click in the middle of the cell: the page turns it into a grid cell itself.
    x, y = evaluate(
        "(() => { const c = $('map-canvas'), r = c.getBoundingClientRect();"
        f" const cx = map.pad + ({column} + 0.5) * map.cell, cy = map.pad + ({row} + 0.5) * map.cell;"
        " return [r.left + cx * r.width / c.width, r.top + cy * r.height / c.height]; })()")
    for kind in ("mousePressed", "mouseReleased"):
        call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)
    wait_for("Number($('point-canvas').dataset.points) > 0", "the point's spectrum")
    seen["clicked"] = json.loads(evaluate(STATE))
    show("fraction")
    shot = call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
    os.makedirs(os.path.dirname(os.path.abspath(screenshot)), exist_ok=True)
    with open(screenshot, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
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
