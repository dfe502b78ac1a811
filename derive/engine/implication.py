"""Implications between equations: does ``B`` follow from ``A`` (``A ⇒ B``)?

"proved" only by an argument that covers every solution of ``A`` in the stated domains:

- ``B`` is a non-zero constant multiple of ``A`` (then ``A ⇔ B``);
- ``B`` holds for every value (whatever ``A`` says);
- polynomial equations: ``B``'s difference lies in the radical of the ideal of ``A``'s
  (a Groebner basis of ``(a, 1 - t b)`` is ``{1}``): ``b`` vanishes at every complex zero
  of ``a``, so at every zero in any domain;
- substitution of a *complete* solution set: ``A`` linear in a symbol with a coefficient
  known to be non-zero, or a polynomial in its only symbol, whose roots (exact, with
  ``CRootOf`` where needed) are all of its solutions; ``B`` is proved at each of them.

``sp.solve`` is never trusted to be complete (``tan x = 1``, ``xy = 0``, ``sin 2x = 1``
have solutions it does not list); its answers are only *candidates* for a
counterexample. "refuted" needs a point where ``A`` holds, certified exactly (``A`` is
proved at the candidate, for every value of the symbols left), that lies inside the
stated domains and where ``B`` is refuted. Otherwise the answer is "unknown".
"""
from __future__ import annotations

import time
from fractions import Fraction
from typing import Mapping, Optional

import sympy as sp

from .assumptions import parse_assumptions, reconcile
from .equivalence import Verdict, apply_domains, check_timeout, decide
from .probe import domain_of
from .traverse import free_of, substitute
from .worker import run_bounded

#: candidate solutions tried per symbol, and elements taken of an infinite solution family
MAX_CANDIDATES = 8
FAMILY = (0, 1, -1, 2)


def _symbols(e) -> list:
    return sorted((s for s in free_of(e) if isinstance(s, sp.Symbol)), key=str)


def _polynomial(e, gens) -> bool:
    try:
        return bool(gens) and e.is_polynomial(*gens) and all(
            c.is_number for c in sp.Poly(e, *gens).coeffs())
    except (sp.PolynomialError, sp.GeneratorsNeeded, TypeError, ValueError):
        return False


def radical_member(a, b) -> bool:
    """``b`` vanishes wherever ``a`` does (polynomials with constant coefficients)."""
    gens = _symbols(a) + [s for s in _symbols(b) if s not in _symbols(a)]
    if not (_polynomial(a, gens) and _polynomial(b, gens)):
        return False
    t = sp.Dummy("t")
    basis = sp.groebner([sp.expand(a), sp.expand(1 - t * b)], *gens, t, order="grevlex")
    return list(basis.exprs) == [1]


def complete_solutions(a, s, domain) -> Optional[list]:
    """Every solution of ``a = 0`` for ``s`` in its domain, or None when that cannot be known."""
    others = [x for x in _symbols(a) if x != s]
    try:
        poly = sp.Poly(a, s)
    except (sp.PolynomialError, sp.GeneratorsNeeded):
        return None
    if poly.degree() == 1:
        coeff, rest = poly.all_coeffs()
        if coeff.is_zero is False:  # known non-zero under the assumptions: one solution, always
            return [sp.cancel(-rest / coeff)]
        return None
    if others or poly.degree() < 1 or not all(c.is_Rational for c in poly.all_coeffs()):
        return None
    if domain.kind == "complex":
        roots = poly.all_roots()
    else:
        roots = poly.real_roots()
    return list(dict.fromkeys(r for r in roots if _in_domain(r, domain)))


