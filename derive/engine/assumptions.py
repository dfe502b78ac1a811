"""Domains of symbols: parsed from short strings, honoured by the probe and the simplifier.

An assumption is stated as ``{"z": "real"}``, ``{"x": "positive"}``,
``{"y": "0<y<1"}``, ``{"n": "positive integer"}`` or ``{"w": "complex"}``. The
string is read by a small grammar here (never ``eval``/``sympify``): a bound must
be a plain number such as ``-1``, ``0.5`` or ``1/2``.

Each :class:`Domain` gives two things: the SymPy assumptions to put on the symbol
(so ``sqrt(x**2)`` becomes ``x`` when ``x`` is positive) and an interval to sample
from (so the probe only looks for counterexamples where the claim is made).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Optional

import sympy as sp

_NUMBER = r"[+-]?\d+(?:\.\d+)?(?:/\d+)?"
_CMP = r"<=|>=|<|>|≤|≥"
_KEYWORDS = {
    "real": ("real", None, None, True, True),
    "complex": ("complex", None, None, True, True),
    "positive": ("real", Fraction(0), None, True, True),
    "negative": ("real", None, Fraction(0), True, True),
    "nonnegative": ("real", Fraction(0), None, False, True),
    "nonpositive": ("real", None, Fraction(0), True, False),
    "nonzero": ("real", None, None, True, True),
    "integer": ("integer", None, None, True, True),
    "positive integer": ("integer", Fraction(1), None, False, True),
    "natural": ("integer", Fraction(1), None, False, True),
    "nonnegative integer": ("integer", Fraction(0), None, False, True),
    # a valid index into every sum it is paired with by a Kronecker delta (sampled as 1)
    "index": ("integer", Fraction(1), Fraction(1), False, False),
    # matrix symbols: U^T U = U U^T = I, S^T = S, D diagonal, V^T V = I (derive.engine.matrices)
    "orthogonal": ("matrix", None, None, True, True),
    "symmetric": ("matrix", None, None, True, True),
    "diagonal": ("matrix", None, None, True, True),
    "orthonormal columns": ("matrix", None, None, True, True),
    "invertible": ("matrix", None, None, True, True),
    # a group of vectors, the key naming them "u_1,u_2,u_3": u_i^T u_j = delta_ij
    "orthonormal": ("matrix", None, None, True, True),
}


@dataclass(frozen=True)
class Domain:
    """Where a symbol lives: a kind (real, complex, integer) and an interval."""

    kind: str = "real"
    lo: Optional[Fraction] = None
    hi: Optional[Fraction] = None
    lo_open: bool = True
    hi_open: bool = True
    nonzero: bool = False
    text: str = "real"

    def sympy_assumptions(self) -> dict:
        """The SymPy assumptions this domain implies (only what SymPy can hold)."""
        if self.kind == "matrix":
            return {}
        if self.kind == "complex":
            return {"complex": True} if not self.nonzero else {"complex": True, "nonzero": True}
        out = {"integer": True} if self.kind == "integer" else {"real": True}
        lo, hi = self.lo, self.hi
        if lo is not None and (lo > 0 or (lo == 0 and self.lo_open)):
            out["positive"] = True
        elif lo is not None and lo >= 0:
            out["nonnegative"] = True
        if hi is not None and (hi < 0 or (hi == 0 and self.hi_open)):
            out["negative"] = True
        elif hi is not None and hi <= 0:
            out["nonpositive"] = True
        if self.nonzero:
            out["nonzero"] = True
        return out

    def contains(self, value: Fraction) -> bool:
        if self.lo is not None and (value < self.lo or (self.lo_open and value == self.lo)):
            return False
        if self.hi is not None and (value > self.hi or (self.hi_open and value == self.hi)):
            return False
        if self.nonzero and value == 0:
            return False
        return not (self.kind == "integer" and value.denominator != 1)

    def describe(self, name: str) -> str:
        if self.text == "index":
            return f"{name} a valid index"
        if self.text in _KEYWORDS:
            return f"{name} {self.text}"
        return self.text


REAL = Domain()


def _num(text: str) -> Fraction:
    try:
        return Fraction(text)
    except ZeroDivisionError:
        raise ValueError(f"the bound {text} divides by zero") from None


def parse_domain(name: str, spec) -> Domain:
    """Read one assumption string for the symbol ``name``.

    >>> parse_domain("y", "0<y<1").sympy_assumptions()
    {'real': True, 'positive': True}
    """
    if isinstance(spec, Domain):
        return spec
    if not isinstance(spec, str):
        raise TypeError(f"assumption for {name!r} must be a string such as 'real' or '0<{name}<1'")
    text = " ".join(spec.strip().lower().split())
    if text in _KEYWORDS:
        kind, lo, hi, lo_open, hi_open = _KEYWORDS[text]
        return Domain(kind, lo, hi, lo_open, hi_open, nonzero=(text == "nonzero"), text=text)
    compact = spec.replace(" ", "")
    esc = re.escape(name)
    m = re.fullmatch(rf"({_NUMBER})({_CMP}){esc}({_CMP})({_NUMBER})", compact)
    if m:
        a, c1, c2, b = m.groups()
        if c1 not in ("<", "<=", "≤") or c2 not in ("<", "<=", "≤"):
            raise ValueError(f"assumption {spec!r}: write a range as 'a<{name}<b'")
        lo, hi = _num(a), _num(b)
        if lo >= hi:
            raise ValueError(f"assumption {spec!r} describes an empty range")
        return Domain("real", lo, hi, c1 == "<", c2 == "<", text=compact)
    m = re.fullmatch(rf"{esc}({_CMP})({_NUMBER})", compact) or None
    if m:
        c, v = m.groups()
        v = _num(v)
        if c in (">", ">="):
            return Domain("real", v, None, c == ">", True, text=compact)
        return Domain("real", None, v, True, c == "<", text=compact)
    m = re.fullmatch(rf"({_NUMBER})({_CMP}){esc}", compact)
    if m:
        v, c = m.groups()
        flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "≤": ">=", "≥": "<="}[c]
        return parse_domain(name, f"{name}{flipped}{v}")
    raise ValueError(
        f"cannot read the assumption {spec!r} for {name!r}: use real, positive, negative, "
        f"nonnegative, nonzero, integer, positive integer, complex, or a range like '0<{name}<1'"
    )


def parse_assumptions(assume: Optional[Mapping[str, object]]) -> dict[str, Domain]:
    """Turn the user's ``assume=`` mapping into ``{name: Domain}``."""
    if assume is None:
        return {}
    if not isinstance(assume, Mapping):
        raise TypeError("assume must be a mapping such as {'z': 'real'}")
    out = {}
    for key, spec in assume.items():
        name = key.name if isinstance(key, (sp.Symbol, sp.IndexedBase)) else key
        if not isinstance(name, str):
            raise TypeError(f"assumption keys must be symbol names, not {key!r}")
        out[name] = parse_domain(name, spec)
    return out


