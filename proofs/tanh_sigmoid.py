"""Tanh and sigmoid networks compute the same functions.

Spec section 2 (seeds 000, 004; Bishop PRML exercise 5.1). Main results:

- ``sigmoid_network_eq_tanh_network``: for every M, D and output k, the sigmoid network
  with weights w equals the tanh network with t^(1) = w^(1)/2, t^(2)_kj = w^(2)_kj/2,
  t^(2)_k0 = w^(2)_k0 + (1/2) sum_j w^(2)_kj (sums over symbolic M and D);
- ``tanh_network_eq_sigmoid_network``: the inverse map, w^(1) = 2 t^(1),
  w^(2)_kj = 2 t^(2)_kj, w^(2)_k0 = t^(2)_k0 - sum_j t^(2)_kj;
- ``tanh_sigmoid_networks_instantiated``: the same for concrete sizes (default M=3,
  D=2, K=2), every output compared, as a second route;
- ``seed004_bias_relation``: seed 004's bias relation t_k0 = w_k0 + 2 sum_j t_kj is
  refuted, with weights and an input at which the two networks differ.
"""
import sympy as sp
from sympy import Rational, Sum, Symbol, tanh

from derive import Proof, sigmoid, theorem
from derive.calculus.nn import two_layer_network
from derive.calculus.notation import layer_indexed

M, D = Symbol("M", integer=True, positive=True), Symbol("D", integer=True, positive=True)
k = Symbol("k", integer=True)
j, i = Symbol("j", integer=True), Symbol("i", integer=True)
x = sp.IndexedBase("x", real=True)
w1, w2 = layer_indexed("w", 1), layer_indexed("w", 2)
t1, t2 = layer_indexed("t", 1), layer_indexed("t", 2)
HALF = Rational(1, 2)


class Params:
    """Network parameters given by a rule: ``Params(f)[a, b] = f(a, b)``."""

    def __init__(self, rule):
        self.rule = rule

    def __getitem__(self, idx):
        return self.rule(*idx)


def _u(W, jj=j):
    return Sum(W[jj, i] * x[i], (i, 1, D)) + W[jj, 0]


# t = T(w): the tanh network's parameters in terms of the sigmoid network's
T1 = Params(lambda a, b: w1[a, b] / 2)
T2 = Params(lambda a, b: w2[a, b] / 2 if b != 0 else w2[a, 0] + HALF * Sum(w2[a, j], (j, 1, M)))
# w = T^{-1}(t)
W1 = Params(lambda a, b: 2 * t1[a, b])
W2 = Params(lambda a, b: 2 * t2[a, b] if b != 0 else t2[a, 0] - Sum(t2[a, j], (j, 1, M)))

ASSUME = {"k": "index", "M": "positive integer", "D": "positive integer"}

sigmoid_network_eq_tanh_network = (
    Proof("sigmoid_network_eq_tanh_network",
          "A sigmoid network is a tanh network with halved weights (every M, D)", assume=ASSUME,
          note=r"The sizes $M$ (hidden units) and $D$ (inputs) are symbols: the chain holds for every width. "
               r"The last line is the tanh network with parameters $t = T(w)$.")
    .given(two_layer_network(w1, w2, x, k, M, D, sigmoid))
    .step(Sum(w2[k, j] * (1 + tanh(_u(w1) / 2)) / 2, (j, 1, M)) + w2[k, 0],
          r"$\sigma(u) = \frac{1 + \tanh(u/2)}{2}$ (sigmoid_eq_tanh_half)")
    .step(Sum(w2[k, j] / 2 * tanh(_u(w1) / 2), (j, 1, M)) + (w2[k, 0] + HALF * Sum(w2[k, j], (j, 1, M))),
          "split the sum; the constant part joins the output bias")
    .step(two_layer_network(T1, T2, x, k, M, D, tanh),
          r"$t^{(1)}_{ji} = w^{(1)}_{ji}/2$, $t^{(1)}_{j0} = w^{(1)}_{j0}/2$, $t^{(2)}_{kj} = w^{(2)}_{kj}/2$, "
          r"$t^{(2)}_{k0} = w^{(2)}_{k0} + \frac12\sum_j w^{(2)}_{kj}$")
)

