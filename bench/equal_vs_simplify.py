"""equal() against plain ``simplify(lhs - rhs) == 0`` on every step of the built-in proofs.

Both run in the same bounded worker process, in the same run, on the same steps and
with the same domains. Prints per step both verdicts and times, then the counts and
the median time ratio. Usage: ``python -m bench.equal_vs_simplify [--timeout S]``.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from derive import equivalence
from derive.assumptions import parse_assumptions
from derive.baselines import run_baseline
from derive.discover import discover

ROOT = Path(__file__).resolve().parent.parent


def steps_of_builtin_proofs():
    for entry in discover([ROOT / "proofs"]):
        proof = entry.build()
        for i, st, prev in proof.links():
            yield f"{entry.name}[{i}]", prev, st.expr, proof.assume, st.expect


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=10.0)
    args = ap.parse_args(argv)
    rows = []
    equivalence.equal(1, 1)  # start the worker before timing
    for name, lhs, rhs, assume, expect in steps_of_builtin_proofs():
        equivalence._CACHE.clear()
        v = equivalence.equal(lhs, rhs, assume=assume, timeout=args.timeout)
        plain, t_plain = run_baseline("simplify(a - b) == 0", lhs, rhs, parse_assumptions(assume), args.timeout)
        rows.append((name, v.status, v.seconds, plain, t_plain))
    print(f"{'step':<44} {'equal()':<9} {'time':>8}   {'simplify':<9} {'time':>8}  ratio")
    for name, status, t_eq, plain, t_plain in rows:
        ps = {True: "proved", False: "no", None: "timeout"}[plain]
        print(f"{name:<44} {status:<9} {t_eq * 1000:>6.1f}ms   {ps:<9} {t_plain * 1000:>6.1f}ms  {t_eq / t_plain:5.2f}")
    n = len(rows)
    eq_proved = sum(r[1] == "proved" for r in rows)
    plain_proved = sum(r[3] is True for r in rows)
    missed = [r[0] for r in rows if r[3] is True and r[1] != "proved"]
    ratios = [r[2] / r[4] for r in rows]
    print()
    print(f"steps: {n}; equal() proved {eq_proved}, plain simplify proved {plain_proved}")
    print(f"steps plain simplify proves but equal() does not: {missed or 'none'}")
    print(f"median time: equal() {statistics.median(r[2] for r in rows) * 1000:.1f} ms, "
          f"simplify {statistics.median(r[4] for r in rows) * 1000:.1f} ms; "
          f"median per-step ratio equal()/simplify = {statistics.median(ratios):.3f}")
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
