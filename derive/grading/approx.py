"""Numbers written with their decimals: ``\\tanh(1) \\approx 0.7616``, ``= -1.2068``.

A person who writes ``\\approx`` (or ``\\simeq``) and a value to N decimals claims it is the value
correctly rounded to N decimals (within half a unit of the last digit written). After ``=`` the
claim is exact equality: a decimal that matches only after rounding is never proved (it is
"unknown", with the hint to write ``\\approx``), and never refuted either. That claim is decided here with
the exact value evaluated at high precision and a margin: "proved" when the written number
is within half a unit by more than the evaluation error, "refuted" when it is outside by
more than that, "unknown" on the boundary. An exact equality is still proved as one.
"""
from __future__ import annotations

import sympy as sp

from ..engine.equivalence import Verdict, equal

PRECISION = 60  # significant digits of the evaluation


def rounded(exact, written, digits: int, relation: str, assume: dict, timeout: float) -> Verdict:
    """Is ``written`` (a number with ``digits`` decimals) ``exact`` correctly rounded?"""
    v = equal(exact, written, assume=assume, timeout=timeout)
    if v.status == "proved" or not isinstance(exact, sp.Basic) or exact.free_symbols:
        return v if relation == "=" or v.status != "refuted" else Verdict(
            "unknown", "an approximation of an expression with free symbols is not checked")
    try:
        value = sp.N(exact, PRECISION)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return v
    if not (value.is_real and value.is_finite) or not isinstance(written, sp.Rational):
        return v
    err = abs(sp.Rational(value) - written)
    half = sp.Rational(1, 2) / sp.Integer(10) ** digits
    slack = sp.Integer(10) ** (-(PRECISION - 10)) * max(1, abs(written))
    shown = sp.Float(value, digits + 6)
    if err < half - slack:
        if relation == "=":
            return Verdict("unknown", f"equal only after rounding to {digits} decimals; write \\approx",
                           detail=f"the value is {shown}; written to {digits} decimals")
        return Verdict("proved", f"correctly rounded to {digits} decimals",
                       detail=f"the value is {shown}; written to {digits} decimals")
    if err > half + slack:
        from decimal import ROUND_HALF_EVEN, Decimal

        good = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
        return Verdict("refuted", f"not the value rounded to {digits} decimals", counterexample={},
                       detail=f"the value is {shown}; to {digits} decimals it is {good}")
    return Verdict("unknown", "on the boundary of the stated rounding", detail=f"the value is {shown}")
