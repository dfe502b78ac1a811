"""A fast slice of the mutation test (the whole run is ``python -m bench.mutation``): mutants of
true steps, confirmed non-equivalent by evaluation, must never come back "proved"."""
import random

from bench.mutation import proof_cases
from derive.mutate import mutants, run


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