def _in_domain(value, domain) -> bool:
    """The exact constant ``value`` lies in ``domain`` (False when that is not certain)."""
    if domain.kind == "complex" or domain.kind == "matrix":
        return True
    if value.is_real is not True:
        return False
    if domain.kind == "integer" and value.is_integer is not True:
        return False
    for bound, open_, below in ((domain.lo, domain.lo_open, True), (domain.hi, domain.hi_open, False)):
        if bound is None:
            continue
        b = sp.Rational(bound.numerator, bound.denominator)
        rel = (value > b if open_ else value >= b) if below else (value < b if open_ else value <= b)
        if rel is not sp.true:
            return False
    return not (domain.nonzero and value.is_zero is not False)


def _candidates(a, s, domain) -> list:
    """Solutions of ``a = 0`` for ``s`` that may be incomplete: candidates for a counterexample."""
    found = []
    sol_domain = sp.S.Complexes if domain.kind == "complex" else sp.S.Reals
    try:
        sols = sp.solveset(a, s, sol_domain)
    except (NotImplementedError, TypeError, ValueError, AttributeError):
        sols = None
    pieces = list(sols.args) if isinstance(sols, sp.Union) else [sols]
    for piece in pieces:
        if isinstance(piece, sp.FiniteSet):
            found += list(piece)
        elif isinstance(piece, sp.ImageSet) and len(piece.lamda.variables) == 1:
            n = piece.lamda.variables[0]
            found += [piece.lamda.expr.xreplace({n: k}) for k in FAMILY]
    try:
        solved = sp.solve(a, s, dict=False)
    except (NotImplementedError, TypeError, ValueError, AttributeError):
        solved = []
    if isinstance(solved, list):
        found += [x for x in solved if isinstance(x, sp.Expr)]
    return list(dict.fromkeys(found))[:MAX_CANDIDATES]


def _rational_point(cex: dict) -> Optional[dict]:
    """The probe's counterexample as exact rationals by name (it writes them as ``p/q``)."""
    out = {}
    for k, v in cex.items():
        try:
            out[k] = Fraction(v)
        except (ValueError, ZeroDivisionError):
            return None
    return out


def decide_implication(premise, conclusion, domains, progress=lambda info: None) -> tuple:
    """``(Verdict, relation)`` for ``premise ⇒ conclusion``; relation is ``"<=>"``, ``"=>"``,
    ``"holds"`` (the conclusion holds whatever the premise) or ``"=>?"`` (not decided)."""
    start = time.perf_counter()
    (pl, pr), (cl, cr), used = _with_domains(premise, conclusion, domains)
    a, b = pl - pr, cl - cr

    def verdict(status, method, **kw):
        return Verdict(status, method, seconds=time.perf_counter() - start, assumptions=used, **kw)

    def sub(x, y):
        return decide(x, y, domains, progress)

    try:
        ratio = sp.cancel(sp.together(b / a)) if a != 0 else None
    except (TypeError, ValueError, ZeroDivisionError, sp.PolynomialError):
        ratio = None
    if ratio is not None and ratio.is_number and ratio.is_zero is False and ratio.is_finite:
        if sub(b, ratio * a).status == "proved":
            return verdict("proved", f"equivalent: the later equation is {ratio} times the earlier"), "<=>"
    progress({"trying": "the Groebner basis of the earlier equation"})
    try:
        if radical_member(sp.expand(a), sp.expand(b)):
            return verdict("proved", "the later difference lies in the radical of the earlier equation's "
                                     "ideal (Groebner basis)"), "=>"
    except (sp.PolynomialError, NotImplementedError, TypeError, ValueError):
        pass
    alone = sub(cl, cr)
    if alone.status == "proved":
        return verdict("proved", f"the later equation holds for all values ({alone.method})"), "holds"
    tried: list = []
    for s in _symbols(a):
        domain = domain_of(s, domains)
        progress({"trying": f"solving the earlier equation for {s}"})
        complete = complete_solutions(a, s, domain)
        if complete is not None:
            results = [sub(substitute(cl, {s: r}), substitute(cr, {s: r})) for r in complete]
            if all(v.status == "proved" for v in results):
                what = "no solution in the domain" if not complete else \
                    f"every solution {s} = " + ", ".join(sp.sstr(r) for r in complete)
                return verdict("proved", f"substitution of the complete solution set of the earlier "
                                         f"equation for {s} ({what})"), "=>"
        for r in (complete or []) + [c for c in _candidates(a, s, domain) if c not in (complete or [])]:
            if (s, r) in tried or r.has(s):
                continue
            tried.append((s, r))
            found = _counterexample(s, r, (pl, pr), (cl, cr), domains, sub, complete is not None
                                    and r in complete)
            if found is not None:
                return verdict("refuted", f"a solution of the earlier equation ({s} = {sp.sstr(r)}) where the "
                                          f"later one fails", counterexample=found[0],
                               numerically_consistent=False, detail=found[1]), "=>"
    return verdict("unknown", "no sound argument that the later equation follows (and no solution of the "
                              "earlier one found where it fails)",
                   numerically_consistent=alone.numerically_consistent), "=>?"


