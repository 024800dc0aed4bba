#!/usr/bin/env python3
"""Checks the map entries of a NeXus file written by `whitlockctl export --format nexus` against
the spool it came from, independently of the exporter: for every `map-plan` record, the entry
`map_<id>` opens as a 2-D map (y, x) in silx and nexusformat, its `x`/`y` axes are the plan's
grid in µm, and every image cell (whitlockite fraction and σ, phase, Mg/Ca, below detection) and
spectrum of the cube (y, x, channel) equals the point's first acquisition in the spool; cells
with no acquisition are NaN / -1 / zero counts.

Usage: check_map.py FILE.nxs SPOOL
Prints one line per failure and exits 1 if there is any; prints a summary and exits 0 otherwise.
"""
import math
import sys

import h5py
import numpy as np
from spool_check import check, failures, name, records, text
from spool_check import same_number as same


def names(value):
    return [text(v) for v in np.atleast_1d(value)]


def grid(plan):
    region = plan["region"]
    check(region["type"] == "rectangle", "check_map.py checks rectangular maps only")
    step = plan["step_um"]
    columns = int(math.floor(region["width_um"] / step + 1e-9)) + 1
    rows = int(math.floor(region["height_um"] / step + 1e-9)) + 1
    x = [region["x_um"] + i * step for i in range(columns)]
    y = [region["y_um"] + i * step for i in range(rows)]
    return rows, columns, x, y


