"""Runs ramanchada2's documented x-calibration (the CHARISMA protocol) on round-robin setups.

Reads a JSON request on stdin: {"limit_s": seconds, "setups": [{"name", "laser_nm", "neon",
"silicon", "standards": [paths]}]}; a calibration still running after limit_s is stopped and
reported as such. For each setup: CalibrationModel.calibration_model_factory(laser,
neon, silicon) with its defaults, then apply_calibration_x on every standard spectrum. Writes
one JSON object: per setup the seconds the calibration took and each standard's calibrated x
and y, or the error that stopped it. whitlock-calibration-bench measures the bands on these
axes with the same fits it uses for its own.
"""
import contextlib
import json
import signal
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


class TimeLimit(Exception):
    pass


def stop(signum, frame):
    raise TimeLimit()


def calibrate_all(request):
    limit = int(request.get("limit_s", 0))
    signal.signal(signal.SIGALRM, stop)
    results = []
    for setup in request["setups"]:
        result = {"name": setup["name"]}
        try:
            neon = from_local_file(setup["neon"])
            silicon = from_local_file(setup["silicon"])
            start = time.perf_counter()
            signal.alarm(limit)
            try:
                model = CalibrationModel.calibration_model_factory(
                    setup["laser_nm"], neon, silicon)
            finally:
                signal.alarm(0)
            result["seconds"] = time.perf_counter() - start
            standards = []
            for path in setup["standards"]:
                spectrum = from_local_file(path)
                calibrated = model.apply_calibration_x(spectrum, spe_units="cm-1")
                standards.append({"x": [float(v) for v in calibrated.x],
                                  "y": [float(v) for v in calibrated.y]})
            result["standards"] = standards
        except TimeLimit:
            result["error"] = f"stopped after {limit} s"
        except Exception as error:  # a setup that fails is reported, the others still run
            result["error"] = f"{type(error).__name__}: {error}"[:300]
        results.append(result)
    return results


if __name__ == "__main__":
    main()
