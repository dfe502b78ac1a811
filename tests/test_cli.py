"""The derive command: exit codes, the JSON contract, messages that name the place."""
import json
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ROOT


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "derive", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


def test_check_json_follows_the_contract():
    out = run("check", "--json", "sigmoid_neg", "tanh_eq_two_sigmoid_two_mul_sub_one")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)  # stdout holds the one object and nothing else
    assert [p["name"] for p in data["proofs"]] == ["sigmoid_neg", "tanh_eq_two_sigmoid_two_mul_sub_one"]
    for proof in data["proofs"]:
        assert proof["ok"] is True
        steps = proof["steps"]
        assert steps[0]["status"] == "given" and steps[0]["index"] == 0
        assert all(s["status"] == "proved" and s["method"] and s["latex"] for s in steps[1:])
        assert [s["index"] for s in steps] == list(range(len(steps)))


def test_list_shows_the_activation_proofs():
    out = run("list")
    assert out.returncode == 0
    for name in ("sigmoid_neg", "sigmoid_deriv", "tanh_eq_two_sigmoid_two_mul_sub_one", "relu_deriv"):
        assert name in out.stdout


def _steps_column(stdout, name):
    line = next(ln for ln in stdout.splitlines() if ln.startswith(name + " "))
    return line.split()[1]


def test_list_does_not_build_the_instantiated_proofs_unless_asked():
    quick, full = run("list"), run("list", "--steps")
    assert _steps_column(quick.stdout, "backprop_three_layer_network") == "-"
    assert "A 3-layer network with biases" in quick.stdout  # the builder's docstring
    assert int(_steps_column(full.stdout, "backprop_three_layer_network")) > 0
    assert _steps_column(quick.stdout, "sigmoid_neg") == _steps_column(full.stdout, "sigmoid_neg")


WRONG_PROOF = textwrap.dedent('''
    """Wrong on purpose."""
    from sympy import Symbol, tanh
    from derive import Proof, sigmoid
    a = Symbol("a")
    tanh_wrong = Proof("tanh_wrong", "a wrong tanh").given(tanh(a)).step(2*sigmoid(a) - 1, "by mistake")
''')


def test_a_refuted_step_exits_1_and_prints_the_counterexample(tmp_path):
    (tmp_path / "proofs").mkdir()
    (tmp_path / "proofs" / "wrong.py").write_text(WRONG_PROOF)
    out = run("check", cwd=tmp_path)
    assert out.returncode == 1
    assert "refuted" in out.stdout and "counterexample a =" in out.stdout
    data = json.loads(run("check", "--json", cwd=tmp_path).stdout)
    step = data["proofs"][0]["steps"][1]
    assert step["status"] == "refuted" and "a" in step["counterexample"]
    assert data["proofs"][0]["first_error"] == 1


@pytest.mark.parametrize("args, where", [
    (["check", "no_such_proof"], "no proof named 'no_such_proof'"),
    (["check", "--frobnicate"], "unrecognized arguments"),
    (["check", "broken.py"], "broken.py:3"),
])
def test_usage_errors_exit_2_with_a_located_message(tmp_path, args, where):
    (tmp_path / "proofs").mkdir()
    (tmp_path / "broken.py").write_text('"""Broken."""\nx = 1\nraise RuntimeError("oops")\n')
    out = run(*args, cwd=tmp_path)
    assert out.returncode == 2
    assert where in out.stderr
    assert "Traceback" not in out.stderr
