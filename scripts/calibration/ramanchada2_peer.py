"""Runs ramanchada2's documented x-calibration (the CHARISMA protocol) on round-robin setups.

Reads a JSON request on stdin: {"setups": [{"name", "laser_nm", "neon", "silicon",
"standards": [paths]}]}. For each setup: CalibrationModel.calibration_model_factory(laser,
neon, silicon) with its defaults, then apply_calibration_x on every standard spectrum. Writes
one JSON object: per setup the seconds the calibration took and each standard's calibrated x
and y, or the error that stopped it. whitlock-calibration-bench measures the bands on these
axes with the same fits it uses for its own.
"""
import contextlib
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")

from ramanchada2.protocols.calibration.calibration_model import CalibrationModel  # noqa: E402
from ramanchada2.spectrum import from_local_file  # noqa: E402


def main():
    request = json.load(sys.stdin)
    output = sys.stdout
    with contextlib.redirect_stdout(sys.stderr):  # ramanchada2 prints progress on stdout
        results = calibrate_all(request)
    json.dump({"setups": results}, output)


def calibrate_all(request):
    results = []
    for setup in request["setups"]:
        result = {"name": setup["name"]}
        try:
            neon = from_local_file(setup["neon"])
            silicon = from_local_file(setup["silicon"])
            start = time.perf_counter()
            model = CalibrationModel.calibration_model_factory(
                setup["laser_nm"], neon, silicon)
            result["seconds"] = time.perf_counter() - start
            standards = []
            for path in setup["standards"]:
                spectrum = from_local_file(path)
                calibrated = model.apply_calibration_x(spectrum, spe_units="cm-1")
                standards.append({"x": [float(v) for v in calibrated.x],
                                  "y": [float(v) for v in calibrated.y]})
            result["standards"] = standards
        except Exception as error:  # a setup that fails is reported, the others still run
            result["error"] = f"{type(error).__name__}: {error}"[:300]
        results.append(result)
    return results


if __name__ == "__main__":
    main()
