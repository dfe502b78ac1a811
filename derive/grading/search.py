"""A refutation search for piecewise claims: exact evaluation on a grid of points.

The probe samples a few random points; a claim that is wrong only on one sign pattern of
its gates (``[h_2 > 0]`` where ``[h_3 > 0]`` was meant) can slip through it. Here every leaf
takes values from a small grid of rationals, inside its stated domain, and the difference
of the two sides is evaluated exactly (SymPy numbers, signs decided by ``is_positive``). A
point is a counterexample only if the difference is decidedly non-zero there and no gate
(``Heaviside``, ``sign``, ``Abs``, ``Max``/``Min``) has an argument that is exactly zero: a
discontinuity at the point is no evidence. Bounded in points and seconds.
"""
from __future__ import annotations

import itertools
import random
import time
from fractions import Fraction
from typing import Optional

import sympy as sp

from ..engine.assumptions import Domain, parse_domain
from ..engine.equivalence import Verdict
from ..engine.traverse import free_of

GRID = [Fraction(-2), Fraction(-1, 2), Fraction(1, 3), Fraction(3, 2), Fraction(-5, 3), Fraction(4)]
GATES = (sp.Heaviside, sp.sign, sp.Abs, sp.Max, sp.Min, sp.Piecewise)


def _gated(expr) -> bool:
    return any(isinstance(n, GATES) or type(n).__name__ == "relu" for n in sp.preorder_traversal(expr))


def _gate_args(expr):
    for n in sp.preorder_traversal(expr):
        if isinstance(n, (sp.Heaviside, sp.sign, sp.Abs)) or type(n).__name__ == "relu":
            yield n.args[0]
        elif isinstance(n, (sp.Max, sp.Min)):
            a = n.args
            yield from (x - y for x, y in itertools.combinations(a, 2))


def grid_refute(lhs, rhs, assume: dict, seconds: float = 2.0, points: int = 400) -> Optional[Verdict]:
    """A counterexample to ``lhs = rhs`` from the grid, or None."""
    diff = lhs - rhs
    if not _gated(diff) or diff.has(sp.Sum, sp.Product, sp.Integral, sp.Derivative, sp.Subs, sp.Limit):
        return None
    leaves = sorted(free_of(diff), key=str)
    if not leaves or len(leaves) > 8 or any(isinstance(a, sp.Indexed) and a.free_symbols - {a.base.label}
                                             for a in leaves):
        return None
    domains = []
    for a in leaves:
        name = str(a.base.label) if isinstance(a, sp.Indexed) else a.name
        if getattr(a, "is_integer", False):
            return None
        spec = assume.get(name)
        try:  # the header's domains come parsed (grade.header_domains); the document's kinds as text
            dom = spec if isinstance(spec, Domain) else parse_domain(name, spec) if spec else None
        except (ValueError, TypeError):
            return None
        if dom is not None and dom.kind != "real":
            return None
        domains.append([v for v in GRID if dom is None or dom.contains(v)])
    if any(not d for d in domains):
        return None
    rng = random.Random(0)
    total = 1
    for d in domains:
        total *= len(d)
    combos = itertools.product(*domains) if total <= points else (
        tuple(rng.choice(d) for d in domains) for _ in range(points))
    start = time.perf_counter()
    gates = list(_gate_args(diff))
    for combo in combos:
        if time.perf_counter() - start > seconds:
            return None
        point = {a: sp.Rational(v.numerator, v.denominator) for a, v in zip(leaves, combo)}
        if any(sp.sympify(g).xreplace(point).is_zero is not False for g in gates):
            continue
        d = diff.xreplace(point)
        try:
            d = sp.nsimplify(d) if d.is_Float else d
            nonzero = d.is_zero is False and bool(d.is_positive or d.is_negative) and abs(sp.N(d, 30)) > 1e-12
        except (TypeError, ValueError):
            continue
        if nonzero:
            cx = {str(a): str(v) for a, v in point.items()}
            return Verdict("refuted", "exact evaluation at a grid point", counterexample=cx,
                           detail=f"lhs - rhs = {sp.N(d, 6)} there")
    return None
