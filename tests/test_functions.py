"""The activations as SymPy functions: derivatives, inverses, rewrites, values, printing."""
import pytest
import sympy as sp
from sympy import Heaviside, Rational, Symbol, diff, exp, log

from derive import logit, relu, sigmoid
from derive.proofs.latex import latex

z = Symbol("z", real=True)
y = Symbol("y", positive=True)


@pytest.mark.parametrize("expr, expected", [
    (diff(sigmoid(z), z), sigmoid(z) * (1 - sigmoid(z))),
    (diff(logit(y), y), 1 / (y * (1 - y))),
    (diff(relu(z), z), Heaviside(z, 0)),
    (sigmoid(z).rewrite(exp), 1 / (1 + exp(-z))),
    (logit(y).rewrite(log), log(y / (1 - y))),
    (relu(z).rewrite(sp.Max), sp.Max(0, z)),
    (sigmoid(0), Rational(1, 2)),
    (sigmoid(sp.oo), 1),
    (sigmoid(-sp.oo), 0),
    (logit(Rational(1, 2)), 0),
    (relu(Rational(-3, 2)), 0),
    (relu(Rational(5, 2)), Rational(5, 2)),
    (sigmoid(logit(y)), y),
    (logit(sigmoid(z)), z),
])
def test_function_facts(expr, expected):
    assert expr == expected


@pytest.mark.parametrize("expr, value", [
    (sigmoid(Rational(1, 2)), 0.6224593312018546),
    (logit(Rational(1, 4)), -1.0986122886681098),
    (relu(Rational(-1, 3)), 0.0),
])
def test_numeric_values(expr, value):
    assert abs(float(expr.evalf(30)) - value) < 1e-15


def test_inverses_and_assumptions():
    assert sigmoid(z).inverse() is logit and logit(y).inverse() is sigmoid
    assert sigmoid(z).is_real and sigmoid(z).is_positive
    assert relu(z).is_nonnegative
    assert sigmoid(Symbol("w")).is_positive is None  # nothing known of a complex argument
    # logit(sigmoid(w)) = w only for real w: no silent simplification otherwise
    w = Symbol("w")
    assert logit(sigmoid(w)) != w


def test_relu_convention_at_zero_matches_pytorch():
    assert diff(relu(z), z).subs(z, 0) == 0
    assert "Derivative convention at 0" in relu.__doc__


@pytest.mark.parametrize("expr, text", [
    (sigmoid(z), r"\sigma\left(z\right)"),
    (logit(y), r"\sigma^{-1}\left(y\right)"),
    (relu(z), r"\mathrm{ReLU}\left(z\right)"),
    (Heaviside(z, 0), r"\left[z > 0\right]"),
    (log(z), r"\ln{\left(z \right)}"),
])
def test_latex_printing(expr, text):
    assert latex(expr) == text
