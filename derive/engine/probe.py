"""The numeric probe: look for a point where two expressions differ.

A point is chosen inside the assumed domains: exact rationals for symbols and
indexed entries, small integers for sizes (the limits of sums, the shapes of
matrices), and concrete smooth functions for undefined functions such as an
arbitrary activation ``g`` or loss ``L``. Both sides are evaluated with SymPy's
``evalf`` (arbitrary precision, no ``lambdify``, no strings), a clear difference
is re-checked at a much higher precision before it is believed, and the point is
returned as the counterexample.

Agreement at every point is evidence, not proof: the caller reports it as
"numerically consistent", never as "proved".
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Optional

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef

from .assumptions import REAL, Domain, domain_of_symbol
from .numeval import NumEval, Undefined
from .certificate import doit
from .traverse import atoms_of, free_of, substitute

PREC = 30
RECHECK_PREC = 80


@dataclass
class ProbeResult:
    """What the probe saw: a confirmed counterexample, or how many points agreed."""

    counterexample: Optional[dict] = None
    agreed: int = 0
    skipped: int = 0
    notes: list = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return self.counterexample is None and self.agreed > 0


def size_symbols(expr) -> set:
    """Symbols that stand for sizes: limits of sums and products, matrix shapes."""
    out = set()
    for s in atoms_of(expr, sp.Sum, sp.Product):
        for _, lo, hi in s.limits:
            out |= {x for x in (sp.sympify(lo).free_symbols | sp.sympify(hi).free_symbols)}
    for m in atoms_of(expr, sp.MatrixSymbol):
        for dim in m.shape:
            out |= sp.sympify(dim).free_symbols
    return {s for s in out if isinstance(s, sp.Symbol)}


def _random_rational(rng: random.Random, dom: Domain, sign_hint: int) -> Fraction:
    """A rational with a small denominator inside ``dom`` (so a counterexample reads well)."""
    lo = dom.lo if dom.lo is not None else None
    hi = dom.hi if dom.hi is not None else None
    if dom.kind == "integer":
        a = int(lo) if lo is not None else (int(hi) - 6 if hi is not None else -4)
        b = int(hi) if hi is not None else a + 6
        a = a + 1 if (lo is not None and dom.lo_open and Fraction(a) == lo) else a
        for _ in range(50):
            v = Fraction(rng.randint(a, max(a, b)))
            if dom.contains(v) and (v != 0 or lo is not None):
                return v
        return Fraction(a)
    if lo is None and hi is None:
        lo, hi = (Fraction(1, 8), Fraction(3)) if sign_hint > 0 else (Fraction(-3), Fraction(-1, 8))
    elif lo is None:
        lo = hi - 3
    elif hi is None:
        hi = lo + 3
    for _ in range(100):
        q = rng.randint(2, 9)
        p = rng.randint(int(lo * q) - 1, int(hi * q) + 1)
        v = Fraction(p, q)
        if dom.contains(v) and v != 0:
            return v
    return (lo + hi) / 2


def _concrete_function(rng: random.Random, nargs: int):
    """A smooth, genuinely non-linear function of ``nargs`` arguments."""
    ts = sp.symbols(f"t0:{nargs}", real=True)
    body = sp.Rational(rng.randint(-3, 3), 4)
    for i, t in enumerate(ts):
        c1, c2, c3 = (sp.Rational(rng.randint(1, 9), rng.randint(2, 7)) for _ in range(3))
        body += c1 * t + c2 * t**2 + sp.sin(c3 * t + i + 1)
    if nargs > 1:
        body += sp.Rational(rng.randint(1, 5), 3) * ts[0] * ts[1]
    return sp.Lambda(ts, body)


def _instantiate(expr, subs_sizes):
    """Concrete sizes and every derivative carried out; undefined functions stay symbolic."""
    e = substitute(expr, subs_sizes) if subs_sizes else expr
    return doit(e)


def _index_range(exprs, subs_sizes):
    """``(lo, hi)``: the indices valid in every sum of the statement at these sizes (a free
    index is paired with them: ``sum_{i=2}^n x_i delta_ij`` says nothing at ``j = 1``)."""
    lo, hi = 1, None
    for e in exprs:
        for s in atoms_of(e, sp.Sum):
            for _, a, b in s.limits:
                a, b = sp.sympify(a).xreplace(subs_sizes), sp.sympify(b).xreplace(subs_sizes)
                if a.is_Integer:
                    lo = max(lo, int(a))
                if b.is_Integer:
                    hi = int(b) if hi is None else min(hi, int(b))
    return lo, (lo if hi is None else hi)


def domain_of(atom, domains) -> Domain:
    """The domain of a symbol or an indexed entry: the entry's own (``x[1]``), else its family's
    (``w^(2)``), else what the symbol's SymPy assumptions say."""
    if isinstance(atom, sp.Indexed):
        return domains.get(str(atom)) or domains.get(str(atom.base.label)) or (
            domain_of_symbol(atom) if atom.is_real is not None else REAL)
    return domains.get(atom.name) or domain_of_symbol(atom)