def _counterexample(s, r, premise, conclusion, domains, sub, exact_root):
    """A point where the premise holds (certified) and the conclusion fails, or None."""
    pl, pr = premise
    if not exact_root and sub(substitute(pl, {s: r}), substitute(pr, {s: r})).status != "proved":
        return None  # not a solution for every value of the other symbols: no evidence
    v = sub(substitute(conclusion[0], {s: r}), substitute(conclusion[1], {s: r}))
    if v.status != "refuted" or v.counterexample is None:
        return None
    point = dict(v.counterexample)
    value = r
    if free_of(r):
        exact = _rational_point({k: point[k] for k in point if k in {str(x) for x in free_of(r)}})
        if exact is None or len(exact) != len(free_of(r)):
            return None
        value = substitute(r, {x: sp.Rational(exact[str(x)].numerator, exact[str(x)].denominator)
                               for x in free_of(r)})
    if not _in_domain(sp.nsimplify(value) if value.is_Float else value, domain_of(s, domains)):
        return None
    point = {str(s): sp.sstr(value), **point}
    return point, v.detail


def _with_domains(premise, conclusion, domains):
    both_l, both_r, used = apply_domains(sp.Tuple(*premise), sp.Tuple(*conclusion), domains)
    return tuple(both_l), tuple(both_r), used


def _in_worker(premise, conclusion, domains, progress):
    return decide_implication(premise, conclusion, domains, progress)


def implies(premise, conclusion, assume: Optional[Mapping[str, object]] = None,
            timeout: float = 10.0) -> tuple:
    """``(Verdict, relation)``: does the equation ``conclusion = (lhs, rhs)`` follow from ``premise``?

    >>> from sympy import Symbol, tan, pi
    >>> x, y = Symbol("x"), Symbol("y")
    >>> implies((x**2, 4), (x**4, 16))[0].status
    'proved'
    >>> implies((x*y, 0), (x, 0))[0].status
    'refuted'
    """
    from .equivalence import as_expr

    premise = tuple(as_expr(e, "premise") for e in premise)
    conclusion = tuple(as_expr(e, "conclusion") for e in conclusion)
    if len(premise) != 2 or len(conclusion) != 2:
        raise ValueError("an equation is a pair (lhs, rhs)")
    domains = reconcile(parse_assumptions(assume), sp.Tuple(*premise), sp.Tuple(*conclusion))
    check_timeout(timeout)
    start = time.perf_counter()
    status, value, progress = run_bounded(_in_worker, (premise, conclusion, domains), {}, timeout)
    elapsed = time.perf_counter() - start
    if status == "done":
        v, relation = value
        return Verdict(**{**v.__dict__, "seconds": elapsed}), relation
    tried = [p["trying"] for p in progress if "trying" in p]
    where = f" while trying {tried[-1]}" if tried else ""
    what = f"time bound of {timeout:g} s reached{where}" if status == "timeout" else f"the checker failed: {value}"
    return Verdict("unknown", what, seconds=elapsed), "=>?"
