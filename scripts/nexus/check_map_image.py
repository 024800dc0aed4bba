#!/usr/bin/env python3
"""Checks a PNG written by `whitlockctl map image` against the spool it came from: decodes it
with Pillow (an independent PNG and zlib decoder), reads the layout from its `whitlock:map` text
chunk, and checks every grid cell's centre pixel against the point's first acquisition in the
spool: on the viridis scale (5 stops, linear) for fraction (0…1) and Mg/Ca (0…the map's largest
ratio), the phase's colour, grey for Mg/Ca below detection, and a dark square with a light cross
for points not measured. Also checks the colour scale under the map.

Usage: check_map_image.py FILE.png SPOOL MAP_ID fraction|phase|mg_ca
Prints one line per failure and exits 1 if there is any; prints a summary and exits 0 otherwise.
"""
import glob
import json
import math
import os
import sys

from PIL import Image

RAMP = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def ramp(t):
    t = max(0.0, min(1.0, t)) * (len(RAMP) - 1)
    i = min(len(RAMP) - 2, int(t))
    f = t - i
    return tuple(int(math.floor(a + (b - a) * f + 0.5)) for a, b in zip(RAMP[i], RAMP[i + 1]))


def close(a, b):
    return all(abs(int(x) - int(y)) <= 1 for x, y in zip(a, b))


def records(spool):
    found = []
    for directory in ("new", "cur", "tmp"):
        for path in glob.glob(os.path.join(spool, directory, "seg-*.ndjson")):
            with open(path, "rb") as handle:
                for line in handle.read().split(b"\n")[:-1]:
                    try:
                        found.append(json.loads(line))
                    except ValueError:
                        pass
    return sorted((r for r in found if isinstance(r, dict) and isinstance(r.get("seq"), int)),
                  key=lambda r: r["seq"])


def main():
    path, spool, map_id, quantity = sys.argv[1:5]
    image = Image.open(path)
    image.load()
    check(image.format == "PNG" and image.mode == "RGB", f"{image.format} {image.mode}")
    layout = json.loads(image.info["whitlock:map"])
    check(layout["map_id"] == map_id and layout["quantity"] == quantity, "layout names another map")
    plan = next(r["plan"] for r in records(spool) if r["type"] == "map-plan" and r["plan"]["map_id"] == map_id)
    region = plan["region"]
    step = plan["step_um"]
    columns = int(math.floor(region["width_um"] / step + 1e-9)) + 1
    rows = int(math.floor(region["height_um"] / step + 1e-9)) + 1
    check((layout["columns"], layout["rows"]) == (columns, rows), "grid size")
    first = {}
    for r in records(spool):
        point = r.get("map")
        if r["type"] == "acquisition" and point and point["map_id"] == map_id:
            first.setdefault((r["instrument"]["kind"], point["row"], point["column"]), r["detection"])
    def below(d):
        ratio = d.get("mg_ca_ratio")
        return (d.get("mg_ca_below_detection") is True or "mg_not_significant" in d.get("flags", [])
                or (isinstance(ratio, (int, float)) and ratio <= 0))
    ratios = [d["mg_ca_ratio"] for (k, _, _), d in first.items()
              if k == "xrf" and not below(d) and isinstance(d.get("mg_ca_ratio"), (int, float))]
    top = max(ratios) if ratios else 1.0
    check(math.isclose(layout["scale"][1], top if quantity == "mg_ca" else 1.0, rel_tol=1e-9), "scale top")
    cell = layout["cell_px"]
    ox, oy = layout["origin_px"]
    pixels = image.load()
    shown = missing = grey = 0
    for row in range(rows):
        for column in range(columns):
            x, y = ox + column * cell, oy + row * cell
            centre = pixels[x + cell // 2, y + cell // 2]
            where = f"cell (column {column}, row {row})"
            expected = None
            if quantity == "fraction":
                d = first.get(("raman", row, column))
                if d:
                    value = d.get("whitlockite_fraction")
                    expected = ramp(value) if isinstance(value, (int, float)) else tuple(layout["no_value"])
            elif quantity == "phase":
                d = first.get(("raman", row, column))
                if d:
                    phase = d.get("phase") or "none"
                    check(phase in layout["phases"], f"{where}: phase {phase} not in the legend")
                    expected = tuple(layout["phases"].get(phase, (0, 0, 0)))
            else:
                d = first.get(("xrf", row, column))
                if d and below(d):
                    expected = tuple(layout["below_detection"])
                    grey += 1
                elif d:
                    value = d.get("mg_ca_ratio")
                    expected = ramp(value / top) if isinstance(value, (int, float)) else tuple(layout["no_value"])
            if expected is None:
                missing += 1
                check(close(centre, layout["missing_mark"]), f"{where}: centre {centre}, expected the cross")
                check(close(pixels[x + 1, y + cell // 2], layout["missing"]), f"{where}: not dark beside the cross")
            else:
                shown += 1
                check(close(centre, expected), f"{where}: {centre}, expected {expected}")
                check(close(pixels[x, y + cell - 1], expected), f"{where}: not filled to its corner")
    legend_y = layout["legend_y_px"] + 8
    if quantity != "phase":
        for step_px in (0, 64, 128, 255):
            check(close(pixels[ox + step_px, legend_y], ramp(step_px / 255)), f"scale at {step_px}")
    if failures:
        for failure in failures[:40]:
            print("FAIL", failure)
        sys.exit(1)
    print(f"OK {quantity} {columns}x{rows}: {shown} measured ({grey} below detection), {missing} not measured")


main()