def _values_for(expr, domains, rng, trial, index_range=(1, 1)) -> dict:
    """Exact values for the free atoms: integers for indices first, then everything else."""
    values = {}
    free = free_of(expr)
    indexed = {a for a in free if isinstance(a, sp.Indexed)}
    labels = {a.base.label for a in indexed}
    index_syms = set()
    for a in indexed:
        for ix in a.indices:
            index_syms |= {s for s in sp.sympify(ix).free_symbols if isinstance(s, sp.Symbol)}
    for s in sorted(index_syms, key=sp.default_sort_key):
        dom = domains.get(s.name)
        if dom is None or dom.kind != "integer" or dom.text == "index":
            lo, hi = index_range
            if hi < lo:
                raise ValueError("no index lies in every sum at these sizes")
            dom = Domain("integer", Fraction(lo), Fraction(hi), False, False, text="index")
        v = _random_rational(rng, dom, 1)
        values[s] = sp.Integer(int(v))
    if values:
        free = {a.xreplace(values) if isinstance(a, sp.Indexed) else a for a in free} - set(values)
    atoms = sorted((a for a in free if a not in labels and not isinstance(a, sp.MatrixSymbol)),
                   key=sp.default_sort_key)
    for i, a in enumerate(atoms):
        if isinstance(a, sp.Indexed):
            name = str(a.base.label)
        elif isinstance(a, sp.Symbol):
            name = a.name
        else:
            continue
        dom = domain_of(a, domains)
        sign = 1 if (trial + i) % 2 == 0 else -1
        if trial >= 2:
            sign = rng.choice((1, -1))
        v = _random_rational(rng, dom, sign)
        values[a] = sp.Rational(v.numerator, v.denominator)
    return values


def _matrix_values(exprs, rng, domains) -> dict:
    """Random rational matrices; orthogonal ones by the Cayley transform, symmetric ones as S + S^T."""
    out = {}
    found = set().union(*[atoms_of(e, sp.MatrixSymbol) for e in exprs])
    for m in sorted(found, key=str):
        r, c = m.shape
        if not (sp.sympify(r).is_Integer and sp.sympify(c).is_Integer):
            continue
        r, c = int(r), int(c)
        rand = lambda i, j: sp.Rational(rng.randint(-9, 9), rng.randint(1, 5))  # noqa: E731
        kind = domains.get(m.name).text if m.name in domains else ""
        if kind == "orthogonal" and r == c:
            A = sp.Matrix(r, r, lambda i, j: 0)
            for i in range(r):
                for j in range(i + 1, r):
                    A[i, j] = rand(i, j)
                    A[j, i] = -A[i, j]
            out[m] = (sp.eye(r) - A) * (sp.eye(r) + A).inv()
        elif kind == "symmetric" and r == c:
            S = sp.Matrix(r, r, rand)
            out[m] = S + S.T
        else:
            out[m] = sp.Matrix(r, c, rand)
    return out


def _evaluate(expr, values, func_map, prec):
    """A number (or list of numbers) to ``prec`` digits, or None where there is no finite value."""
    ints = {k: v for k, v in values.items() if isinstance(k, sp.Symbol) and v.is_Integer}
    if ints:
        expr = substitute(expr, ints)
    ev = NumEval(values, func_map, prec)
    try:
        if isinstance(expr, sp.MatrixBase):
            return [ev(x) for x in expr]
        return ev(expr)
    except (Undefined, ZeroDivisionError, ValueError, TypeError, ArithmeticError, RecursionError):
        return None


