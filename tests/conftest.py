"""Shared helpers: an independent re-check of counterexamples, and one check of all proofs."""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import mpmath
import pytest
import sympy as sp

ROOT = Path(__file__).resolve().parent.parent


def differ_at(lhs, rhs, counterexample: dict, digits: int = 60) -> bool:
    """True when lhs and rhs really differ at the point (evaluated here, not by derive)."""
    lhs, rhs = sp.sympify(lhs).doit(), sp.sympify(rhs).doit()
    symbols = {str(s): s for s in (lhs.free_symbols | rhs.free_symbols)}
    point = {}
    for name, text in counterexample.items():
        if name in symbols:
            f = Fraction(text)
            point[symbols[name]] = sp.Rational(f.numerator, f.denominator)
    assert set(point) == set(symbols.values()), f"counterexample {counterexample} misses a symbol"
    with mpmath.workdps(digits):
        a = complex(sp.N(lhs.subs(point), digits))
        b = complex(sp.N(rhs.subs(point), digits))
    return abs(a - b) > 1e-12 * max(1.0, abs(a), abs(b))


@pytest.fixture(scope="session")
def builtin_reports():
    """Every built-in proof checked once per test session: [(entry, report)]."""
    from derive.proofs.discover import discover

    return [(e, e.build().check()) for e in discover([ROOT / "proofs"])]
