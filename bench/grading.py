"""Grading speed: steps per second on the corpus (reading and deciding apart), one typical
10-line derivation, and files per second for ``derive grade DIR`` with 1 and with 2 jobs.

Usage: ``python -m bench.grading [--files 200]``. Writes ``bench/results/grading.md``.
"""
from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
RESULTS = ROOT / "bench" / "results"

TEN_LINES = r"""% derive: assume z real
\begin{align*}
\sigma(-z) &= \frac{1}{1+e^{z}} \\
&= \frac{e^{-z}}{e^{-z}+1} \\
&= 1 - \frac{1}{1+e^{-z}} \\
&= 1 - \sigma(z) \\
\frac{d}{dz}\sigma(z) &= \frac{e^{-z}}{(1+e^{-z})^{2}} \\
&= \sigma(z)(1 - \sigma(z)) \\
\tanh(z) &= \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}} \\
&= \frac{2}{1 + e^{-2z}} - 1 \\
&= 2\sigma(2z) - 1 \\
&= 2\sigma(z) - 1
\end{align*}
"""


SKIP: list = []   # file-name prefixes left out (--skip), to compare with a run on an older corpus


def _corpus():
    return [p for p in sorted(CORPUS.glob("*.tex")) if not any(p.name.startswith(x) for x in SKIP)]


def corpus_rates():
    from derive.engine import equivalence
    from derive.grading import grade

    parse_s, total_s, steps, leaf_s = 0.0, 0.0, 0, 0.0
    for path in _corpus():
        text = path.read_text()
        equivalence._CACHE.clear()
        grade.PARSE_CLOCK[0] = 0.0
        grade.LEAF_CLOCK[0] = 0.0
        t0 = time.perf_counter()
        report = grade.grade_text(text, file=str(path))
        total_s += time.perf_counter() - t0
        parse_s += grade.PARSE_CLOCK[0]
        leaf_s += grade.LEAF_CLOCK[0]
        steps += sum(s.status != "given" for s in report.steps)
    return steps, parse_s, total_s, leaf_s


def ten_line_times(runs=5):
    from derive.engine import equivalence
    from derive.grading.grade import grade_text

    times = []
    for _ in range(runs):
        equivalence._CACHE.clear()
        t0 = time.perf_counter()
        r = grade_text(TEN_LINES, file="ten_lines.tex")
        times.append(time.perf_counter() - t0)
    return times, len([s for s in r.steps if s.status != "given"])


def folder_rate(n_files: int, jobs: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        sources = _corpus()
        for n in range(n_files):
            shutil.copy(sources[n % len(sources)], folder / f"student{n:03d}.tex")
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "derive", "grade", str(folder), "--jobs", str(jobs), "--out", tmp],
                       capture_output=True, text=True, cwd=ROOT)
        return n_files / (time.perf_counter() - t0)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--skip", action="append", default=[], metavar="PREFIX",
                    help="leave out corpus files whose name starts with PREFIX (e.g. reader_)")
    args = ap.parse_args(argv)
    SKIP[:] = args.skip
    from derive import equal

    equal(1, 1)  # start the worker before timing
    steps, parse_s, total_s, leaf_s = corpus_rates()
    times, ten_steps = ten_line_times()
    r1 = folder_rate(args.files, 1)
    r2 = folder_rate(args.files, 2)
    lines = ["# Grading speed", "", f"Machine: {platform.machine()}, {platform.python_implementation()} "
             f"{platform.python_version()}, date {date.today().isoformat()}. Command: `python -m bench.grading"
             + "".join(f" --skip {x}" for x in args.skip) + (f" --files {args.files}" if args.files != 200 else "")
             + "`.", "",
             "| measure | value |", "|---|---|",
             f"| corpus steps (not counting givens) | {steps} |",
             f"| reading (parse, in the bounded worker) | {parse_s:.2f} s, {steps / parse_s:.1f} steps/s |",
             f"| of which latex2sympy2 on the arithmetic leaves | {leaf_s:.2f} s |",
             f"| deciding (grade minus reading) | {total_s - parse_s:.2f} s, {steps / max(total_s - parse_s, 1e-9):.1f} steps/s |",
             f"| whole grading | {total_s:.2f} s, {steps / total_s:.1f} steps/s |",
             f"| a typical 10-line derivation ({ten_steps} steps), median of {len(times)} | "
             f"{statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}) |",
             f"| `derive grade DIR`, {args.files} files, 1 job | {r1:.2f} files/s |",
             f"| `derive grade DIR`, {args.files} files, 2 jobs | {r2:.2f} files/s |",
             f"| 2-job throughput / 1-job throughput | {r2 / r1:.2f} |"]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "grading.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
