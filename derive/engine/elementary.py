"""Certificates for identities of elementary functions that the activations never need.

Each chain is exact algebra, named in the verdict:

- trigonometric functions as a rational function of ``t = exp(i u)``: every free symbol
  in a trigonometric argument is rescaled so its multiples become integers, after which
  ``exp(i k u) = t^k`` turns the difference into a rational function of ``t``; cancelling
  it to zero proves the identity (for every ``u`` where both sides are defined);
- inverse trigonometric and hyperbolic functions as logarithms (``asinh x =
  log(x + sqrt(x^2+1))``, SymPy's own rewrites);
- powers with a symbolic exponent as ``exp(b log a)``, SymPy's definition of ``a^b``;
- a real symbol under a root or a logarithm split by its sign (``x = p`` and ``x = -p``
  with ``p > 0``), each case proved by the cheap chains;
- constants: exact rational arithmetic (a float is its exact binary value), principal powers of
  complex constants in polar form, arctangents of rationals folded into [-1, 1], and the
  minimal polynomial of an algebraic difference (``t`` exactly when the difference is zero).
"""
from __future__ import annotations

import math
from typing import Callable, Optional

import sympy as sp

from .traverse import atoms_of, free_of, has_any, nodes, substitute

TRIG = (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc)
INVERSE = (sp.asin, sp.acos, sp.atan, sp.acot, sp.asec, sp.acsc, sp.asinh, sp.acosh, sp.atanh, sp.acoth)


def _small(e, limit: int = 400) -> bool:
    return sp.count_ops(e) <= limit


def trig_as_rational(e):
    """The difference as a rational function of ``exp(i u)`` (see the module docstring)."""
    e = e.rewrite(sp.exp)
    exps = atoms_of(e, sp.exp)
    rescale = {}
    for s in sorted(set().union(*[free_of(x) for x in exps]) if exps else set(), key=str):
        dens = [1]
        for x in exps:
            coeff = sp.expand(x.args[0]).coeff(s)
            if coeff.has(s) or (coeff != 0 and not (coeff / sp.I).is_Rational and not coeff.is_Rational):
                return e  # not linear with rational coefficients: leave it
            c = coeff / sp.I if (coeff / sp.I).is_Rational else coeff
            if c != 0:
                dens.append(sp.Rational(c).q)
        rescale[s] = math.lcm(*dens)
    fresh = {s: sp.Dummy(s.name, **s.assumptions0) for s in rescale}
    e = substitute(e, {s: rescale[s] * fresh[s] for s in rescale})
    gens = {}

    def as_powers(x):
        out = sp.S.One
        for term in sp.Add.make_args(sp.expand(x.args[0])):
            coeff, rest = term.as_coeff_Mul()
            unit = rest / sp.I if (rest / sp.I).is_Symbol else rest
            if unit in fresh.values() and coeff.is_Integer:
                key = (unit, rest != unit)  # (symbol, imaginary?)
                t = gens.setdefault(key, sp.Dummy(f"t_{unit}"))
                out *= t ** int(coeff)
            else:
                out *= sp.exp(term)
        return out

    e = e.replace(lambda x: isinstance(x, sp.exp), as_powers)
    return sp.cancel(sp.together(sp.expand(e)))


def inverse_as_logs(e):
    return sp.cancel(sp.together(sp.expand(e.rewrite(sp.log))))


def powers_as_exp(e):
    """``a^b`` with a symbolic exponent is ``exp(b log a)`` by definition (principal branch)."""
    e = e.replace(lambda p: isinstance(p, sp.Pow) and not p.exp.is_number and p.base != sp.E,
                  lambda p: sp.exp(sp.expand(p.exp * sp.log(p.base))))
    return sp.cancel(sp.together(sp.expand(e)))


def _sign_unknown_real(e) -> list:
    return sorted((s for s in free_of(e) if isinstance(s, sp.Symbol) and s.is_real
                   and s.is_positive is None and s.is_negative is None), key=str)


def _branchy(e) -> bool:
    return any(isinstance(p, sp.Pow) and not p.exp.is_integer for p in nodes(e)) \
        or has_any(e, sp.log, sp.Abs, sp.sign)


def sign_cases(e, inner: Callable) -> Optional[object]:
    """Zero in every sign case of the real symbols under roots and logs (at most two symbols).

    The cases are ``x = p``, ``x = -p`` (``p > 0``) and ``x = 0``: zero is a case of its own
    (``sign(0) = 0``, ``0^0 = 1``, ReLU'(0) = 0), never skipped. A case where the difference
    has no value (a pole, ``log 0``) is where the sides are not both defined, as in the
    other chains' cancellations.
    """
    symbols = _sign_unknown_real(e)
    if not symbols or len(symbols) > 2:
        return None
    cases = [{}]
    for s in symbols:
        p = sp.Dummy(s.name, positive=True)
        cases = [{**c, s: v} for c in cases for v in (p, -p, sp.S.Zero)]
    for case in cases:
        value = substitute(e, case)
        if not free_of(value) and value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            continue
        if inner(value) != 0:
            return None
    return sp.S.Zero


