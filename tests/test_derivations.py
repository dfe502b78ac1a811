"""The derivations of the source sheets: generic proofs hold for every size, wrong variants are refuted."""
import sys

import pytest
import sympy as sp
from sympy import Rational, Sum, Symbol, floor, tanh

from derive import equal, sigmoid
from derive.proofs.discover import discover
from derive.engine.equivalence import compare
from derive.calculus.nn import delta_rule, network, two_layer_network
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "proofs"))
import quadratic as Q  # noqa: E402
import tanh_sigmoid as T  # noqa: E402

GENERIC = ["sigmoid_network_eq_tanh_network", "tanh_network_eq_sigmoid_network", "backprop_output_delta",
           "backprop_hidden_delta", "backprop_induction_step", "backprop_weight_gradient",
           "backprop_bias_gradient", "quadratic_error_eigen_expansion", "quadratic_error_psd_minimum",
           "residual_block_jacobian", "receptive_field_step", "conv_output_size"]


@pytest.fixture(scope="module")
def entries():
    return {e.name: e for e in discover([ROOT / "proofs"])}


@pytest.mark.parametrize("name", GENERIC)
def test_generic_proofs_contain_no_concrete_size(entries, name):
    proof = entries[name].build()
    exprs = [proof.given_expr] + [s.expr for s in proof.steps] + list(proof.define.values())
    for e in exprs:
        for s in e.atoms(sp.Sum):
            assert all(not sp.sympify(hi).is_Number for _, _, hi in s.limits), s
        for m in e.atoms(sp.MatrixSymbol):
            assert not any(sp.sympify(dim).is_Number and dim != 1 for dim in m.shape), m
    sizes = set().union(*[e.free_symbols for e in exprs])
    assert sizes & {Symbol(n, integer=True, positive=True) for n in
                    ("M", "D", "d", "n", "n_l", "n_L", "n_{l+1}", "n_{l-1}")} or name in (
        "receptive_field_step", "conv_output_size")


def test_tanh_network_equals_sigmoid_network_for_m3_d2_k2_via_equal():
    c1, c2, _ = T.concrete_maps(3)
    lhs = T.explicit_network(T.w1, T.w2, T.x, 3, 2, 2, sigmoid)
    rhs = T.explicit_network(c1, c2, T.x, 3, 2, 2, tanh)
    assert equal(lhs, rhs).status == "proved"


def _tanh_net_with(t2_rule):
    return two_layer_network(T.w1, T.Params(t2_rule), T.x, T.k, T.M, T.D, tanh)


HALF_W = T.Params(lambda a, b: T.w1[a, b] / 2)
WRONG = {
    # seed 004: t_k0 = w_k0 + 2 sum_j t_kj
    "seed 004 bias relation": (
        two_layer_network(T.w1, T.w2, T.x, T.k, T.M, T.D, sigmoid),
        two_layer_network(HALF_W, T.Params(lambda a, b: T.w2[a, b] / 2 if b else
                                           T.w2[a, 0] + Sum(T.w2[a, T.j], (T.j, 1, T.M))), T.x, T.k, T.M, T.D, tanh),
        T.ASSUME),
    "inner weights not halved": (
        two_layer_network(T.w1, T.w2, T.x, T.k, T.M, T.D, sigmoid),
        two_layer_network(T.w1, T.T2, T.x, T.k, T.M, T.D, tanh), T.ASSUME),
    "eigen-expansion without the 1/2": (
        Q.HALF * Q.alpha.T * Q.Lam * Q.alpha, Sum(Q.lam_vec[Q.i, 0] * Q.alpha[Q.i, 0] ** 2, (Q.i, 0, Q.d - 1)), {}),
    "eigen-expansion with alpha not squared": (
        Q.HALF * Q.alpha.T * Q.Lam * Q.alpha, Q.HALF * Sum(Q.lam_vec[Q.i, 0] * Q.alpha[Q.i, 0], (Q.i, 0, Q.d - 1)), {}),
    "conv size without the stride (seed 001)": (
        floor((Symbol("n") + 2 * Symbol("p") - Symbol("f")) / Symbol("s")) + 1,
        Symbol("n") + 2 * Symbol("p") - Symbol("f") + 1,
        {"n": "positive integer", "p": "nonnegative integer", "f": "positive integer", "s": "positive integer"}),
    "18472 parameters (seed 003)": (sp.Mul(2, 32, 9, 32, evaluate=False), sp.Integer(18472), {}),
}


@pytest.mark.parametrize("name", list(WRONG))
def test_wrong_variants_are_refuted(name):
    lhs, rhs, assume = WRONG[name]
    v = equal(lhs, rhs, assume=assume)
    assert v.status == "refuted", v.describe()
    assert v.counterexample is not None


def test_18472_refutation_names_the_right_value():
    v = equal(sp.Mul(2, 32, 9, 32, evaluate=False), sp.Integer(18472))
    assert v.status == "refuted" and "18432" in v.detail


def test_psd_minimum_needs_nonnegative_eigenvalues():
    lam = sp.IndexedBase("lambda", real=True)
    lhs = Symbol("E") + Rational(1, 2) * Sum(lam[Q.i] * Q.al[Q.i] ** 2, (Q.i, 1, Q.d))
    v = compare(lhs, Symbol("E"), ">=", assume={"lambda": "real"})
    assert v.status == "refuted" and v.counterexample


def test_seed001_tanh_derivative_mistake_is_refuted():
    """Seed 001 writes tanh'(z) = 1 - tanh(z): the gradients built from it are wrong."""
    net = network([2, 2, 1], [sp.tanh, sigmoid], biases=False)
    y = Symbol("y", real=True)
    out = net.output[0]
    right = delta_rule(net, [-2 * (y - out)]).gradients(net)
    dw = sp.diff((y - out) ** 2, net.W[1][0, 0])
    # replace tanh' = 1 - tanh^2 by 1 - tanh in the first-layer gradient
    a = sp.tanh(net.z[1][0])
    wrong = right[0].subs(1 - a**2, 1 - a)
    assert wrong != right[0]
    assert equal(dw, wrong).status == "refuted"
    assert equal(dw, right[0]).status == "proved"
