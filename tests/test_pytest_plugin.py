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


BAD = textwrap.dedent('''
    """Loose."""
    from sympy import Symbol, tanh
    from derive import Proof, sigmoid
    a = Symbol("a")
    bad = (Proof("bad").given(tanh(a))
           .step(2*sigmoid(a) - 1, "slip"))
''')


def test_a_proof_file_named_on_the_command_line_is_collected(pytester):
    pytester.makepyfile(loose=BAD)  # not in a folder named proofs
    result = pytester.runpytest_subprocess("loose.py")
    result.assert_outcomes(failed=1)
    # the failure shows where the step was written, both sides and their values at the point
    result.stdout.fnmatch_lines(["*step 1 at *loose.py:* (slip): refuted*", "*.step(2*sigmoid(a) - 1, \"slip\"))*",
                                 "*left:  \\tanh*", "*right: 2 \\sigma*", "*there: left = 0.*, right = 0.*"])


def test_derive_paths_ini_option_adds_folders_to_the_run(pytester):
    folder = pytester.mkdir("derivations")
    (folder / "loose.py").write_text(BAD)
    pytester.makeini("[pytest]\nderive_paths = derivations\n")
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*proof bad is not proved: refuted*"])