def domain_of_symbol(sym: sp.Symbol) -> Domain:
    """The domain a symbol's own SymPy assumptions already state."""
    nonzero = sym.is_zero is False
    if sym.is_integer:
        if sym.is_positive:
            return Domain("integer", Fraction(1), None, False, True, text="positive integer")
        if sym.is_nonnegative:
            return Domain("integer", Fraction(0), None, False, True, text="nonnegative integer")
        if sym.is_negative:
            return Domain("integer", None, Fraction(-1), True, False, text="negative integer")
        if sym.is_nonpositive:
            return Domain("integer", None, Fraction(0), True, False, text="nonpositive integer")
        return Domain("integer", nonzero=nonzero, text="nonzero integer" if nonzero else "integer")
    if sym.is_real is False or (sym.is_complex and not sym.is_real):
        return Domain("complex", nonzero=nonzero, text="complex")
    if sym.is_positive:
        return Domain("real", Fraction(0), None, True, True, text="positive")
    if sym.is_negative:
        return Domain("real", None, Fraction(0), True, True, text="negative")
    if sym.is_nonnegative:
        return Domain("real", Fraction(0), None, False, True, text="nonnegative")
    if sym.is_nonpositive:
        return Domain("real", None, Fraction(0), True, False, text="nonpositive")
    if nonzero:
        return Domain("real", nonzero=True, text="nonzero")
    return REAL


