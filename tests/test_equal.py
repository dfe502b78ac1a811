"""The decision procedure: contract cases, wrong variants, assumptions, time bounds, soundness."""
import threading
import time

import pytest
import sympy as sp
from sympy import Derivative, Symbol, exp, log, sqrt, tanh

from derive import equal, logit, relu, sigmoid
from derive.engine import equivalence
from derive.engine.assumptions import parse_domain
from tests.conftest import differ_at

a, x, z, y = Symbol("a"), Symbol("x"), Symbol("z"), Symbol("y")
g = sp.Function("g")


@pytest.mark.parametrize("lhs, rhs, assume", [
    (tanh(a), 2 * sigmoid(2 * a) - 1, None),
    (sqrt(x**2), x, {"x": "positive"}),
    (log(sigmoid(z) / (1 - sigmoid(z))), z, {"z": "real"}),
    (sigmoid(-z), 1 - sigmoid(z), None),
    (Derivative(sigmoid(z), z), sigmoid(z) * (1 - sigmoid(z)), None),
    (Derivative(tanh(x), x), 1 - tanh(x) ** 2, None),
    (sigmoid(logit(y)), y, {"y": "0<y<1"}),
    (Derivative(relu(a), a), sp.Heaviside(a, 0), None),
    (Derivative(g(2 * x), x), 2 * sp.Subs(Derivative(g(x), x), x, 2 * x), None),
    (sp.sin(x) ** 2 + sp.cos(x) ** 2, 1, None),
])
def test_true_equalities_are_proved(lhs, rhs, assume):
    v = equal(lhs, rhs, assume=assume)
    assert v.status == "proved", v.describe()
    assert v.method and v.counterexample is None


WRONG = [
    (tanh(a), 2 * sigmoid(a) - 1, None),
    (Derivative(sigmoid(z), z), sigmoid(z) * (1 + sigmoid(z)), None),
    (Derivative(tanh(x), x), 1 - tanh(x), None),
    (sigmoid(-z), sigmoid(z) - 1, None),
    (sigmoid(-z), 1 + sigmoid(z), None),
    (logit(y), log((1 - y) / y), {"y": "0<y<1"}),
    (tanh(a), 2 * sigmoid(2 * a) + 1, None),
    (Derivative(tanh(x), x), 1 + tanh(x) ** 2, None),
    (sqrt(x**2), x, None),
    (sigmoid(z), 1 / (1 + exp(z)), None),
    (Derivative(relu(a), a), sp.Heaviside(-a, 0), None),
]


@pytest.mark.parametrize("lhs, rhs, assume", WRONG)
def test_wrong_variants_are_refuted_where_the_sides_differ(lhs, rhs, assume):
    v = equal(lhs, rhs, assume=assume)
    assert v.status == "refuted", v.describe()
    assert v.counterexample
    assert differ_at(lhs, rhs, v.counterexample)


def test_counterexample_lies_inside_the_assumed_domain():
    v = equal(log(y), y - 1, assume={"y": "0<y<1"})
    assert v.status == "refuted"
    value = sp.Rational(v.counterexample["y"])
    assert 0 < value < 1
    v = equal(sqrt(x**2), -x, assume={"x": "negative"})
    assert v.status == "proved"


def test_verdict_lists_the_assumptions_used():
    v = equal(sqrt(x**2), x, assume={"x": "positive"})
    assert "x positive" in v.assumptions
    assert "z real" in equal(sigmoid(-z), 1 - sigmoid(z)).assumptions


def test_time_bound_stops_a_runaway_simplification():
    w = Symbol("w")
    lhs, rhs = (2 * x + 2 * y + 2 * z + 2 * w + 2) ** 40, 2**40 * (x + y + z + w + 1) ** 40
    t = time.perf_counter()
    v = equal(lhs, rhs, timeout=2.0)
    assert time.perf_counter() - t < 3.0
    assert v.status == "unknown" and "time bound" in v.method
    # the worker is replaced and answers again
    assert equal(tanh(a), 2 * sigmoid(2 * a) - 1).status == "proved"


def test_time_bound_holds_off_the_main_thread():
    w = Symbol("w")
    out = {}

    def run():
        out["v"] = equal((2 * x + 2 * y + 2 * z + 2 * w + 2) ** 40, 2**40 * (x + y + z + w + 1) ** 40, timeout=1.5)

    t = time.perf_counter()
    th = threading.Thread(target=run)
    th.start()
    th.join(10)
    assert time.perf_counter() - t < 2.5
    assert out["v"].status == "unknown"


def test_numeric_agreement_alone_is_never_proved(monkeypatch):
    monkeypatch.setattr(equivalence, "certify_pair", lambda *args, **kwargs: None)
    monkeypatch.setattr(equivalence, "settle", lambda *args, **kwargs: None)  # the tower rung
    v = equivalence.decide(tanh(a), 2 * sigmoid(2 * a) - 1, {})
    assert v.status == "unknown" and v.numerically_consistent is True


@pytest.mark.parametrize("bad", ["tanh(a)", b"x", None, [1, 2]])
def test_strings_and_other_objects_are_refused(bad):
    with pytest.raises(TypeError):
        equal(bad, a)


@pytest.mark.parametrize("name, spec, inside, outside", [
    ("y", "0<y<1", "1/2", "1"),
    ("x", "positive", "3", "0"),
    ("x", "x>=2", "2", "3/2"),
    ("n", "positive integer", "4", "1/2"),
    ("t", "-1<=t<=1", "-1", "-3/2"),
])
def test_domains(name, spec, inside, outside):
    from fractions import Fraction

    d = parse_domain(name, spec)
    assert d.contains(Fraction(inside)) and not d.contains(Fraction(outside))


@pytest.mark.parametrize("spec", ["__import__('os')", "0<y<", "y<1<0", "1<y<0", "huge"])
def test_bad_domains_are_value_errors(spec):
    with pytest.raises(ValueError):
        parse_domain("y", spec)