tanh_network_eq_sigmoid_network = (
    Proof("tanh_network_eq_sigmoid_network",
          "A tanh network is a sigmoid network with doubled weights (every M, D)", assume=ASSUME,
          note=r"The inverse map: the last line is the sigmoid network with parameters $w = T^{-1}(t)$.")
    .given(two_layer_network(t1, t2, x, k, M, D, tanh))
    .step(Sum(t2[k, j] * (2 * sigmoid(2 * _u(t1)) - 1), (j, 1, M)) + t2[k, 0],
          r"$\tanh(a) = 2\sigma(2a) - 1$ (tanh_eq_two_sigmoid_two_mul_sub_one)")
    .step(Sum(2 * t2[k, j] * sigmoid(2 * _u(t1)), (j, 1, M)) + (t2[k, 0] - Sum(t2[k, j], (j, 1, M))),
          "split the sum; the constant part joins the output bias")
    .step(two_layer_network(W1, W2, x, k, M, D, sigmoid),
          r"$w^{(1)} = 2t^{(1)}$, $w^{(2)}_{kj} = 2t^{(2)}_{kj}$, $w^{(2)}_{k0} = t^{(2)}_{k0} - \sum_j t^{(2)}_{kj}$")
)


def explicit_network(W1_, W2_, xs, M_, D_, K_, act):
    """The K outputs of the two-layer network with concrete sizes, as a column."""
    return sp.Matrix([
        sum(W2_[kk, jj] * act(sum(W1_[jj, ii] * xs[ii] for ii in range(1, D_ + 1)) + W1_[jj, 0])
            for jj in range(1, M_ + 1)) + W2_[kk, 0]
        for kk in range(1, K_ + 1)])


def concrete_maps(M_):
    c1 = Params(lambda a, b: w1[a, b] / 2)
    c2 = Params(lambda a, b: w2[a, b] / 2 if b != 0 else w2[a, 0] + HALF * sum(w2[a, jj] for jj in range(1, M_ + 1)))
    seed = Params(lambda a, b: w2[a, b] / 2 if b != 0 else w2[a, 0] + 2 * sum(w2[a, jj] / 2 for jj in range(1, M_ + 1)))
    return c1, c2, seed


@theorem
def tanh_sigmoid_networks_instantiated(M=3, D=2, K=2):
    """The weight map on concrete sizes: every output of both networks, expanded."""
    c1, c2, _ = concrete_maps(M)
    return (Proof("tanh_sigmoid_networks_instantiated",
                  f"Sigmoid and tanh networks agree for M = {M}, D = {D}, K = {K} (every output)",
                  note="Second route: no sums over symbolic sizes, every weight a symbol; the column "
                       "lists the K outputs.")
            .given(explicit_network(w1, w2, x, M, D, K, sigmoid))
            .step(explicit_network(c1, c2, x, M, D, K, tanh), "the tanh network with t = T(w)"))


@theorem
def seed004_bias_relation(M=2, D=1, K=1):
    """Seed 004's bias relation is wrong: the networks differ."""
    c1, _, seed = concrete_maps(M)
    return (Proof("seed004_bias_relation",
                  "Seed 004's output bias relation is wrong",
                  note="Seed 004 compares the networks and writes $t^{(2)}_{k0} - 2\\sum_j t^{(2)}_{kj} = "
                       "w^{(2)}_{k0}$. The checker refutes the resulting network with a concrete point "
                       "(weights and input); the right relation is $t^{(2)}_{k0} = w^{(2)}_{k0} + "
                       "\\frac12\\sum_j w^{(2)}_{kj}$.")
            .given(explicit_network(w1, w2, x, M, D, K, sigmoid))
            .step(explicit_network(c1, seed, x, M, D, K, tanh),
                  "seed 004: $t^{(2)}_{k0} = w^{(2)}_{k0} + 2\\sum_j t^{(2)}_{kj}$", expect="refuted"))
