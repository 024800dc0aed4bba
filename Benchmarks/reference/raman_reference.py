"""Reference Raman pipeline a spectroscopist would write with the standard Python stack.

It is the peer that whitlock-bench compares the Swift pipeline against, on the same spectra in
the same run. Every choice below is a common, reasonable default, not tuned to the simulator, with every width
given in cm-1 and turned into pixels for the axis at hand, so the peer is as fair at 1024 px as
at 4096 px:

  1. despike: Whitaker & Hayes (2018) modified z-score of first differences, threshold 25 (the
     often-quoted 7 flags the flanks of a strong nu1 band as spikes), flagged pixels widened by
     1 pixel and replaced by the mean of the unflagged pixels within 3 pixels;
  2. baseline: pybaselines `asls` (p=0.01) over the whole spectrum, lam = 1e6 for a 1 cm-1
     spacing scaled by spacing^-4 (the same stiffness in cm-1 at every pixel count);
  3. smoothing: scipy `savgol_filter` (polyorder 3) over 7 cm-1 (narrower than a band), at least
     5 pixels;
  4. fit: scipy `curve_fit` of two Lorentzians (HAP ~961, whitlockite ~970) plus a straight line
     over 930-1000 cm-1, centres bounded to 955-965 and 965-976, FWHM 3-25, areas >= 0;
     fraction = A970 / (A961 + A970), sigma from the covariance.

Input: a little-endian float64 file of N x P counts and one of P Raman shifts (cm-1).
Output (stdout): one line per spectrum, "fraction sigma" (nan when the fit failed), then a line
"# seconds <total> spectra <N> cpu <cpu>" with the wall time and the CPU time of the processing
loop only.
"""

import argparse
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from pybaselines import Baseline  # noqa: E402
from scipy.optimize import curve_fit  # noqa: E402
from scipy.signal import savgol_filter  # noqa: E402


def despike(y, threshold=7.0, width=1, neighbourhood=3):
    diff = np.diff(y)
    median = np.median(diff)
    mad = np.median(np.abs(diff - median))
    if mad == 0:
        return y
    z = 0.6745 * (diff - median) / mad
    spikes = np.zeros(y.size, dtype=bool)
    spikes[1:] = np.abs(z) > threshold
    if not spikes.any():
        return y
    for _ in range(width):
        spikes[1:] |= spikes[:-1].copy()
        spikes[:-1] |= spikes[1:].copy()
    out = y.copy()
    for i in np.flatnonzero(spikes):
        lo, hi = max(i - neighbourhood, 0), min(i + neighbourhood + 1, y.size)
        good = ~spikes[lo:hi]
        if good.any():
            out[i] = y[lo:hi][good].mean()
    return out


def two_lorentzians(x, a1, c1, w1, a2, c2, w2, b0, b1):
    l1 = a1 * (w1 / 2) / np.pi / ((x - c1) ** 2 + (w1 / 2) ** 2)
    l2 = a2 * (w2 / 2) / np.pi / ((x - c2) ** 2 + (w2 / 2) ** 2)
    return l1 + l2 + b0 + b1 * (x - 965.0)


def analyse(shift, counts, fitter, lam, window):
    y = despike(counts.astype(float), threshold=25.0)
    baseline, _ = fitter.asls(y, lam=lam, p=0.01)
    y = savgol_filter(y - baseline, window, 3)
    window = (shift >= 930) & (shift <= 1000)
    x, yw = shift[window], y[window]
    height = max(yw.max(), 1.0)
    p0 = [height * 10, 961, 10, height * 5, 970, 10, 0, 0]
    lower = [0, 955, 3, 0, 965, 3, -np.inf, -np.inf]
    upper = [np.inf, 965, 25, np.inf, 976, 25, np.inf, np.inf]
    try:
        p, cov = curve_fit(two_lorentzians, x, yw, p0=p0, bounds=(lower, upper), maxfev=2000)
    except (RuntimeError, ValueError):
        return float("nan"), float("nan")
    a1, a2 = p[0], p[3]
    total = a1 + a2
    if total <= 0:
        return float("nan"), float("nan")
    fraction = a2 / total
    var = (a1 * a1 * cov[3, 3] + a2 * a2 * cov[0, 0] - 2 * a1 * a2 * cov[0, 3]) / total**4
    return fraction, float(np.sqrt(var)) if var >= 0 else float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--axis", required=True)
    parser.add_argument("--spectra", required=True)
    args = parser.parse_args()
    shift = np.fromfile(args.axis, dtype="<f8")
    spectra = np.fromfile(args.spectra, dtype="<f8").reshape(-1, shift.size)
    fitter = Baseline(x_data=np.arange(shift.size, dtype=float))
    spacing = abs(shift[-1] - shift[0]) / (shift.size - 1)
    lam = 1e6 / spacing**4
    window = max(int(round(7.0 / spacing)) | 1, 5)
    results = []
    start = time.perf_counter()
    cpu_start = time.process_time()
    for counts in spectra:
        results.append(analyse(shift, counts, fitter, lam, window))
    cpu = time.process_time() - cpu_start
    seconds = time.perf_counter() - start
    out = sys.stdout
    for fraction, sigma in results:
        out.write(f"{float(fraction)!r} {float(sigma)!r}\n")
    out.write(f"# seconds {seconds!r} spectra {len(results)} cpu {cpu!r}\n")


if __name__ == "__main__":
    main()