def check_map(nexus, path, plan, acquisitions):
    map_id = plan["map_id"]
    key = "map_" + name(map_id)
    if key not in nexus:
        failures.append(f"no entry {key}")
        return 0
    entry = nexus[key]
    rows, columns, x, y = grid(plan)
    check(text(entry.attrs.get("NX_class")) == "NXentry", f"{key}: not NXentry")
    check(text(entry["entry_identifier"]) == map_id, f"{key}/entry_identifier")
    check(text(entry.attrs.get("default")) == "map", f"{key}@default is not map")
    data = entry["map"]
    check(text(data.attrs.get("NX_class")) == "NXdata", f"{key}/map: not NXdata")
    check(text(data.attrs.get("signal")) == "whitlockite_fraction", f"{key}/map@signal")
    check(names(data.attrs.get("axes")) == ["y", "x"], f"{key}/map@axes")
    check(np.allclose(data["x"][()], x) and np.allclose(data["y"][()], y), f"{key}/map x, y")
    check(text(data["x"].attrs.get("units")) == "um", f"{key}/map/x units")
    check(text(data["y"].attrs.get("units")) == "um", f"{key}/map/y units")
    fraction = data["whitlockite_fraction"][()]
    sigma = data["whitlockite_fraction_errors"][()]
    phase = data["phase_code"][()]
    table = names(data["phase_names"][()])
    ratio = data["mg_ca_ratio"][()]
    below = data["mg_ca_below_detection"][()]
    check(fraction.shape == (rows, columns), f"{key}/map fraction shape {fraction.shape}")
    first = {}
    for record in acquisitions:
        point = record["map"]
        if point["map_id"] != map_id:
            continue
        kind = record["instrument"]["kind"]
        first.setdefault((kind, point["row"], point["column"]), record)
    measured = {(r, c) for (_, r, c) in first}
    for row in range(rows):
        for column in range(columns):
            where = f"{key} cell (y {row}, x {column})"
            raman = first.get(("raman", row, column))
            xrf = first.get(("xrf", row, column))
            if raman:
                det = raman["detection"]
                check(same(fraction[row, column], det.get("whitlockite_fraction")), f"{where} fraction")
                check(same(sigma[row, column], det.get("whitlockite_fraction_sigma")), f"{where} σ")
                code = int(phase[row, column])
                check(0 <= code < len(table) and table[code] == det.get("phase", "none"),
                      f"{where} phase {code} for {det.get('phase')}")
            else:
                check(math.isnan(fraction[row, column]), f"{where}: fraction where none measured")
                check(int(phase[row, column]) == -1, f"{where}: phase where none measured")
            if xrf:
                det = xrf["detection"]
                check(same(ratio[row, column], det.get("mg_ca_ratio")), f"{where} Mg/Ca")
                flag = det.get("mg_ca_below_detection")
                check(int(below[row, column]) == (-1 if flag is None else int(flag)),
                      f"{where} below detection")
            else:
                check(math.isnan(ratio[row, column]), f"{where}: Mg/Ca where none measured")
                check(int(below[row, column]) == -1, f"{where}: below detection where none measured")
    for kind, group_name in (("raman", "raman_spectra"), ("xrf", "xrf_spectra")):
        cells = {(r, c): rec for (k, r, c), rec in first.items() if k == kind}
        if not cells:
            continue
        group = entry[group_name]
        counts = group["counts"]
        channels = len(next(iter(cells.values()))["counts"])
        check(counts.shape == (rows, columns, channels), f"{key}/{group_name} shape {counts.shape}")
        check(names(group.attrs.get("axes"))[:2] == ["y", "x"], f"{key}/{group_name}@axes")
        cube = counts[()]
        for row in range(rows):
            for column in range(columns):
                record = cells.get((row, column))
                expected = record["counts"] if record else [0] * channels
                check(np.array_equal(cube[row, column, :], expected),
                      f"{key}/{group_name} spectrum at (y {row}, x {column})")
    # silx: the file's default plot is a map (the first one), an image with axes y and x.
    from silx.io.nxdata import NXdata, get_default
    default = get_default(nexus)
    check(default is not None and default.is_valid, "silx finds no valid default NXdata")
    if default is not None:
        check(default.group.name.startswith("/map_") and default.group.name.endswith("/map"),
              f"silx default is {default.group.name}, not a map")
    silx_map = NXdata(data)
    check(silx_map.is_valid, f"silx: {key}/map is not valid NXdata: {silx_map.issues}")
    check(silx_map.is_image, f"silx: {key}/map is not an image")
    check(list(silx_map.axes_dataset_names) == ["y", "x"], f"silx axes {silx_map.axes_dataset_names}")
    check(silx_map.signal.shape == (rows, columns), f"silx signal shape {silx_map.signal.shape}")
    check(names(silx_map.auxiliary_signals_dataset_names) == ["phase_code", "mg_ca_ratio"],
          f"silx auxiliary signals {silx_map.auxiliary_signals_dataset_names}")
    cube = NXdata(entry["raman_spectra"]) if "raman_spectra" in entry else None
    if cube is not None:
        check(cube.is_valid and cube.signal_ndim == 3, f"silx: {key}/raman_spectra is not a cube")
    # nexusformat: the entry's plottable data is the 2-D map against y and x.
    from nexusformat.nexus import nxload
    tree = nxload(path)
    plottable = tree[key].plottable_data
    check(plottable is not None and plottable.nxsignal.nxname == "whitlockite_fraction",
          "nexusformat: the entry's plottable data is not the fraction map")
    if plottable is not None:
        check(plottable.nxsignal.shape == (rows, columns), "nexusformat signal shape")
        check([a.nxname for a in plottable.nxaxes] == ["y", "x"], "nexusformat axes")
    return len(measured)


def main():
    path, spool = sys.argv[1], sys.argv[2]
    spool_records = records(spool)
    plans = {}
    for record in spool_records:
        if record["type"] == "map-plan":
            plans.setdefault(record["plan"]["map_id"], record["plan"])
    acquisitions = [r for r in spool_records if r["type"] == "acquisition" and "map" in r]
    check(plans, "the spool holds no map-plan record")
    summary = []
    with h5py.File(path, "r") as nexus:
        for map_id, plan in plans.items():
            measured = check_map(nexus, path, plan, acquisitions)
            rows, columns, _, _ = grid(plan)
            summary.append(f"{map_id} {columns}x{rows} ({measured} points measured)")
    if failures:
        for failure in failures[:50]:
            print("FAIL", failure)
        sys.exit(1)
    print("OK maps " + ", ".join(summary) + "; silx image, nexusformat 2-D")


main()
