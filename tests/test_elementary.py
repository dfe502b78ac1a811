"""The elementary-function rungs (trigonometric rational functions, inverse functions as logs,
powers as exp(b log a), sign cases, exact constants): what they prove, and that they prove
nothing false."""
import pytest
import sympy as sp
from sympy import I, asinh, cos, csc, log, pi, sin, sqrt, tan

from derive import equal
from derive.engine.certificate import certify
from derive.engine.worker import run_bounded

x, y, a = sp.symbols("x y a", real=True)

PROVED = [
    (csc(6 * x) ** 2 * (7 * sin(6 * x) * cos(7 * x) - 6 * cos(6 * x) * sin(7 * x)),
     -(6 * cos(6 * x) * sin(7 * x) - 7 * sin(6 * x) * cos(7 * x)) / sin(6 * x) ** 2),
    (sin(x / 2) / (1 + tan(x) * tan(x / 2)), sin(x / 2) * cos(x)),
    (asinh(x), log(x + sqrt(x ** 2 + 1))),
    (x ** log(y), y ** log(x)),
    (I / sqrt(x), sqrt(-1 / x)),
    (cos(2 * pi / 17), sp.sympify("(-1 + sqrt(17) + sqrt(34 - 2*sqrt(17)))/16 + 2*sqrt(17 + 3*sqrt(17) "
                                  "- sqrt(34 - 2*sqrt(17)) - 2*sqrt(34 + 2*sqrt(17)))/16")),
    (sp.Integer(452), sp.Rational("4.52") * 10 ** 2),
    ((4 * sqrt(3) * I + 4) ** sp.Rational(1, 5), 8 ** sp.Rational(1, 5) * (cos(pi / 15) + I * sin(pi / 15))),
    (sp.atan(sp.Rational(1, 2)), pi / 2 - sp.atan(2)),
    (sp.oo, 2 * sp.oo),
]

REFUTED = [
    (sp.Float("0.333333333333333"), sp.Rational(1, 3)),
    (sp.Integer(452), sp.Float("4.52") * 10 ** 2),  # a float is its binary value: 452.00000000000006
    (sp.oo, -sp.oo),
    (1 / sqrt(x), sqrt(1 / x)),
    (sin(2 * x), 2 * sin(x)),
    (log(a ** 2), 2 * log(a)),
]

#: differences that are not zero: no rung may take them to zero
NONZERO = [
    sin(2 * x) - 2 * sin(x),
    x ** log(y) - y ** log(x) + 1,
    sqrt(x ** 2) - x,
    asinh(x) - log(x + sqrt(x ** 2 - 1)),
    log(a ** 2) - 2 * log(a),
    sin(x / 3) / (1 + tan(x) * tan(x / 3)) - sin(x / 3) * cos(x),
    cos(2 * pi / 17) - sp.Rational(93, 100),
    (4 * sqrt(3) * I + 4) ** sp.Rational(1, 5) - 8 ** sp.Rational(1, 5) * (cos(pi / 15) - I * sin(pi / 15)),
    sp.atan(sp.Rational(1, 3)) - (pi / 2 - sp.atan(2)),
    sqrt(2 * x * sqrt(x ** 2 + 1) + 2 * x ** 2 + 1) - sqrt(x ** 2 + 1) + x,
]


@pytest.mark.parametrize("lhs, rhs", PROVED, ids=[str(p[0])[:30] for p in PROVED])
def test_elementary_identities_are_proved(lhs, rhs):
    assert equal(lhs, rhs, timeout=30).status == "proved"


@pytest.mark.parametrize("lhs, rhs", REFUTED, ids=[str(p[0])[:30] for p in REFUTED])
def test_elementary_non_identities_are_refuted(lhs, rhs):
    v = equal(lhs, rhs, timeout=30)
    assert v.status == "refuted" and v.counterexample is not None


def _certify(diff, progress=None):
    return certify(diff)


@pytest.mark.parametrize("diff", NONZERO, ids=[str(d)[:30] for d in NONZERO])
def test_no_chain_takes_a_nonzero_difference_to_zero(diff):
    """Every chain tried on its own (no probe first), in the bounded worker: none reaches 0 (the
    cheap ones run first; a late costly one may use up the bound, which proves nothing either)."""
    status, value, _ = run_bounded(_certify, (diff,), {}, 15)
    assert status in ("done", "timeout") and value is None


def test_decimals_are_read_as_written():
    """Decimals written in LaTeX are the decimals written; a float is its exact binary value."""
    from derive import parse_latex

    assert equal(parse_latex("0.1 + 0.2"), parse_latex("0.3")).status == "proved"
    assert equal(sp.Float("0.1") + sp.Float("0.2"), sp.Float("0.3")).status == "refuted"
