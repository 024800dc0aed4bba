#!/usr/bin/env python3
"""Checks a NeXus file written by `whitlockctl export --format nexus` against the spool it came
from: structure, NX_class and NeXus attributes (@signal, @axes, @*_indices, @default), units,
and every value (metadata, counts, axes, calibration, times, exposures, detection results, fused
point verdicts); then loads it with nexusformat and validates it with punx (no ERROR findings).

Usage: check_export.py FILE.nxs SPOOL [RUN_ID]   (RUN_ID: the export was limited to that run)
Prints one line per failure and exits 1 if there is any; prints a summary and exits 0 otherwise.
"""
import json
import math
import os
import subprocess
import sys

import h5py
import numpy as np
from spool_check import check, failures, name, records, same_number, text

def raman_shift(coefficients, excitation, pixel):
    wavelength = 0.0
    for c in reversed(coefficients):
        wavelength = wavelength * pixel + c
    return 1e7 / excitation - 1e7 / wavelength


def check_instrument(entry, inst, acquisitions, starts, ends):
    first = acquisitions[0]
    ident = first["instrument"]
    group = entry[inst]
    where = f"{entry.name}/{inst}"
    check(text(group.attrs.get("NX_class")) == "NXinstrument", f"{where}: not NXinstrument")
    check(text(group["name"]) == ident["id"], f"{where}/name")
    detector = group["detector"]
    check(text(detector.attrs.get("NX_class")) == "NXdetector", f"{where}/detector: not NXdetector")
    check(text(detector["description"]) == ident["model"], f"{where}/detector/description")
    check(text(detector["serial_number"]) == ident["serial"], f"{where}/detector/serial_number")
    if ident.get("firmware") is not None:
        check(text(detector["firmware_version"]) == ident["firmware"], f"{where}/detector/firmware")
    axis = first["axis"]
    channels = len(first["counts"])
    spectra = entry[inst + "_spectra"]
    check(text(spectra.attrs.get("NX_class")) == "NXdata", f"{where}_spectra: not NXdata")
    check(text(spectra.attrs.get("signal")) == "counts", f"{where}_spectra@signal")
    if axis["type"] == "wavelength-polynomial":
        axis_name, units = "raman_shift", "1/cm"
        source = group["source"]
        check(text(source.attrs.get("NX_class")) == "NXsource", f"{where}/source: not NXsource")
        check(source["wavelength"][()] == axis["excitation_nm"], f"{where}/source/wavelength")
        check(text(source["wavelength"].attrs.get("units")) == "nm", f"{where}/source/wavelength units")
        check(
            list(detector["wavelength_calibration"][()]) == axis["coefficients_nm"],
            f"{where}/detector/wavelength_calibration")
        expected_axis = [
            raman_shift(axis["coefficients_nm"], axis["excitation_nm"], p) for p in range(channels)]
    else:
        axis_name, units = "energy", "keV"
        check(
            detector["energy_per_channel"][()] == axis["kev_per_channel"],
            f"{where}/detector/energy_per_channel")
        check(detector["energy_offset"][()] == axis["offset_kev"], f"{where}/detector/energy_offset")
        check(
            text(detector["energy_per_channel"].attrs.get("units")) == "keV",
            f"{where}/detector/energy_per_channel units")
        expected_axis = [axis["kev_per_channel"] * c + axis["offset_kev"] for c in range(channels)]
    axes = [text(a) for a in spectra.attrs.get("axes")]
    check(axes == ["time", axis_name], f"{where}_spectra@axes is {axes}")
    check(int(spectra.attrs.get(axis_name + "_indices")) == 1, f"{where}_spectra@{axis_name}_indices")
    check(int(spectra.attrs.get("time_indices")) == 0, f"{where}_spectra@time_indices")
    check(text(spectra[axis_name].attrs.get("units")) == units, f"{where}_spectra/{axis_name} units")
    check(
        np.allclose(spectra[axis_name][()], expected_axis, rtol=1e-12, atol=1e-9),
        f"{where}_spectra/{axis_name} values")
    counts = spectra["counts"]
    check(counts.shape == (len(acquisitions), channels), f"{where}_spectra/counts shape {counts.shape}")
    check(counts.dtype == np.uint32, f"{where}_spectra/counts dtype {counts.dtype}")
    check(counts.chunks is not None and counts.compression == "gzip", f"{where}: counts not chunked/deflate")
    check(counts.maxshape[0] is None, f"{where}: counts not extendable")
    check(text(counts.attrs.get("units")) == "counts", f"{where}_spectra/counts units")
    check(
        np.array_equal(counts[()], np.array([a["counts"] for a in acquisitions], dtype=np.uint32)),
        f"{where}_spectra/counts values differ from the spool")
    check(
        np.array_equal(detector["data"][()], counts[()]), f"{where}/detector/data is not the counts")
    collection = entry[inst + "_acquisitions"]
    check(text(collection.attrs.get("NX_class")) == "NXcollection", f"{where}_acquisitions class")
    check(list(collection["seq"][()]) == [a["seq"] for a in acquisitions], f"{where} seq")
    check(
        list(collection["exposure_time"][()]) == [a["acquisition"]["exposure_s"] for a in acquisitions],
        f"{where} exposure_time")
    check(text(collection["exposure_time"].attrs.get("units")) == "s", f"{where} exposure_time units")
    check(
        [text(s) for s in collection["start_time"].asstr()[()]]
        == [a["acquisition"]["started"] for a in acquisitions], f"{where} start_time")
    check(
        list(collection["full_scale"][()]) == [a["acquisition"]["full_scale"] for a in acquisitions],
        f"{where} full_scale")
    time = collection["time"]
    check(text(time.attrs.get("units")) == "s", f"{where} time units")
    blob = collection["detection"][()].tobytes()
    ends = [int(e) for e in collection["detection_end"][()]]
    check(text(collection["detection"].attrs.get("row_ends")) == "detection_end", f"{where}: detection row_ends")
    detections = [json.loads(blob[start:end].decode("utf-8"))
                  for start, end in zip([0] + ends[:-1], ends)]
    parameter_sets = [json.loads(p) for p in collection["detection_parameters"].asstr()[()]]
    index = collection["detection_parameters_index"][()]
    for row, acquisition in enumerate(acquisitions):
        stored = dict(detections[row])
        stored["parameters"] = parameter_sets[index[row]]
        original = acquisition["detection"]
        check(
            json.dumps(stored, sort_keys=True) == json.dumps(original, sort_keys=True),
            f"{where} detection of seq {acquisition['seq']} differs")
    results = entry[inst + "_results"]
    check(text(results.attrs.get("NX_class")) == "NXdata", f"{where}_results class")
    kind = ident["kind"]
    signal = "whitlockite_fraction" if kind == "raman" else "mg_ca_ratio"
    check(text(results.attrs.get("signal")) == signal, f"{where}_results@signal")
    check([text(a) for a in results.attrs.get("axes")] == ["time"], f"{where}_results@axes")
    for key, field in [
        (signal, signal), (signal + "_sigma", signal + "_errors")] + (
            [("phosphate_centre_cm1", "phosphate_centre")] if kind == "raman" else
            [("mg_net_area", "mg_net_area")]):
        values = results[field][()]
        for row, acquisition in enumerate(acquisitions):
            check(
                same_number(values[row], acquisition["detection"].get(key)),
                f"{where}_results/{field}[{row}] = {values[row]}, spool {acquisition['detection'].get(key)}")
    flags = [text(s) for s in results["flags"].asstr()[()]]
    check(
        flags == [",".join(a["detection"].get("flags", [])) for a in acquisitions], f"{where}_results/flags")
    if kind == "raman":
        calls = [text(s) for s in results["calcification_type"].asstr()[()]]
        check(
            calls == [a["detection"]["calcification_type"] for a in acquisitions],
            f"{where}_results/calcification_type")
        detected = list(results["phosphate_detected"][()])
        check(
            detected == [1 if a["detection"]["phosphate_detected"] else 0 for a in acquisitions],
            f"{where}_results/phosphate_detected")
        check(text(results["phosphate_centre"].attrs.get("units")) == "1/cm", f"{where} centre units")
    verdicts = [text(s) for s in results["point_verdict"].asstr()[()]]
    check(
        verdicts == [a["detection"].get("fusion", {}).get("whitlockite", "") for a in acquisitions],
        f"{where}_results/point_verdict")
    return len(acquisitions)


