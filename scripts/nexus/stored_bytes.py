"""Prints the bytes an HDF5 file's datasets hold (the sum of their storage sizes), the file's
size and their ratio, as one JSON object: how much of a file is data rather than overhead.

Usage: stored_bytes.py FILE.h5"""
import json
import os
import sys

import h5py

path = sys.argv[1]
stored = 0


def visit(_, item):
    global stored
    if isinstance(item, h5py.Dataset):
        stored += item.id.get_storage_size()


with h5py.File(path, "r") as f:
    f.visititems(visit)
size = os.path.getsize(path)
print(json.dumps({"stored_bytes": stored, "file_bytes": size, "ratio": size / max(stored, 1)}))
