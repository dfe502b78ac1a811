"""The exp-log tower normal form (derive/engine/normal_form.py) and the DAG derivative
(derive/engine/differentiate.py): what they prove, what they must not, and the excluded set."""
import pytest
import sympy as sp
from sympy import (Derivative, Function, Indexed, IndexedBase, Rational, Symbol, atan, cos, cosh, exp, log,
                   pi, sin, sinh, sqrt, tanh)

from derive import equal, logit, sigmoid
from derive.engine.differentiate import carry_out, evaluate
from derive.engine.normal_form import decide_tower, normal_form

x, y, a = (Symbol(n, real=True) for n in "xya")
p, q = Symbol("p", positive=True), Symbol("q", positive=True)
w = Symbol("w", complex=True)
g = Function("g")
W = IndexedBase("W", real=True)

ZERO = [  # lhs, rhs: the difference is the zero fraction
    (tanh(a), 2 * sigmoid(2 * a) - 1),
    (sigmoid(-a), 1 - sigmoid(a)),
    (logit(sigmoid(x)), x),
    (sinh(x) + cosh(x), exp(x)),
    (sin(x) ** 2 + cos(x) ** 2, 1),
    (exp(x / 2) * exp(x / 3), exp(5 * x / 6)),
    (exp(2 * log(p)), p ** 2),
    (p ** x, exp(x * log(p))),
    (log(p * q), log(p) + log(q)),
    (log(2 * p) - log(p), log(2)),
    (sqrt(p * q), sqrt(p) * sqrt(q)),
    (sqrt(x) ** 2, x),
    (g(x) * sigmoid(x), g(x) / (1 + exp(-x))),
    (W[1, 2] * sigmoid(W[1, 1]), W[1, 2] / (1 + exp(-W[1, 1]))),
    (sigmoid(tanh(sigmoid(x))).diff(x),
     sigmoid(tanh(sigmoid(x))) * (1 - sigmoid(tanh(sigmoid(x)))) * (1 - tanh(sigmoid(x)) ** 2)
     * sigmoid(x) * (1 - sigmoid(x))),
]

NOT_ZERO = [  # must not reach zero: false, or true only on a smaller domain
    (tanh(a), 2 * sigmoid(a) - 1),
    (log(x * y), log(x) + log(y)),          # x, y real: false for x, y < 0
    (log(w ** 2), 2 * log(w)),               # complex w
    (sqrt(x * y), sqrt(x) * sqrt(y)),
    (sqrt(x ** 2), x),
    (exp(log(x) / 2), x),
    (x, x + Rational(1, 10 ** 30)),
]


@pytest.mark.parametrize("lhs, rhs", ZERO)
def test_tower_proves(lhs, rhs):
    nf = decide_tower(lhs, rhs)
    assert nf is not None and nf.is_zero


@pytest.mark.parametrize("lhs, rhs", NOT_ZERO)
def test_tower_does_not_prove(lhs, rhs):
    nf = decide_tower(lhs, rhs)
    assert nf is None or not nf.is_zero


@pytest.mark.parametrize("lhs, rhs, assume, status, text", [
    ((x ** 2 - 1) / (x - 1), x + 1, None, "proved", "x ≠ 1"),
    (1 / (x - 2) - 1 / (x - 2), 0 * x, None, "proved", ""),
    (atan(x) + atan(1 / x), pi / 2, {"x": "positive"}, "proved", ""),
    (atan(x) + atan(1 / x), pi / 2, None, "refuted", ""),
    (sqrt((x - 2) ** 2), x - 2, {"x": "x>=2"}, "proved", ""),
    (sqrt((x - 2) ** 2), x - 2, None, "refuted", ""),
    (x, x + Rational(1, 10 ** 30), None, "refuted", ""),
    (x, x + sp.Float("1e-30"), None, "refuted", ""),
    (log(x ** 2), 2 * log(x), None, "refuted", ""),
    (log(x ** 2), 2 * log(x), {"x": "positive"}, "proved", ""),
])
def test_equal_with_the_tower(lhs, rhs, assume, status, text):
    v = equal(lhs, rhs, assume=assume)
    assert v.status == status, v.describe()
    if text:
        assert text in v.conditions and text in v.describe() and text in v.to_json()["conditions"]
    if status == "refuted":
        assert v.counterexample


def test_conditions_outside_the_domain_are_not_reported():
    y01 = Symbol("y")
    v = equal(Derivative(logit(y01), y01), 1 / (y01 * (1 - y01)), assume={"y": "0<y<1"})
    assert v.status == "proved" and v.conditions == ()


def test_constant_difference_counterexample_is_a_real_point():
    v = equal(x, x + Rational(1, 10 ** 30), assume={"x": "x>=2"})
    assert v.status == "refuted" and sp.Rational(v.counterexample["x"]) >= 2


def test_opaque_atoms_are_not_assumed_real():
    # a possibly complex sub-term: log of its square is not twice its log
    nf = normal_form(log(g(x) ** 2) - 2 * log(g(x)))
    assert nf is None or not nf.is_zero


@pytest.mark.parametrize("expr, var", [
    (sigmoid(W[0, 0] * x + W[0, 1]) * W[1, 0], W[0, 0]),
    (g(W[0, 0] * x + sp.Max(W[0, 1], 0)), W[0, 1]),
    (exp(x) ** 2 / (1 + x ** 2) + g(x ** 2), x),
])
def test_dag_derivative_agrees_with_sympy(expr, var):
    ours = carry_out(Derivative(expr, var))
    theirs = Derivative(expr, var).doit()
    diff = ours - theirs
    assert sp.simplify(diff.doit()) == 0


def test_evaluate_leaves_undefined_derivatives():
    z = Symbol("z", real=True)
    e = Derivative(g(z), z) + Derivative(g(2 * z), z)
    out = evaluate(e)
    assert not out.has(Derivative(g(2 * z), z)) and sp.simplify((out - e.doit()).doit()) == 0


@pytest.mark.parametrize("assume", [{"x": "nonzero"}, {"x": "real"}, {"x": "integer"}])
def test_derivative_certificate_needs_an_interval(assume):
    # atan(x) + atan(1/x) is pi/2 for x > 0 and -pi/2 for x < 0: never "proved" on these domains
    v = equal(atan(x) + atan(1 / x), pi / 2, assume=assume)
    assert v.status != "proved"
