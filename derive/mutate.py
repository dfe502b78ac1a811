"""Mutants of a step: small edits that make a true equality false, to test the checker.

Each operator makes one edit a student (or an OCR pass) might: flip a sign, change a
constant by one or by a factor of 2, drop or duplicate a term, swap the sigmoid and tanh,
change a power, swap two indices, drop a ``1 -``. A mutant counts only when an
independent route (evaluation at random points, at high precision) shows it really is
not equivalent to the original; :func:`run` then asks :func:`derive.equal` about it. Any
"proved" among such mutants is a soundness bug.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import sympy as sp

from .equivalence import equal
from .functions import sigmoid


def _terms(e):
    return list(sp.Add.make_args(e))


def mutants(e, rng: random.Random) -> list:
    """``[(operator name, mutant)]`` for one expression (matrices: one entry edited)."""
    if isinstance(e, sp.MatrixBase):
        if len(e) == 0:
            return []
        out = []
        idx = rng.randrange(len(e))
        for name, m in mutants(e[idx], rng)[:4]:
            mat = sp.Matrix(e)
            mat[idx] = m
            out.append((f"entry: {name}", sp.ImmutableMatrix(mat)))
        return out
    if isinstance(e, sp.MatrixExpr):
        return [("factor 2", 2 * e), ("transpose", e.T)] if e.shape[0] == e.shape[1] else [("factor 2", 2 * e)]
    out = [("flip sign", -e), ("add 1", e + 1), ("factor 2", 2 * e)]
    terms = _terms(e)
    if len(terms) > 1:
        out.append(("drop a term", sp.Add(*terms[1:])))
        out.append(("duplicate a term", e + terms[0]))
    if e.has(sigmoid):
        out.append(("sigma to tanh", e.replace(sigmoid, sp.tanh)))
    if e.has(sp.tanh):
        out.append(("tanh to sigma", e.replace(sp.tanh, sigmoid)))
    pows = [p for p in sp.preorder_traversal(e) if isinstance(p, sp.Pow) and p.exp.is_Integer and p.exp != -1]
    if pows:
        p = pows[0]
        out.append(("change a power", e.xreplace({p: p.base ** (p.exp + 1)})))
    nums = [n for n in sp.preorder_traversal(e) if n.is_Integer and n not in (0, 1, -1)]
    if nums:
        out.append(("constant plus one", e.xreplace({nums[0]: nums[0] + 1})))
    idx = [i for i in e.atoms(sp.Indexed) if len(i.indices) >= 2 and i.indices[0] != i.indices[1]]
    if idx:
        i = idx[0]
        out.append(("swap two indices", e.xreplace({i: i.base[(i.indices[1], i.indices[0]) + i.indices[2:]]})))
    ones = [t for t in sp.preorder_traversal(e) if isinstance(t, sp.Add) and 1 in t.args and len(t.args) == 2]
    if ones:
        t = ones[0]
        out.append(("drop a 1", e.xreplace({t: sp.Add(*[a for a in t.args if a != 1])})))
    return out


def really_differ(a, b, domains: dict) -> bool:
    """Is the mutant really different? Evaluation at other random points than the checker's
    (another seed), each difference re-checked at 80 digits and, for small expressions, by
    SymPy's own evalf with the point substituted."""
    from .probe import probe

    try:
        return probe(a, b, domains, trials=6, seed=7919).counterexample is not None
    except (TypeError, ValueError, AttributeError, NotImplementedError):
        return False


@dataclass
class Tally:
    mutants: int = 0
    refuted: int = 0
    unknown: int = 0
    proved: list = field(default_factory=list)
    equivalent_skipped: int = 0


def run(cases, rng: random.Random, timeout: float = 10.0, tally: Tally = None) -> Tally:
    """``cases``: ``(label, lhs, rhs, assume)`` true steps; mutate ``rhs`` and decide each mutant."""
    from .assumptions import parse_assumptions

    tally = tally or Tally()
    for label, lhs, rhs, assume in cases:
        domains = parse_assumptions(assume)
        for op, m in mutants(rhs, rng):
            if not really_differ(lhs, m, domains):
                tally.equivalent_skipped += 1
                continue
            tally.mutants += 1
            v = equal(lhs, m, assume=assume, timeout=timeout)
            if v.status == "proved":
                tally.proved.append((label, op, str(m)[:200]))
            elif v.status == "refuted":
                tally.refuted += 1
            else:
                tally.unknown += 1
    return tally
