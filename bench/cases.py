"""The step corpus shared by the benchmarks: every step of every built-in proof, every
checked step of the grading corpus, and mutants of the true ones.

A case is ``Case(label, source, lhs, rhs, assume, truth)``; ``truth`` is the right answer
(True: the sides are equal), taken from the proof's ``expect``, the corpus file's
``% derive: expect`` line, or, for mutants, from an independent evaluation that shows the
mutant differs from the original.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"


@dataclass(frozen=True)
class Case:
    label: str
    source: str      # "proof", "corpus" or "mutant"
    lhs: object
    rhs: object
    assume: dict
    truth: bool


def proof_steps(max_timeout: float = 10.0):
    """Equality steps of the built-in proofs (proofs with a longer own bound are left out:
    the 2-D residual gradients take about a minute a step)."""
    from derive.proofs.discover import discover

    for entry in discover([ROOT / "proofs"]):
        proof = entry.build()
        if proof.timeout > max_timeout:
            continue
        for n, st, prev in proof.links():
            if st.rel == "=" and st.expect in ("proved", "refuted"):
                yield Case(f"{entry.name}[{n}]", "proof", proof.unfold(prev), proof.unfold(st.expr),
                           dict(proof.assume), st.expect == "proved")


def expected_verdicts(path: Path) -> list:
    m = re.search(r"^% derive: expect (.*)$", path.read_text(), re.M)
    return m.group(1).split() if m else []


def corpus_steps(folder: Path = CORPUS):
    """Checked equality steps of the grading corpus whose expected verdict is proved or refuted."""
    from derive.grading.grade import grade

    for path in sorted(folder.glob("*.tex")):
        for step, want in zip(grade(path).steps, expected_verdicts(path)):
            if step.compared is None or want not in ("proved", "refuted"):
                continue
            lhs, rhs, assume, rel = step.compared
            if rel in ("=", "~"):
                yield Case(f"{path.stem}:{step.line}", "corpus", lhs, rhs, dict(assume), want == "proved")


def mutant_cases(cases, seed: int = 0, per_case: int | None = None, skipped: list | None = None):
    """Mutants of the true cases' right sides, each confirmed non-equivalent by
    :func:`derive.testing.mutate.really_differ`; ``skipped`` collects the equivalent ones."""
    from derive.engine.assumptions import parse_assumptions
    from derive.testing.mutate import mutants, really_differ

    rng = random.Random(seed)
    for case in cases:
        if not case.truth:
            continue
        made = mutants(case.rhs, rng)
        if per_case is not None:
            made = rng.sample(made, min(per_case, len(made)))
        domains = parse_assumptions(case.assume)
        for op, m in made:
            if really_differ(case.lhs, m, domains):
                yield Case(f"{case.label} / {op}", "mutant", case.lhs, m, case.assume, False)
            elif skipped is not None:
                skipped.append((case.label, op))