def meet(stated: Domain, own: Domain, name: str) -> Domain:
    """The domain both ``stated`` (``assume=``) and ``own`` (the symbol's SymPy assumptions) allow.

    Keeping only one of them is unsound: a counterexample would break the other. An empty
    meet (``positive`` and ``negative``) is refused with a ValueError naming both.
    """
    if stated == own or own == REAL and stated.kind != "complex" or "matrix" in (stated.kind, own.kind):
        return stated
    kinds = {stated.kind, own.kind}
    kind = "integer" if "integer" in kinds else ("complex" if kinds == {"complex"} else "real")
    lo, lo_open = stated.lo, stated.lo_open
    if own.lo is not None and (lo is None or own.lo > lo or (own.lo == lo and own.lo_open)):
        lo, lo_open = own.lo, own.lo_open
    hi, hi_open = stated.hi, stated.hi_open
    if own.hi is not None and (hi is None or own.hi < hi or (own.hi == hi and own.hi_open)):
        hi, hi_open = own.hi, own.hi_open
    nonzero = stated.nonzero or own.nonzero
    empty = lo is not None and hi is not None and (lo > hi or (lo == hi and (lo_open or hi_open)))
    if kind == "integer" and lo is not None and hi is not None and not empty:
        first = lo.numerator // lo.denominator + (1 if lo.denominator == 1 and lo_open else 0) \
            if lo.denominator == 1 else -(-lo.numerator // lo.denominator)
        last = hi.numerator // hi.denominator - (1 if hi.denominator == 1 and hi_open else 0)
        empty = first > last or (nonzero and first == last == 0)
    if not empty and nonzero and lo == hi == 0:
        empty = True
    if empty:
        raise ValueError(f"contradictory assumptions on {name!r}: the symbol is {own.describe(name)} "
                         f"but assume= says {stated.describe(name)}")
    if kind == "integer" and lo is not None and lo.denominator == 1 and lo_open:
        lo, lo_open = lo + 1, False  # integers: closed bounds, so the sampler needs no care
    if kind == "integer" and hi is not None and hi.denominator == 1 and hi_open:
        hi, hi_open = hi - 1, False
    return Domain(kind, lo, hi, lo_open, hi_open, nonzero, text=f"{stated.describe(name)}, {own.describe(name)}")


def _same_variable(a, b) -> bool:
    """A symbol with no assumptions and the same name declared real are one variable: a symbol
    with no stated domain is real (the field's convention; SymPy's cache can hand back either)."""
    plain, real = sp.Symbol("_").assumptions0, sp.Symbol("_", real=True).assumptions0
    return not isinstance(a, sp.Dummy) and not isinstance(b, sp.Dummy) and \
        {frozenset(a.assumptions0.items()), frozenset(b.assumptions0.items())} <= \
        {frozenset(plain.items()), frozenset(real.items())}


def reconcile(domains: dict, *exprs) -> dict:
    """``domains`` with each stated domain met with its symbol's own assumptions.

    Also refuses two different symbols sharing one name (``Symbol("x")`` and
    ``Symbol("x", positive=True)``, or two ``Dummy("x")``): a counterexample is keyed by
    name, so with two such symbols it would be no point at all.
    """
    from .traverse import free_of

    seen: dict = {}
    for e in exprs:
        for s in free_of(e):
            if isinstance(s, sp.Symbol):
                other = seen.setdefault(s.name, s)
                if other != s and not _same_variable(other, s):
                    raise ValueError(f"two different symbols are both named {s.name!r}")
    out = dict(domains)
    for name, s in seen.items():
        if name in out and out[name].text != "index" and not isinstance(s, sp.Dummy) \
                and (s.is_real is not None or s.is_integer):
            out[name] = meet(out[name], domain_of_symbol(s), name)
    return out
