"""Regression cases for engine/CLI soundness defects found by the adversarial suite.

Each case states its truth and checks it in plain SymPy, then checks that ``derive`` never
claims the opposite.
"""
import sympy as sp
import pytest

from derive import equal
from derive.calculus.functions import relu

x = sp.Symbol("x")


# (name, lhs, rhs, assume, true_at_a_point_check, forbidden status)
RELU_CASES = [
    # ReLU'(0) = 0 (PyTorch): "ReLU'(x) = 1 for x >= 0" is false at x = 0.
    ("relu' at 0", sp.Derivative(relu(x), x), 1, {"x": "x>=0"}, "proved"),
]


@pytest.mark.parametrize("name,lhs,rhs,assume,forbidden", RELU_CASES, ids=[c[0] for c in RELU_CASES])
def test_relu_derivative_not_overclaimed(name, lhs, rhs, assume, forbidden):
    # the truth in plain SymPy: ReLU' = Heaviside(., 0), which is 0 at 0, not 1
    assert sp.Heaviside(0, 0) == 0
    assert equal(lhs, rhs, assume=assume).status != forbidden


@pytest.mark.parametrize("assume,rhs", [({"x": "x>0"}, 1), ({"x": "x<=0"}, 0)])
def test_relu_derivative_still_proved_where_true(assume, rhs):
    assert equal(sp.Derivative(relu(x), x), rhs, assume=assume).status == "proved"
