"""What the NeXus checks (check_export.py, check_map.py) share: the failure list, reading a spool's
records independently of whitlockd, and the exporter's naming rule."""
import glob
import json
import math
import os

import h5py

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def text(value):
    """A string dataset or attribute as str."""
    if isinstance(value, h5py.Dataset):
        value = value[()]
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)


def same_number(a, b):
    if b is None:
        return math.isnan(a)
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def records(spool):
    """Every parseable record of the spool, in seq order (torn and invalid lines skipped)."""
    found = []
    for directory in ("new", "cur", "tmp"):
        for path in glob.glob(os.path.join(spool, directory, "seg-*.ndjson")):
            with open(path, "rb") as handle:
                data = handle.read()
            for line in data.split(b"\n")[:-1]:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict) and isinstance(record.get("seq"), int):
                    found.append(record)
    found.sort(key=lambda r: r["seq"])
    return found


def name(text_value):
    return "".join(c if c.isalnum() or c == "_" else "_" for c in text_value)
