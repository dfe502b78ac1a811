"""How checking an instantiated proof grows with its size.

For each family, the instantiated proof is built at several sizes and checked in a
fresh process (so peak memory is that run's alone: the process and its worker). The
growth exponent is the least-squares slope of log(time) against log(number of
parameters). Writes ``bench/results/scaling.md`` and ``bench/results/scaling.png``.

Usage: ``python -m bench.scaling [--quick]``; one measurement: ``--one FAMILY SIZE``.
"""
from __future__ import annotations

import argparse
import json
import math
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def _proofs():
    sys.path.insert(0, str(ROOT / "proofs"))
    import backprop
    import quadratic
    import residual
    import tanh_sigmoid
    return backprop, quadratic, residual, tanh_sigmoid


def build(family: str, size: int):
    """``(proof, number of parameters)`` of a family's instantiated proof at ``size``."""
    import sympy as sp

    from derive.calculus.nn import network

    backprop, quadratic, residual, tanh_sigmoid = _proofs()
    if family == "tanh_sigmoid (M = D = w, K = 2)":
        return tanh_sigmoid.tanh_sigmoid_networks_instantiated(M=size, D=size, K=2), size * (size + 1) + 2 * (size + 1)
    if family == "backprop (widths w-w-1)":
        net = network([size, size, 1], [sp.tanh, backprop.sigmoid], biases=True)
        y = sp.Symbol("y", real=True)
        proof = backprop.gradient_proof("bp", "bp", net, lambda out: (y - out) ** 2)
        return proof, len(net.parameters())
    if family == "residual conv1d (length n, kernel 3)":
        return residual.residual_conv1d_grad_x(length=size, k=3), size + 6
    if family == "quadratic (dimension d)":
        return quadratic_proof(size), 2 * size
    raise ValueError(family)


def quadratic_proof(d: int):
    """The eigen-expansion with an exact orthonormal basis of dimension d (Cayley transform)."""
    import sympy as sp

    _, quadratic, _, _ = _proofs()
    A = sp.zeros(d, d)
    for i in range(d):
        for j in range(i + 1, d):
            A[i, j] = sp.Rational((i + 2 * j) % 5 - 2, 3)
            A[j, i] = -A[i, j]
    U = (sp.eye(d) - A) * (sp.eye(d) + A).inv()
    return quadratic._concrete(U, d, f"d = {d}", f"quadratic_d{d}", "")


FAMILIES = {
    "tanh_sigmoid (M = D = w, K = 2)": [2, 4, 8, 16, 32],
    "backprop (widths w-w-1)": [2, 4, 8, 12, 16],  # 32 would take ~20 min: see the report
    "residual conv1d (length n, kernel 3)": [5, 8, 16, 32, 64],
    "quadratic (dimension d)": [2, 3, 4, 6, 8],
}
QUICK = {k: v[:3] for k, v in FAMILIES.items()}


def one(family: str, size: int) -> dict:
    from derive.engine.worker import _POOL

    t0 = time.perf_counter()
    proof, params = build(family, size)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = proof.check(timeout=600)
    t_check = time.perf_counter() - t0
    _POOL.shutdown()
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return {"family": family, "size": size, "params": params, "build_s": t_build, "check_s": t_check,
            "ok": report.ok, "peak_mib": peak}


def slope(xs, ys) -> float:
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--one", nargs=2, metavar=("FAMILY", "SIZE"))
    ap.add_argument("--quick", action="store_true", help="the three smallest sizes of each family")
    ap.add_argument("--report-only", action="store_true", help="rewrite the report from bench/results/scaling.json")
    args = ap.parse_args(argv)
    if args.report_only:
        report(json.loads((RESULTS / "scaling.json").read_text()))
        return 0
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]))))
        return 0
    rows = []
    for family, sizes in (QUICK if args.quick else FAMILIES).items():
        for size in sizes:
            out = subprocess.run([sys.executable, "-m", "bench.scaling", "--one", family, str(size)],
                                 capture_output=True, text=True, cwd=ROOT)
            if out.returncode != 0:
                print(f"{family} {size}: failed\n{out.stderr[-2000:]}", file=sys.stderr)
                continue
            row = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append(row)
            print(f"{family:<38} size {size:>3}  params {row['params']:>5}  build {row['build_s']:7.2f} s  "
                  f"check {row['check_s']:7.2f} s  peak {row['peak_mib']:7.1f} MiB  {'ok' if row['ok'] else 'NOT OK'}",
                  flush=True)
    report(rows)
    return 0 if all(r["ok"] for r in rows) else 1


def report(rows):
    RESULTS.mkdir(parents=True, exist_ok=True)
    lines = ["# Scaling of `derive check` with the size of instantiated proofs",
             "", f"Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
             f"date {date.today().isoformat()}. Command: `python -m bench.scaling`.", "",
             "| family | size | parameters | build (s) | check (s) | peak memory (MiB) | proved |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['family']} | {r['size']} | {r['params']} | {r['build_s']:.2f} | {r['check_s']:.2f} | "
                     f"{r['peak_mib']:.0f} | {'yes' if r['ok'] else 'NO'} |")
    lines += ["", "Growth exponent: slope of log(build + check time) against log(parameters), per family, over "
              "all sizes and over the two largest (where the fixed start-up cost no longer hides the growth).", "",
              "| family | exponent (all sizes) | exponent (two largest) |", "|---|---|---|"]
    fams = sorted({r["family"] for r in rows})
    for f in fams:
        pts = sorted((r["params"], r["build_s"] + r["check_s"]) for r in rows if r["family"] == f)
        if len(pts) >= 2:
            lines.append(f"| {f} | {slope(*zip(*pts)):.2f} | {slope(*zip(*pts[-2:])):.2f} |")
    (RESULTS / "scaling.json").write_text(json.dumps(rows, indent=1) + "\n")
    (RESULTS / "scaling.md").write_text("\n".join(lines) + "\n")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plot (pip install -e '.[bench]')", file=sys.stderr)
        return
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for f in fams:
        pts = sorted((r["params"], r["build_s"] + r["check_s"]) for r in rows if r["family"] == f)
        ax.loglog(*zip(*pts), marker="o", label=f)
    ax.set_xlabel("parameters (symbols in the proof)")
    ax.set_ylabel("build + check time (s)")
    ax.set_title("derive check against size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(RESULTS / "scaling.png", dpi=110)
    print(f"wrote {RESULTS / 'scaling.md'} and {RESULTS / 'scaling.png'}")


if __name__ == "__main__":
    sys.exit(main())
