"""The peer of `whitlockctl export --format nexus` in whitlock-nexus-bench: what a lab would
write in h5py to get the same spool into HDF5. It reads the spool's published segments in order
and writes, per instrument, the counts (acquisition x channel, uint32) in the same 32-row
chunks with the same shuffle + deflate level 4, and the seq, time and headline result of each
acquisition, appending a whole chunk at a time (numpy arrays, no per-row HDF5 calls).

Usage: peer_export.py SPOOL OUT.h5   (prints the number of spectra written)"""
import glob
import json
import sys

import h5py
import numpy as np

spool, out = sys.argv[1], sys.argv[2]
ROWS = 32
groups, pending = {}, {}


def flush(name):
    rows = pending[name]
    if not rows["counts"]:
        return
    group = groups[name]
    n = group["counts"].shape[0]
    k = len(rows["counts"])
    for field, values in rows.items():
        dataset = group[field]
        dataset.resize(n + k, axis=0)
        dataset[n:n + k] = np.asarray(values, dtype=dataset.dtype)
        values.clear()


with h5py.File(out, "w") as f:
    written = 0
    for segment in sorted(glob.glob(spool + "/new/seg-*.ndjson")):
        with open(segment, "rb") as lines:
            for line in lines:
                record = json.loads(line)
                if record.get("type") != "acquisition":
                    continue
                name = record["instrument"]["id"]
                counts = record["counts"]
                if name not in groups:
                    g = f.create_group(name)
                    width = len(counts)
                    g.create_dataset("counts", (0, width), "u4", maxshape=(None, width),
                                     chunks=(ROWS, width), shuffle=True, compression="gzip",
                                     compression_opts=4)
                    for field, kind in (("seq", "i8"), ("result", "f8")):
                        g.create_dataset(field, (0,), kind, maxshape=(None,), chunks=(1024,),
                                         shuffle=True, compression="gzip", compression_opts=4)
                    g.create_dataset("time", (0,), h5py.string_dtype(), maxshape=(None,),
                                     chunks=(1024,), compression="gzip", compression_opts=4)
                    groups[name] = g
                    pending[name] = {"counts": [], "seq": [], "result": [], "time": []}
                detection = record.get("detection", {})
                result = detection.get("whitlockite_fraction", detection.get("mg_ca_ratio"))
                rows = pending[name]
                rows["counts"].append(counts)
                rows["seq"].append(record["seq"])
                rows["result"].append(result if isinstance(result, (int, float)) else np.nan)
                rows["time"].append(record["time"])
                written += 1
                if len(rows["counts"]) == ROWS:
                    flush(name)
    for name in groups:
        flush(name)
print(written)
