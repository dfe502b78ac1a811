"""The two sides of a refuted step evaluated at its counterexample, for people to read.

A counterexample is a point (``{"a": "3/4"}``, names as the checker printed them); a reader
is convinced by the two values there ("left 0.2449, right 0.3499"), so every output that
shows a refutation (the sheet, the marked answer, the pytest failure) shows them, computed
here the same way: substitute the point exactly, carry out derivatives and sums, and give
an exact rational when the value is one, six significant digits otherwise. For matrices
the first entry where the sides differ is shown.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Optional

import sympy as sp


def _point(expr, point: dict) -> dict:
    """``{atom: exact value}`` for every symbol or indexed entry of ``expr`` the point names."""
    values = {}
    for atom in sp.preorder_traversal(expr):
        if isinstance(atom, (sp.Symbol, sp.Indexed)):
            key = str(atom)
            if key in point and atom not in values:
                try:
                    f = Fraction(str(point[key]))
                except ValueError:
                    continue
                values[atom] = sp.Rational(f.numerator, f.denominator)
    return values


def value_at(expr, point: dict):
    """``expr`` at the point, carried out (derivatives and sums done first, then substituted)."""
    done = expr.doit() if isinstance(expr, sp.Basic) else sp.sympify(expr)
    return done.xreplace(_point(done, point)).doit()


def _plain(v) -> Optional[sp.Expr]:
    """A number to show: exact when it is a short rational, else six significant digits."""
    try:
        v = sp.nsimplify(v) if isinstance(v, sp.Float) else v
        if v.is_Rational and len(str(v)) <= 12:
            return v
        if v.free_symbols:
            return None
        num = sp.N(v, 6)
        return num if num.is_number else None
    except (TypeError, ValueError, AttributeError):
        return None


def values_at(lhs, rhs, point: Optional[dict]):
    """``(where, left value, right value)`` at the counterexample, or None when either side
    cannot be computed to a number there. ``where`` is "" for scalars, "entry (i, j)" (from 1)
    for matrices."""
    if point is None:
        return None
    try:
        a, b = value_at(lhs, point), value_at(rhs, point)
    except Exception:  # a side that cannot be carried out at the point: show the point alone
        return None
    if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase) and a.shape == b.shape:
        for r in range(a.rows):
            for c in range(a.cols):
                va, vb = _plain(a[r, c]), _plain(b[r, c])
                if va is None or vb is None:
                    return None
                if abs(sp.N(va - vb, 30)) > 1e-12:
                    where = f"entry {r + 1}" if a.cols == 1 else f"entry ({r + 1}, {c + 1})"
                    return where, va, vb
        return None
    va, vb = _plain(a), _plain(b)
    if va is None or vb is None:
        return None
    return "", va, vb