def main():
    path, spool = sys.argv[1], sys.argv[2]
    only = sys.argv[3] if len(sys.argv) > 3 else None
    spool_records = records(spool)
    runs = {}
    for record in spool_records:
        if only and record["run_id"] != only:
            continue
        runs.setdefault(record["run_id"], []).append(record)
    spectra = 0
    with h5py.File(path, "r") as nexus:
        check(text(nexus.attrs.get("NX_class")) == "NXroot", "root is not NXroot")
        check(text(nexus.attrs.get("default")) in nexus, "root @default names no entry")
        # Maps have entries of their own (`map_…`, checked by check_map.py).
        entries = [
            k for k in nexus
            if text(nexus[k].attrs.get("NX_class")) == "NXentry" and k.startswith("run_")]
        check(len(entries) == len(runs), f"{len(entries)} run entries for {len(runs)} runs")
        for run_id, run_records in runs.items():
            key = "run_" + name(run_id)
            if key not in nexus:
                failures.append(f"no entry {key}")
                continue
            entry = nexus[key]
            meta = next((r["run"] for r in run_records if "run" in r), None)
            check(text(entry["entry_identifier"]) == run_id, f"{key}/entry_identifier")
            check(run_id in text(entry["title"]), f"{key}/title")
            if meta:
                check(text(entry["start_time"]) == meta["started"], f"{key}/start_time")
                check(text(entry["sample/name"]) == (meta["sample_id"] or ""), f"{key}/sample/name")
                check(text(entry["sample"].attrs["NX_class"]) == "NXsample", f"{key}/sample class")
                check(text(entry["operator/name"]) == (meta["operator"] or ""), f"{key}/operator/name")
                check(text(entry["operator"].attrs["NX_class"]) == "NXuser", f"{key}/operator class")
            check(
                text(entry["end_time"]) == max(r["time"] for r in run_records), f"{key}/end_time")
            check(text(entry.attrs.get("default")) in entry, f"{key}@default names no group")
            by_instrument = {}
            for record in run_records:
                if record["type"] == "acquisition":
                    by_instrument.setdefault(record["instrument"]["id"], []).append(record)
            for instrument, acquisitions in by_instrument.items():
                spectra += check_instrument(entry, name(instrument), acquisitions, None, None)
            latest = {}
            for record in run_records:
                fusion = record.get("detection", {}).get("fusion")
                if fusion:
                    latest[fusion["point_id"]] = fusion
            if latest:
                verdicts = entry["point_verdicts"]
                points = [text(p) for p in verdicts["point_id"].asstr()[()]]
                check(sorted(points) == sorted(latest), f"{key}/point_verdicts/point_id")
                calls = [text(p) for p in verdicts["whitlockite"].asstr()[()]]
                fractions = verdicts["whitlockite_fraction"][()]
                for row, point in enumerate(points):
                    check(calls[row] == latest[point]["whitlockite"], f"{key} verdict of {point}")
                    check(
                        same_number(fractions[row], latest[point]["whitlockite_fraction"]),
                        f"{key} fraction of {point}")
    # nexusformat reads the whole tree.
    from nexusformat.nexus import nxload
    tree = nxload(path).tree
    check("NXentry" in tree and "NXdata" in tree, "nexusformat tree lacks NXentry/NXdata")
    # punx: the application-independent rules; ERROR findings fail.
    # Through this interpreter rather than the venv's `punx` script, whose #! line names the
    # directory the venv was created in.
    punx = "import sys; from punx.main import main; sys.argv[0] = 'punx'; sys.exit(main())"
    report = subprocess.run(
        [sys.executable, "-c", punx, "validate", path], capture_output=True, text=True, timeout=600)
    errors = None
    for line in report.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "ERROR" and parts[1].isdigit():
            errors = int(parts[1])
    check(errors == 0, f"punx reports {errors} errors:\n" + report.stdout[-3000:] + report.stderr[-2000:])
    if failures:
        for failure in failures[:50]:
            print("FAIL", failure)
        sys.exit(1)
    print(f"OK {len(runs)} runs, {spectra} spectra checked; nexusformat loaded; punx errors 0")


main()
