"""Mutation testing of the checker: every true step of every built-in proof and of the
grading corpus, mutated.

Each mutant is confirmed non-equivalent by an independent evaluation before equal() sees
it; the report counts refuted (killed), unknown and proved (must be zero), per operator.
Usage: ``python -m bench.mutation [--rounds N] [--out FILE]`` (each round draws anew).
``--chains-only`` skips the probe: every mutant goes straight to the certificate chains,
none of which may reach zero (the probe would otherwise hide an unsound chain).
"""
from __future__ import annotations

import argparse
import random
import sys
import time

from bench.cases import ROOT, corpus_steps, proof_steps
from derive.testing.mutate import Tally, run


def proof_cases(max_timeout: float = 10.0):
    """``(label, lhs, rhs, assume)`` of the built-in proofs' true steps (for the test slice)."""
    for c in proof_steps(max_timeout):
        if c.truth:
            yield c.label, c.lhs, c.rhs, c.assume


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--out", default=None, help="default bench/results/mutation[_chains].txt")
    ap.add_argument("--chains-only", action="store_true", help="no probe: the chains alone on each mutant")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per mutant (default 10)")
    args = ap.parse_args(argv)
    args.out = args.out or str(ROOT / "bench" / "results" / ("mutation_chains.txt" if args.chains_only
                                                             else "mutation.txt"))
    t0 = time.perf_counter()
    cases = [(c.label, c.lhs, c.rhs, c.assume) for src in (proof_steps(), corpus_steps())
             for c in src if c.truth]
    tally = Tally()
    for r in range(args.rounds):
        run(cases, random.Random(r), timeout=args.timeout, tally=tally, chains_only=args.chains_only)
    n_proof = sum(1 for c in cases if "[" in c[0])
    lines = [f"{tally.mutants} non-equivalent mutants of {len(cases)} true steps "
             f"({n_proof} of built-in proofs, {len(cases) - n_proof} of the grading corpus), "
             f"{args.rounds} round(s), {'chains alone (no probe), ' if args.chains_only else ''}"
             f"{time.perf_counter() - t0:.0f} s: "
             f"{tally.refuted} refuted, {tally.unknown} unknown, {len(tally.proved)} proved "
             f"({tally.equivalent_skipped} mutants equivalent to the original, skipped)",
             f"refuted share: {tally.refuted / max(tally.mutants, 1):.1%}", "",
             f"{'operator':<28} {'mutants':>8} {'refuted':>8} {'unknown':>8} {'proved':>7}"]
    for op, c in sorted(tally.by_operator.items()):
        lines.append(f"{op:<28} {c['mutants']:>8} {c['refuted']:>8} {c['unknown']:>8} {c['proved']:>7}")
    for label, op, m in ([] if args.chains_only else tally.unknowns[:20]):
        lines.append(f"unknown: {label} / {op}: {m}")
    for p in tally.proved:
        lines.append("PROVED MUTANT (a soundness bug): " + " ".join(p))
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.out:
        with open(args.out, "w") as fh:
            flags = f" --chains-only --timeout {args.timeout:g}" if args.chains_only else ""
            fh.write(f"$ python -m bench.mutation --rounds {args.rounds}{flags}\n" + text)
    return 1 if tally.proved else 0


if __name__ == "__main__":
    sys.exit(main())
