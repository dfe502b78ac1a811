"""Helpers for the oracle tests: SymPy formulas evaluated at points, PyTorch tensors built from them."""
from __future__ import annotations

import random

import sympy as sp

from derive.engine.numeval import NumEval


def value(expr, point: dict) -> float:
    """A formula's value at a point (exact rationals in, a float out)."""
    v = NumEval(point, {}, 30)(sp.sympify(expr))
    return float(v.real) if hasattr(v, "real") else float(v)


def random_point(symbols, rng: random.Random, lo=-1.5, hi=1.5) -> dict:
    """A rational point; rationals with denominator 1000 keep float64 and SymPy in step."""
    return {s: sp.Rational(rng.randint(int(lo * 1000), int(hi * 1000)), 1000) for s in symbols}
