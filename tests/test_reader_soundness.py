"""Reader and grading soundness: each case states its truth and checks it in plain SymPy.

Regression cases for defects an adversarial run found in the LaTeX reader and the grader:
rounded decimals after "=", reversed sums, sign, function-argument conventions, real odd
roots, deep nesting and a trailing "where" in the same row."""
from __future__ import annotations

import subprocess
import sys

import pytest
import sympy as sp

from derive.errors import DeriveError
from derive.grading.grade import grade_text
from tests.conftest import ROOT

x = sp.Symbol("x", real=True)


def refusal(text):
    """The message a refused formula gets: the unparsed row's, or the whole file's when nothing else was read."""
    try:
        steps = grade_text(text).steps
    except DeriveError as exc:
        return str(exc)
    assert not any(s.status in ("proved", "refuted") for s in steps), [(s.latex, s.status) for s in steps]
    bad = [s for s in steps if s.status == "unparsed"]
    assert bad, [(s.latex, s.status) for s in steps]
    return bad[0].message


def claims(text):
    return [s for s in grade_text(text).steps if s.status != "given"]


# (latex, truth of the written equation in plain SymPy, expected status, words in the method)
DECIMALS = [
    (r"\[ \frac{1}{3} = 0.333 \]", sp.Rational(1, 3) == sp.Rational(333, 1000), "unknown",
     "equal only after rounding to 3 decimals; write \\approx"),
    (r"\[ \sqrt{2} = 1.4142 \]", sp.sqrt(2) == sp.Rational(14142, 10000), "unknown",
     "equal only after rounding to 4 decimals"),
    (r"\[ \pi = 3.14159265358979323846264338327950288 \]",
     sp.pi == sp.Rational(314159265358979323846264338327950288, 10**35), "unknown", "write \\approx"),
    (r"\[ \frac14 = 0.25 \]", sp.Rational(1, 4) == sp.Rational(25, 100), "proved", ""),
    (r"\[ \frac{1}{3} \approx 0.333 \]", abs(sp.Rational(1, 3) - sp.Rational(333, 1000)) < sp.Rational(1, 2000),
     "proved", "correctly rounded"),
    (r"\[ \frac{1}{3} \approx 0.334 \]", abs(sp.Rational(1, 3) - sp.Rational(334, 1000)) < sp.Rational(1, 2000),
     "refuted", ""),
    (r"\[ \frac{1}{3} = 0.334 \]", sp.Rational(1, 3) == sp.Rational(334, 1000), "refuted", ""),
]


@pytest.mark.parametrize("text,truth,want,method", DECIMALS)
def test_a_rounded_decimal_is_equal_only_with_approx(text, truth, want, method):
    (step,) = claims(text)
    assert step.status == want, (step.status, step.detail)
    # never proved when the plain statement is false (for "=": exact equality)
    assert truth or step.status != "proved" or "approx" in text
    assert method in (step.method or "")


i = sp.Symbol("i", integer=True)
# (latex, SymPy's Karr value, the textbook's empty value): they differ, so no reading is safe
REVERSED = [
    (r"\[ \sum_{i=3}^{1} i = -2 \]", sp.Sum(i, (i, 3, 1)).doit(), 0, "lower bound exceeds its upper bound"),
    (r"\[ \sum_{i=3}^{1} i = 0 \]", sp.Sum(i, (i, 3, 1)).doit(), 0, "write 0 or swap the bounds"),
    (r"\[ \prod_{i=3}^{1} i = 1 \]", sp.Product(i, (i, 3, 1)).doit(), 1, "write 1 or swap the bounds"),
]


@pytest.mark.parametrize("text,karr,empty,message", REVERSED)
def test_a_reversed_sum_is_refused_with_its_place(text, karr, empty, message):
    assert karr != empty
    got = refusal(text)
    assert message in got and "line 1, column" in got


# (latex, the identity in plain SymPy, expected status)
SIGN = [
    (r"\[ |x| = x\,\mathrm{sign}(x) \]", sp.Abs(x) - x * sp.sign(x), "proved"),
    (r"\[ |x| = x\operatorname{sgn}(x) \]", sp.Abs(x) - x * sp.sign(x), "proved"),
    (r"\[ |x| = x\,\operatorname{sign}(x) \]", sp.Abs(x) - x * sp.sign(x), "proved"),
    (r"\[ |x| = x\,\mathrm{sgn}(x) \]", sp.Abs(x) - x * sp.sign(x), "proved"),
    (r"\[ \mathrm{sign}(x) = 1 \]", sp.sign(x) - 1, "refuted"),
]


@pytest.mark.parametrize("text,difference,want", SIGN)
def test_sign_is_sympys_sign(text, difference, want):
    p = sp.Symbol("p", positive=True)       # each sign of x: positive, negative, zero
    truth = all(sp.simplify(difference.subs(x, v)) == 0 for v in (p, -p, 0))
    assert truth == (want == "proved")
    steps = grade_text(text).steps
    assert "sign" in steps[0].read_as + steps[1].read_as, [s.read_as for s in steps]
    step = steps[1]
    assert step.status == want, (step.status, step.read_as)
    if want == "refuted":   # a real point: the counterexample makes the plain SymPy difference nonzero
        point = {x: sp.Rational(v) for k, v in step.counterexample.items() if k == "x"}
        assert difference.subs(point) != 0


# (latex, the identity in plain SymPy, expected status)
FUNCTION_ARGUMENTS = [
    (r"\[ \cos 2x = 1 - 2\sin^2 x \]", sp.cos(2 * x) - (1 - 2 * sp.sin(x) ** 2), "proved"),
    (r"\[ \sin 2 x = 2\sin x \cos x \]", sp.sin(2 * x) - 2 * sp.sin(x) * sp.cos(x), "proved"),
    (r"\[ \cos 2x = \cos(2) x \]", sp.cos(2 * x) - sp.cos(2) * x, "refuted"),
    (r"\[ \cos 2 + x = x + \cos(2) \]", sp.cos(2) + x - (x + sp.cos(2)), "proved"),
]


