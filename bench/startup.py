"""Whole commands as a user runs them: wall time and peak memory of ``derive --help``,
``derive list``, ``derive check`` (every built-in proof) and ``derive grade`` on one corpus
file, each a fresh process, several runs (median, min, max).

Peak memory is the largest resident set of the command's process tree, from
``getrusage(RUSAGE_CHILDREN)`` after each run (the command and its workers are all
waited-for descendants).
"""
from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COMMANDS = [
    ("derive --help", ["--help"], 7),
    ("derive list", ["list"], 7),
    ("derive grade tests/corpus/seed004_tanh_sigmoid.tex", ["grade", "tests/corpus/seed004_tanh_sigmoid.tex"], 5),
    ("derive check", ["check", "-q"], 3),
]


def _one(args) -> tuple:
    """Wall seconds and peak RSS (MB) of one fresh process tree."""
    code = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
            "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")
    exe = str(Path(sys.executable).with_name("derive"))
    out = subprocess.run([sys.executable, "-c", code, exe, *args], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024, int(out[2])


def run(progress=print, runs_scale: float = 1.0) -> dict:
    rows = []
    for label, args, runs in COMMANDS:
        runs = max(2, int(runs * runs_scale))
        got = [_one(args) for _ in range(runs)]
        times, mems = [g[0] for g in got], [g[1] for g in got]
        rows.append({"command": label, "runs": runs, "median": statistics.median(times), "min": min(times),
                     "max": max(times), "peak_mb": max(mems), "exit": got[-1][2]})
        progress(f"  {label}: median {rows[-1]['median']:.2f} s")
    return {"rows": rows}


def imports_of(module: str) -> set:
    """The modules a fresh interpreter has loaded after importing ``module``."""
    code = f"import sys, {module}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def table(result) -> str:
    lines = ["| command | runs | median s | min s | max s | peak RSS MB |", "|---|---|---|---|---|---|"]
    for r in result["rows"]:
        lines.append(f"| `{r['command']}` | {r['runs']} | {r['median']:.2f} | {r['min']:.2f} | {r['max']:.2f} | "
                     f"{r['peak_mb']:.0f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(run()))