def sign_case_gaps(e) -> tuple:
    """The sign cases :func:`sign_cases` skipped because the difference has no value there,
    as conditions a proof by that chain holds under (``Abs(x)/x = sign(x)``: ``x ≠ 0``)."""
    symbols = _sign_unknown_real(e)
    if not symbols or len(symbols) > 2:
        return ()
    cases = [{}]
    for s in symbols:
        p = sp.Dummy(s.name, positive=True)
        cases = [{**c, s: v} for c in cases for v in (p, -p, sp.S.Zero)]
    out = []
    for case in cases:
        value = substitute(e, case)
        if not free_of(value) and value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            parts = [f"{s} = 0" if v == 0 else (f"{s} > 0" if v.is_positive else f"{s} < 0")
                     for s, v in case.items()]
            out.append(f"{s} ≠ 0" if len(parts) == 1 and parts[0].endswith("= 0") else
                       "not (" + " and ".join(parts) + ")")
    return tuple(out)


def _cheap(e):
    for chain in (sp.expand, lambda x: sp.cancel(sp.together(sp.expand(x))), powers_as_exp):
        r = chain(e)
        if r == 0:
            return r
    return sp.simplify(e)


# --- constants ------------------------------------------------------------------------------

def exact_decimals(e):
    """Every SymPy ``Float`` as the exact rational value of its binary mantissa and exponent.

    A float is a binary number: ``0.1 + 0.2`` is 0.3000000000000000444..., not 3/10, and
    reading it by its shortest decimal repr (or 15 printed digits) once proved
    ``0.1 + 0.2 = 0.3``. Decimals written in LaTeX never get here as floats: the reader
    turns ``4.52`` into 113/25 itself.
    """
    floats = atoms_of(e, sp.Float)  # a walk over distinct nodes: networks share their layers
    if not floats:
        return e
    return e.xreplace({f: sp.Rational(f) if f.is_finite else f for f in floats})


def _constant(e) -> bool:
    return isinstance(e, sp.Expr) and not free_of(e)


def decide_constants(lhs, rhs) -> Optional[tuple]:
    """``(status, method, detail)`` for two sides without free symbols when exact arithmetic settles
    it at once; None otherwise (the probe and the chains go on)."""
    if not (_constant(lhs) and _constant(rhs)):
        return None
    if lhs.has(sp.nan) or rhs.has(sp.nan):
        return None  # undefined (0 * oo): neither equal nor different
    inf = (sp.oo, -sp.oo, sp.zoo)
    if lhs in inf or rhs in inf:
        if lhs in inf and rhs in inf:
            return ("proved", "the same infinity", "") if lhs == rhs else \
                ("refuted", "different infinities", f"lhs = {lhs}, rhs = {rhs}")
        if (lhs.is_finite and rhs in inf) or (rhs.is_finite and lhs in inf):
            return "refuted", "a finite number is not infinite", f"lhs = {lhs}, rhs = {rhs}"
        return None
    diff = (lhs - rhs).doit()
    if diff.is_Rational:
        values = f"lhs = {lhs.doit()}, rhs = {rhs.doit()}"
        return ("proved", "exact rational arithmetic", values) if diff == 0 else \
            ("refuted", f"exact rational arithmetic: the sides differ by {diff}", values)
    return None


def algebraic_zero(e):
    """0 when the minimal polynomial of the constant ``e`` is ``t``; else ``e`` unchanged."""
    poly = sp.minimal_polynomial(e, sp.Dummy("t"), polys=True)
    return sp.S.Zero if poly.degree() == 1 and poly.TC() == 0 else e


def _complex_root(p) -> bool:
    return isinstance(p, sp.Pow) and p.exp.is_Rational and not p.exp.is_Integer and not free_of(p.base) \
        and p.base.is_extended_real is False


def polar_constants(e):
    """Principal powers of complex constants in polar form, ``b^r = |b|^r exp(i r arg b)``
    (the definition of the principal branch), then real and imaginary parts expanded."""
    def polar(p):
        angle = sp.arg(p.base)
        return p if angle.has(sp.arg) else sp.Abs(p.base) ** p.exp * sp.exp(sp.I * p.exp * angle)

    return sp.expand(sp.expand_complex(e.replace(_complex_root, polar)))


def fold_arctangents(e):
    """``atan r = sign(r) pi/2 - atan(1/r)`` for a rational ``|r| > 1``: every arctangent of a
    rational brought into [-1, 1], where equal arguments are equal angles."""
    def fold(a):
        r = a.args[0]
        return sp.sign(r) * sp.pi / 2 - sp.atan(1 / r) if r.is_Rational and abs(r) > 1 else a

    return sp.expand(e.replace(lambda a: isinstance(a, sp.atan), fold))


def _has_symbolic_power(e) -> bool:
    return any(isinstance(p, sp.Pow) and not p.exp.is_number for p in nodes(e))


#: ``(name, applies(e), chain(e))``, in the order they are tried (behind the activation chains)
CHAINS: list[tuple[str, Callable, Callable]] = [
    ("trigonometric functions as a rational function of exp(i x), cancel",
     lambda e: has_any(e, *TRIG) and _small(e), trig_as_rational),
    ("inverse functions as logarithms, cancel", lambda e: has_any(e, *INVERSE), inverse_as_logs),
    ("powers as exp(b log a), cancel", _has_symbolic_power, powers_as_exp),
    ("each sign of the real symbols under roots and logs, simplify",
     lambda e: _branchy(e) and _small(e, 200), lambda e: sign_cases(e, _cheap)),
    ("principal powers of complex constants in polar form, real and imaginary parts expanded",
     lambda e: _constant(e) and _small(e) and any(_complex_root(p) for p in nodes(e)), polar_constants),
    ("arctangents of rationals folded into [-1, 1]", lambda e: _constant(e) and has_any(e, sp.atan),
     fold_arctangents),
    ("the minimal polynomial of the difference is t (exact algebraic numbers)",
     lambda e: _constant(e) and _small(e, 300) and e.is_algebraic is True, algebraic_zero),
]
