"""Open an NWB file written by PatchFit with pynwb (the reference API) and print what it sees.

Usage: python3 read_nwb.py FILE.nwb  → JSON: series name → type, rate, unit, count, first values in SI.
Exit status 1 (with pynwb's error on stderr) if pynwb cannot read the file.
"""
import json
import sys

from pynwb import NWBHDF5IO

with NWBHDF5IO(sys.argv[1], "r") as io:
    nwb = io.read()
    out = {}
    for name, series in nwb.acquisition.items():
        data = series.data[:]
        out[name] = {
            "type": type(series).__name__,
            "rate": float(series.rate),
            "unit": series.unit,
            "count": int(len(data)),
            "first_values_si": [float(x) * series.conversion + series.offset for x in data[:5]],
        }
    print(json.dumps(out))