def _gap(lv, rv):
    """``(relative gap, index)`` of the worst entry of two numbers or lists of numbers."""
    if isinstance(lv, list) and len(lv) == 1 and not isinstance(rv, list):
        lv = lv[0]
    if isinstance(rv, list) and len(rv) == 1 and not isinstance(lv, list):
        rv = rv[0]
    if isinstance(lv, list) != isinstance(rv, list):
        return None
    pairs = list(zip(lv, rv)) if isinstance(lv, list) else [(lv, rv)]
    if isinstance(lv, list) and len(lv) != len(rv):
        return None
    worst, where = mpmath.mpf(0), 0
    for n, (a, b) in enumerate(pairs):
        r = abs(a - b) / max(mpmath.mpf(1), abs(a), abs(b))
        if r > worst:
            worst, where = r, n
    return worst, where


def _entry(v, n):
    return v[n] if isinstance(v, list) else v


def _sympy_route(expr, values, func_map, prec):
    """An independent evaluation by SymPy's own evalf (small expressions only)."""
    if isinstance(expr, sp.MatrixBase):
        return [_sympy_route(x, values, func_map, prec) for x in expr]
    ints = {k: v for k, v in values.items() if isinstance(k, sp.Symbol) and v.is_Integer}
    e = substitute(expr, ints) if ints else expr
    if func_map:
        e = e.subs(func_map).doit()
    v = sp.N(substitute(e, values), prec)
    re, im = v.as_real_imag()
    return mpmath.mpc(mpmath.mpf(sp.Float(re, prec)._mpf_), mpmath.mpf(sp.Float(im, prec)._mpf_))


