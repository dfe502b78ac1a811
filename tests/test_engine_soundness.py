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


from derive.grading.grade import grade_text  # noqa: E402


def _statuses(tex: str) -> list:
    return [(s.status, s.method + s.message) for s in grade_text(tex, timeout=20).steps if s.status != "given"]


@pytest.mark.parametrize("value", [sp.nan, sp.zoo, sp.nan + x], ids=["nan", "zoo", "nan+x"])
def test_nan_and_zoo_refused_at_the_api(value):
    # the truth in plain SymPy: nan is no number, not even equal to itself
    assert (sp.nan == sp.nan) is True and sp.Eq(sp.nan, sp.nan) is sp.false
    with pytest.raises(ValueError, match="not a number"):
        equal(value, value)


# (name, LaTeX row, truth checked in SymPy, allowed statuses)
STRICT_CASES = [
    ("x^2 > 0 fails at 0", r"\[ x^2 > 0 \]", (sp.Integer(0) ** 2 > 0) is sp.false, {"unknown", "refuted"}),
    ("x^2 < 0 fails", r"\[ x^2 < 0 \]", (sp.Integer(1) ** 2 < 0) is sp.false, {"refuted"}),
    ("x^2+1 > 0 holds", r"\[ x^2 + 1 > 0 \]", (x ** 2 + 1).is_positive is None and (sp.Symbol("t", real=True) ** 2 + 1).is_positive, {"proved"}),
    ("0/0 = 1 is nan", r"\[ \frac{0}{0} = 1 \]", sp.Integer(0) / 0 is sp.nan, {"unknown"}),
]


@pytest.mark.parametrize("name,tex,truth,allowed", STRICT_CASES, ids=[c[0] for c in STRICT_CASES])
def test_strict_inequalities_and_nan_rows(name, tex, truth, allowed):
    assert truth
    steps = _statuses(tex)
    assert steps and steps[-1][0] in allowed, steps


def test_strict_unknown_says_why():
    assert "strictness not certified" in _statuses(r"\[ x^2 > 0 \]")[-1][1]


# (name, LaTeX, truth of the claimed relation checked in SymPy, allowed final status)
IMPLICATION_CASES = [
    ("iff fails backwards", r"\[ x - 1 = 0 \iff x^2 - 1 = 0 \]",
     sp.solveset(x - 1, x, sp.S.Reals) != sp.solveset(x ** 2 - 1, x, sp.S.Reals), {"refuted"}),
    ("Leftrightarrow fails backwards", r"\[ x - 1 = 0 \Leftrightarrow x^2 - 1 = 0 \]",
     sp.solveset(x - 1, x, sp.S.Reals) != sp.solveset(x ** 2 - 1, x, sp.S.Reals), {"refuted"}),
    ("Rightarrow stays one-way", r"\[ x - 1 = 0 \Rightarrow x^2 - 1 = 0 \]",
     sp.solveset(x - 1, x, sp.S.Reals).is_subset(sp.solveset(x ** 2 - 1, x, sp.S.Reals)), {"proved"}),
    ("iff both ways", r"\[ x^3 = 1 \iff x = 1 \]",
     sp.solveset(x ** 3 - 1, x, sp.S.Reals) == sp.FiniteSet(1), {"proved"}),
]


@pytest.mark.parametrize("name,tex,truth,allowed", IMPLICATION_CASES, ids=[c[0] for c in IMPLICATION_CASES])
def test_iff_claims_both_directions(name, tex, truth, allowed):
    assert truth
    steps = [s for s in grade_text(tex, timeout=20).steps if s.status != "given"]
    assert steps[-1].status in allowed, steps
    if steps[-1].status == "refuted":  # the counterexample satisfies the side it starts from
        assert steps[-1].counterexample == {"x": "-1"}


xp = sp.Symbol("x", positive=True)
n_int = sp.Symbol("n", integer=True)

# (name, lhs, rhs, assume, message of the ValueError)
REFUSED = [
    ("positive symbol assumed negative", xp, -xp, {"x": "negative"}, "contradictory assumptions"),
    ("integer symbol in (1/4, 3/4)", n_int, 1, {"n": "1/4<n<3/4"}, "contradictory assumptions"),
    ("Symbol and positive Symbol named x", sp.Symbol("x"), xp, None, "two different symbols are both named 'x'"),
    ("two Dummy named x", sp.Dummy("x"), sp.Dummy("x"), None, "two different symbols are both named 'x'"),
]


@pytest.mark.parametrize("name,lhs,rhs,assume,message", REFUSED, ids=[c[0] for c in REFUSED])
def test_contradictory_or_ambiguous_symbols_refused(name, lhs, rhs, assume, message):
    # the truth in plain SymPy: the two readings are different objects / the domain is empty
    assert lhs != rhs
    with pytest.raises(ValueError, match=message):
        equal(lhs, rhs, assume=assume)


def test_integer_symbol_with_range_samples_integers():
    # the only integer in (0, 2) is 1, so n = 1 holds on the whole domain
    assert [k for k in range(-5, 5) if 0 < k < 2] == [1]
    v = equal(n_int, 1, assume={"n": "0<n<2"})
    assert v.status != "refuted", v
    v = equal(n_int, 1, assume={"n": "0<n<3"})  # n = 2 is a real counterexample
    assert v.status == "refuted" and v.counterexample == {"n": "2"}


def test_abs_over_x_proved_only_away_from_zero():
    # the truth in plain SymPy: Abs(x)/x has no value at 0, sign(0) = 0
    assert (sp.Abs(x) / x).subs(x, 0) is sp.nan and sp.sign(0) == 0
    v = equal(sp.Abs(x) / x, sp.sign(x))
    assert v.status != "proved" or "x ≠ 0" in v.conditions, v


from derive.cli import main  # noqa: E402

# (name, argv builder, expected text on stderr)
CLI_CASES = [
    ("file-memory below the minimum", lambda d: ["grade", str(d / "a.tex"), "--file-memory", "1"],
     "at least 256 MB"),
    ("--out is an existing file", lambda d: ["grade", str(d / "in"), "--out", str(d / "afile")],
     "--out names an existing file"),
]


@pytest.mark.parametrize("name,argv,expected", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_cli_bad_bounds_are_one_line_errors(tmp_path, capsys, name, argv, expected):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.tex").write_text("\\[ x + x = 2x \\]\n")
    (tmp_path / "a.tex").write_text("\\[ x + x = 2x \\]\n")
    (tmp_path / "afile").write_text("keep\n")
    assert main(argv(tmp_path)) == 2
    err = capsys.readouterr().err
    assert expected in err and "internal error" not in err
    assert (tmp_path / "afile").read_text() == "keep\n"  # nothing written over it
    assert not (tmp_path / "in" / "derive-grades.csv").exists()
