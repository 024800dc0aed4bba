"""Loads the monitor page in headless Chromium through the DevTools protocol, waits until the live
Raman and XRF canvases have drawn data and the trend history has loaded, saves a screenshot and prints one JSON object with what
it saw: canvas point counts, events received, console errors and uncaught exceptions.

Usage: check_page.py URL SCREENSHOT.png [TIMEOUT_S]"""
import json
import sys
import time

from devtools import HeadlessPage

url, screenshot = sys.argv[1], sys.argv[2]
timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 30.0

with HeadlessPage(width=1600, height=1000, timeout=timeout) as page:
    call, deadline = page.call, page.deadline
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
    page.screenshot(screenshot)
    time.sleep(0.2)
    call("Runtime.evaluate", expression="1")
    json.dump({"page": seen, "console_errors": page.errors, "screenshot": screenshot}, sys.stdout)