def _confirmed(li, ri, values, func_map) -> Optional[bool]:
    """Re-check a difference by SymPy's evalf where the expressions are small; None if it cannot."""
    if sp.count_ops(li) + sp.count_ops(ri) > 4000:
        return None
    try:
        with mpmath.workdps(RECHECK_PREC):
            lv, rv = _sympy_route(li, values, func_map, RECHECK_PREC), _sympy_route(ri, values, func_map, RECHECK_PREC)
            g = _gap(lv, rv)
    except (TypeError, ValueError, AttributeError, ArithmeticError, RecursionError):
        return None
    return None if g is None else bool(g[0] > mpmath.mpf(10) ** -(PREC // 2))


def _violation(lv, rv, relation):
    """How far ``lv relation rv`` fails (relative), and where; ``(0, 0)`` when it holds."""
    if relation == "==":
        return _gap(lv, rv)
    lv = lv[0] if isinstance(lv, list) and len(lv) == 1 else lv
    rv = rv[0] if isinstance(rv, list) and len(rv) == 1 else rv
    if isinstance(lv, list) or isinstance(rv, list):
        return None
    scale = max(mpmath.mpf(1), abs(lv), abs(rv))
    if abs(mpmath.im(lv)) > scale * mpmath.mpf(10) ** -20 or abs(mpmath.im(rv)) > scale * mpmath.mpf(10) ** -20:
        return None  # an order needs real values
    diff = mpmath.re(lv) - mpmath.re(rv)
    bad = {">=": -diff, "<=": diff, ">": -diff, "<": diff}[relation]
    if relation in (">", "<") and bad >= 0:
        return (max(bad / scale, mpmath.mpf(10) ** -PREC), 0)
    return (bad / scale if bad > 0 else mpmath.mpf(0), 0)


def probe(lhs, rhs, domains: dict, trials: int = 6, seed: int = 20261121,
          relation: str = "==") -> ProbeResult:
    """Evaluate both sides at ``trials`` points; return a confirmed counterexample if any.

    ``relation`` is ``"=="`` or an order (``">="``, ``"<="``, ``">"``, ``"<"``): a
    counterexample is then a point where the order fails.
    """
    rng = random.Random(seed)
    result = ProbeResult()
    sizes = size_symbols(lhs) | size_symbols(rhs)
    funcs = {f.func for f in atoms_of(lhs, AppliedUndef) | atoms_of(rhs, AppliedUndef)}
    instantiated: dict = {}  # sizes -> both sides with derivatives carried out (the costly part)
    for trial in range(trials):
        subs_sizes = {}
        for s in sorted(sizes, key=sp.default_sort_key):
            lo, hi = _size_bounds(domains.get(s.name) or domain_of_symbol(s))
            if hi < lo:
                break
            subs_sizes[s] = sp.Integer(rng.randint(lo, min(hi, lo + 2)))
        else:
            lo = None
        if lo is not None:  # a stated size bound no size satisfies: nothing to sample
            result.skipped += 1
            result.notes.append("no size satisfies the stated bounds")
            return result
        func_map = {f: _concrete_function(rng, _arity(f, lhs, rhs)) for f in sorted(funcs, key=str)}
        try:
            key = tuple(sorted(subs_sizes.items(), key=str))
            if key not in instantiated:
                instantiated[key] = (_explicit(_instantiate(lhs, subs_sizes)), _explicit(_instantiate(rhs, subs_sizes)))
            li, ri = instantiated[key]
            mats = _matrix_values((li, ri), rng, domains)
            if mats:
                li, ri = _explicit(li.subs(mats).doit()), _explicit(ri.subs(mats).doit())
            atoms_src = sp.Tuple(*_entries(li), *_entries(ri))
            values = _values_for(atoms_src, domains, rng, trial, _index_range((lhs, rhs), subs_sizes))
            lv = _evaluate(li, values, func_map, PREC)
            rv = _evaluate(ri, values, func_map, PREC)
        except (TypeError, ValueError, NotImplementedError, AttributeError, sp.ShapeError) as exc:
            result.skipped += 1
            result.notes.append(f"point {trial}: {type(exc).__name__}")
            continue
        if lv is None or rv is None:
            result.skipped += 1
            continue
        g = _violation(lv, rv, relation)
        if g is None:
            result.skipped += 1
            continue
        gap, where = g
        if gap <= mpmath.mpf(10) ** (-(PREC // 2)):
            result.agreed += 1
            continue
        lv2 = _evaluate(li, values, func_map, RECHECK_PREC)
        rv2 = _evaluate(ri, values, func_map, RECHECK_PREC)
        g2 = _violation(lv2, rv2, relation) if lv2 is not None and rv2 is not None else None
        stable = g2 is not None and g2[0] > mpmath.mpf(10) ** (-(RECHECK_PREC // 2)) \
            and abs(g2[0] - gap) <= g2[0] * mpmath.mpf(10) ** -8
        if stable and not _inside(values, subs_sizes, domains):
            result.skipped += 1  # never a counterexample outside the stated assumptions
            result.notes.append(f"point {trial}: outside the assumptions")
            continue
        if stable and (relation != "==" or _confirmed(li, ri, values, func_map) is not False):
            cex = {str(k): str(v) for k, v in subs_sizes.items()}
            cex.update({str(k): str(v) for k, v in func_map.items()})
            cex.update({str(k): str(v.tolist()) for k, v in mats.items()})
            cex.update({str(k): str(v) for k, v in values.items()})
            result.counterexample = cex
            label = f"entry {where}: " if isinstance(lv2, list) else ""
            result.notes.append(f"{label}lhs = {mpmath.nstr(_scalar(_entry(lv2, where)), 12)}, "
                                f"rhs = {mpmath.nstr(_scalar(_entry(rv2, where)), 12)}")
            return result
        result.skipped += 1
    return result


def _size_bounds(dom: Domain) -> tuple:
    """The integer sizes a domain allows, as ``(lo, hi)`` (sizes are at least 1)."""
    lo = 1
    if dom.lo is not None:
        lo = max(lo, int(dom.lo) + 1 if dom.lo_open and dom.lo == int(dom.lo) else -(-dom.lo.numerator // dom.lo.denominator))
    hi = lo + 2
    if dom.hi is not None:
        top = dom.hi.numerator // dom.hi.denominator
        hi = top - 1 if dom.hi_open and dom.hi == top else top
    return lo, hi


def _inside(values, subs_sizes, domains) -> bool:
    """Every value of the point inside its stated domain (a guard behind the sampler)."""
    for atom, v in list(values.items()) + list(subs_sizes.items()):
        if not isinstance(atom, (sp.Symbol, sp.Indexed)) or not isinstance(v, sp.Rational):
            continue
        if isinstance(atom, sp.Symbol) and atom in subs_sizes and atom.name not in domains:
            continue
        dom = domain_of(atom, domains)
        if dom.kind in ("matrix", "complex") or dom.text == "index":
            continue
        if not dom.contains(Fraction(int(v.p), int(v.q))):
            return False
    return True


def _scalar(v):
    if isinstance(v, list):
        return v[0] if len(v) == 1 else mpmath.matrix(v)
    return v.real if v.imag == 0 else v


def _entries(e) -> list:
    return list(e) if isinstance(e, sp.MatrixBase) else [e]


def _explicit(e):
    if isinstance(e, sp.MatrixExpr) and all(sp.sympify(d).is_Integer for d in e.shape):
        try:
            return e.as_explicit()
        except (ValueError, TypeError, NotImplementedError):
            return e
    return e


def _arity(f, *exprs) -> int:
    for e in exprs:
        for a in atoms_of(e, AppliedUndef):
            if a.func == f:
                return len(a.args)
    return 1
