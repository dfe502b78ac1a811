"""The seeds' derivations as the students wrote them (``tests/corpus/seeds/``): are their real
errors caught at their lines, and how many correct steps are proved / unknown / refuted?

Usage: ``python -m bench.seeds``. The truth of every step is in the files' ``% derive: expect``
lines and comments (decided by hand); the real errors are listed in :data:`ERRORS`.
"""
from __future__ import annotations

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "corpus" / "seeds"

#: (file, line, truth) of the six real errors of the sheets; truth "refuted" means it must be caught
ERRORS = [
    ("s000_q1_residual.tex", 13, "seed 000: residual dy/dx without the shortcut term"),
    ("s001_conv_size.tex", 13, "seed 001: conv output size without the stride"),
    ("s003_params.tex", 8, "seed 003: 18472 parameters"),
    ("s004_residual.tex", 18, "seed 004: residual gradient gated on h2 instead of h3 (w1 not flipped: "
                              "not visible in the 1x1 model)"),
    ("s004_tanh_network.tex", 16, "seed 004: the tanh-network bias (the lost factor t_kj)"),
    ("s004_quadratic.tex", 12, "seed 004: the quadratic expansion dropping alpha once"),
]
#: steps whose truth differs from the expected verdict recorded (derive cannot decide them yet)
TRUTH_REFUTED = {("s004_tanh_network.tex", 17)}


def run():
    from bench.cases import expected_verdicts
    from derive.errors import DeriveError
    from derive.grading.grade import grade

    caught, rows, counts = [], [], {"proved": 0, "unknown": 0, "refuted": 0, "unparsed": 0}
    wrong_steps = {(f, line) for f, line, _ in ERRORS} | TRUTH_REFUTED
    t0 = time.perf_counter()
    for path in sorted(SEEDS.glob("*.tex")):
        try:
            steps = grade(path).steps
        except DeriveError as exc:
            rows.append((path.name, f"refused: {str(exc)[:80]}"))
            continue
        for s in steps:
            if s.status == "given":
                continue
            if (path.name, s.line) in wrong_steps:
                if s.status == "refuted":
                    caught.append((path.name, s.line))
                continue
            counts[s.status] = counts.get(s.status, 0) + 1
    seconds = time.perf_counter() - t0
    print(f"seeds corpus: {len(list(SEEDS.glob('*.tex')))} files, {seconds:.1f} s")
    print("real errors:")
    for f, line, what in ERRORS:
        print(f"  {'caught ' if (f, line) in caught else 'MISSED '} {f}:{line}  {what}")
    total = sum(counts.values())
    print(f"correct steps: {total}; proved {counts['proved']} ({100 * counts['proved'] / max(total, 1):.0f} %), "
          f"unknown {counts['unknown']}, refuted {counts['refuted']}, unparsed {counts['unparsed']}")
    for name, why in rows:
        print(f"  {name}: {why}")
    return caught, counts


if __name__ == "__main__":
    run()
