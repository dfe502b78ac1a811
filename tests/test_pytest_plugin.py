"""The pytest plugin collects proofs as items and reports a failing step with its counterexample."""
import textwrap

pytest_plugins = ["pytester"]


def test_proofs_are_collected_and_failures_show_the_counterexample(pytester):
    proofs = pytester.mkdir("proofs")
    (proofs / "mixed.py").write_text(textwrap.dedent('''
        """Mixed."""
        from sympy import Symbol, tanh
        from derive import Proof, sigmoid
        a = Symbol("a")
        good = Proof("good").given(tanh(a)).step(2*sigmoid(2*a) - 1, "identity")
        bad = Proof("bad").given(tanh(a)).step(2*sigmoid(a) - 1, "slip")
    '''))
    result = pytester.runpytest_subprocess("proofs")  # the plugin comes from its pytest11 entry point
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*proof bad is not proved: refuted*", "*counterexample a = *"])
