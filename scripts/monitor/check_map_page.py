"""Loads the monitor page in headless Chromium through the DevTools protocol and checks its live
map panel: waits until the map shows EXPECTED points (those measured before the page opened,
replayed from /api/v1/maps/current/points, and those arriving over SSE), reads the cells drawn
for each quantity (whitlockite fraction, phase, Mg/Ca with the cells below detection), clicks
the cell at COLUMN,ROW, waits for that point's spectrum with its fitted bands, saves a
screenshot and prints one JSON object with what it saw and any console errors.

Usage: check_map_page.py URL SCREENSHOT.png EXPECTED COLUMN,ROW [TIMEOUT_S]"""
import json
import sys
import time

from devtools import HeadlessPage

url, screenshot, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
column, row = (int(v) for v in sys.argv[4].split(","))
timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 60.0

with HeadlessPage(width=1600, height=1400, timeout=timeout) as page:
    call, evaluate, deadline = page.call, page.evaluate, page.deadline

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
    page.screenshot(screenshot, captureBeyondViewport=True)
    call("Runtime.evaluate", expression="1")
    json.dump({"page": seen, "console_errors": page.errors, "screenshot": screenshot}, sys.stdout)