@pytest.mark.parametrize("text,difference,want", FUNCTION_ARGUMENTS)
def test_a_number_and_a_letter_after_a_function_name_is_its_argument(text, difference, want):
    assert (sp.simplify(sp.expand_trig(difference)) == 0) == (want == "proved")
    (step,) = claims(text)
    assert step.status == want, (step.status, step.read_as, step.detail)


def test_a_number_and_several_factors_after_a_function_name_is_refused():
    assert "several factors without brackets" in refusal(r"\[ \cos 2xy = 1 \]")


# (latex, the value of the left side in plain SymPy's real root, the right side, expected status)
ROOTS = [
    (r"\[ \sqrt[3]{-8} = -2 \]", sp.real_root(-8, 3), -2, "proved"),
    (r"\[ \sqrt[3]{-8} = 2 \]", sp.real_root(-8, 3), 2, "refuted"),
    (r"\[ \sqrt[5]{-32} = -2 \]", sp.real_root(-32, 5), -2, "proved"),
    (r"\[ \sqrt[3]{x^3} = x \]", sp.real_root(x ** 3, 3), x, "proved"),
    (r"\[ \sqrt[4]{16} = 2 \]", sp.root(16, 4), 2, "proved"),
]


@pytest.mark.parametrize("text,left,right,want", ROOTS)
def test_an_odd_root_is_the_real_root(text, left, right, want):
    p = sp.Symbol("p", positive=True)
    truth = all(sp.simplify((left - right).subs(x, v)) == 0 for v in (p, -p, 0))
    assert truth == (want == "proved")
    (step,) = claims(text)
    assert step.status == want, (step.status, step.read_as, step.detail)


# (formula nested deeper than the reader's limit, its depth); plain SymPy reads each shallow version fine
DEEP = [
    ("{" * 300 + "x" + "}" * 300 + " = 1", 300),
    ("\\frac{1}{" * 200 + "x" + "}" * 200 + " = 1", 200),
    ("\\sqrt{" * 200 + "x" + "}" * 200 + " = 1", 200),
    ("\\left(" * 100 + "x" + "\\right)" * 100 + " = x", 100),
]


@pytest.mark.parametrize("formula,levels", DEEP)
def test_deep_nesting_is_a_located_refusal_through_the_cli(tmp_path, formula, levels):
    f = tmp_path / "deep.tex"
    f.write_text("\\[ x = x \\]\n\\[ " + formula + " \\]\n")
    r = subprocess.run([sys.executable, "-m", "derive", "grade", str(f)], cwd=ROOT, capture_output=True,
                       text=True, timeout=120)
    out = r.stdout + r.stderr
    assert "internal error" not in out and "Traceback" not in out
    assert r.returncode in (1, 2), out
    assert f"nested {levels} levels deep; derive reads at most 60" in out and "line 2" in out, out
    assert "unparsed" in out or f"{f}:2" in out


def test_nesting_within_the_limit_is_read():
    expr = x
    for _ in range(40):
        expr = sp.sqrt(expr)
    (step,) = claims("\\[ " + "\\sqrt{" * 40 + "x" + "}" * 40 + " = x \\]")
    assert step.status == "refuted" and sp.simplify(expr - x).subs(x, 2) != 0


a = sp.Symbol("a", real=True)
# (latex, the claim with y = sigma(a) put in, in plain SymPy, expected status)
TRAILING_WHERE = [
    (r"\[ \frac{\partial y}{\partial a} = y(1+y) \quad \text{where } y = \sigma(a) \]",
     sp.diff(1 / (1 + sp.exp(-a)), a) - (1 / (1 + sp.exp(-a))) * (1 + 1 / (1 + sp.exp(-a))), "refuted"),
    (r"\[ \frac{\partial y}{\partial a} = y(1-y) \quad \text{where } y = \sigma(a) \]",
     sp.diff(1 / (1 + sp.exp(-a)), a) - (1 / (1 + sp.exp(-a))) * (1 - 1 / (1 + sp.exp(-a))), "proved"),
]


@pytest.mark.parametrize("text,difference,want", TRAILING_WHERE)
def test_a_trailing_where_defines_its_name_for_the_row(text, difference, want):
    assert (sp.simplify(difference) == 0) == (want == "proved")
    (step,) = claims(text)
    assert step.status == want, (step.status, step.detail)
    if want == "refuted":   # a real point: only a is free, y and its derivative follow from it
        assert set(step.counterexample) == {"a"}, step.counterexample
        assert difference.subs(a, sp.Rational(step.counterexample["a"])) != 0


# (latex, left, right in plain SymPy, the point where only one side is defined)
ONE_SIDE_UNDEFINED = [
    (r"\[ \frac{|x|}{x} = \mathrm{sign}(x) \]", sp.Abs(x) / x, sp.sign(x), 0),
]


@pytest.mark.parametrize("text,left,right,point", ONE_SIDE_UNDEFINED)
def test_an_identity_off_one_point_is_not_proved(text, left, right, point):
    assert left.subs(x, point).has(sp.nan, sp.zoo) and right.subs(x, point).is_finite
    (step,) = claims(text)
    # never proved outright: either proved with the point excluded (the verdict names it), or unknown
    if step.status == "proved":
        assert any(f"x ≠ {point}" in c for c in step.conditions), step.conditions
    else:
        assert step.status == "unknown" and "undefined at x = 0" in step.method, (step.status, step.method)
