"""A fast slice of the mutation test (the whole run is ``python -m bench.mutation``): mutants of
true steps, confirmed non-equivalent by evaluation, must never come back "proved"."""
import random

from bench.mutation import proof_cases
from derive.testing.mutate import mutants, run


def test_mutants_of_the_activation_and_size_proofs_are_never_proved():
    cases = [c for c in proof_cases() if c[0].split("[")[0] in {
        "sigmoid_neg", "sigmoid_deriv", "tanh_deriv", "tanh_eq_two_sigmoid_two_mul_sub_one", "logit_deriv",
        "relu_deriv", "conv_output_size", "residual_block_params", "sigmoid_network_eq_tanh_network"}]
    tally = run(cases, random.Random(0))
    assert tally.mutants >= 60
    assert tally.proved == []
    assert tally.refuted >= 0.95 * tally.mutants


def test_operators_make_different_expressions():
    import sympy as sp
    from derive import sigmoid

    z = sp.Symbol("z")
    made = dict(mutants(1 - sigmoid(z) ** 2, random.Random(1)))
    assert {"flip sign", "sigma to tanh", "change a power", "drop a 1"} <= set(made)
    assert all(m != 1 - sigmoid(z) ** 2 for m in made.values())


def test_sums_chain_regression_a_zero_first_group_beside_a_nonzero_rest():
    """Found by ``bench.mutation --chains-only``: the sums chain returned its first part (zero)
    when a later part (the ``+ 1``) was not, and so "proved" ``X + 1 = X``."""
    import sympy as sp
    from derive import sigmoid
    from derive.engine.certificate import certify

    a, w = sp.IndexedBase("a", real=True), sp.IndexedBase("w", real=True)
    j, k, M = sp.Symbol("j", integer=True), sp.Symbol("k", integer=True), sp.Symbol("M", integer=True, positive=True)
    lhs = sp.Sum(sigmoid(a[j]) * w[k, j], (j, 1, M))
    rhs = sp.Sum((sp.tanh(a[j] / 2) + 1) * w[k, j] / 2, (j, 1, M))
    assert certify(lhs - rhs) is not None  # the true step is proved
    assert certify(lhs - rhs - 1) is None and certify(lhs - 2 * rhs) is None


def test_the_chains_alone_prove_no_mutant_of_the_sum_steps():
    """The probe is skipped: each mutant goes straight to the certificate chains (the first
    steps of the tanh/sigmoid weight maps, where the sums chain once proved ``X + 1 = X``)."""
    cases = [c for c in proof_cases() if c[0] in {"sigmoid_network_eq_tanh_network[1]",
                                                   "tanh_network_eq_sigmoid_network[1]"}]
    tally = run(cases, random.Random(0), timeout=3, chains_only=True)
    assert tally.mutants >= 10
    assert tally.proved == []
