"""Mutation testing of the checker: every step of every built-in proof, mutated.

Each mutant is confirmed non-equivalent by an independent evaluation before equal() sees
it; the report counts refuted (killed), unknown and proved (must be zero). Usage:
``python -m bench.mutation [--rounds N]`` (each round draws the random operators anew).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from derive.discover import discover
from derive.mutate import Tally, run

ROOT = Path(__file__).resolve().parent.parent


def proof_cases(max_timeout: float = 10.0):
    for entry in discover([ROOT / "proofs"]):
        proof = entry.build()
        if proof.timeout > max_timeout:
            continue  # the 2-D residual proofs: a minute per mutant
        for n, st, prev in proof.links():
            if st.expect == "proved" and st.rel == "=":
                yield f"{entry.name}[{n}]", proof.unfold(prev), proof.unfold(st.expr), proof.assume


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args(argv)
    tally = Tally()
    t0 = time.perf_counter()
    cases = list(proof_cases())
    for r in range(args.rounds):
        run(cases, random.Random(r), tally=tally)
    print(f"{tally.mutants} non-equivalent mutants of {len(cases)} steps in {time.perf_counter() - t0:.0f} s: "
          f"{tally.refuted} refuted, {tally.unknown} unknown, {len(tally.proved)} proved "
          f"({tally.equivalent_skipped} mutants equivalent to the original, skipped)")
    for p in tally.proved:
        print("PROVED MUTANT (a soundness bug):", *p)
    return 1 if tally.proved else 0


if __name__ == "__main__":
    sys.exit(main())
