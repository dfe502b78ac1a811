"""Regression tests of issue 10, "soundness under attack", one table per class of defect.

Every case states its truth and checks it here in plain SymPy/mpmath (never through
derive): a false claim comes with a witness point where it fails, a true one with the
reason it holds. derive may then say "unknown" where it cannot decide, but never
"proved" for a false claim, and never "refuted" for a true one or at a point outside the
stated assumptions or the premises.

Process-level classes (bad input on the command line, signals, ``--against``) are in
``tests/test_soundness_cli.py``.
"""
from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from sympy.parsing.sympy_parser import parse_expr

from derive import Proof, equal, relu, sigmoid
from derive.engine.implication import implies
from derive.grading.grade import grade_text

x, y, z, a = sp.symbols("x y z a")
i, j = sp.symbols("i j", integer=True)
n = sp.Symbol("n", integer=True, positive=True)
X = sp.IndexedBase("x")


def steps(text: str):
    """The checked steps of a graded text (definitions and givens left out)."""
    return [s for s in grade_text(text, timeout=20).steps if s.status not in ("given",)]


def sig(v):
    return 1 / (1 + mpmath.exp(-v))


def value_of(text: str):
    """A counterexample value as derive prints it (``3/4``, ``5*pi/4``): our own output, trusted."""
    return parse_expr(text, evaluate=True)


# --- 1. a derivative row after a definition is a claim, and is checked ---------------------

DERIVATIVE_ROWS = [
    # (text, truth of the derivative row: d/da of the defined quantity minus the claimed right side)
    (r"\[ y_k = \sigma(a_k) \]" "\n" r"\[ \frac{\partial y_k}{\partial a_k} = y_k(1+y_k) \]",
     sp.diff(sigmoid(a), a) - sigmoid(a) * (1 + sigmoid(a))),
    (r"\[ y_k = \sigma(a_k) \]" "\n" r"\[ \frac{\partial y_k}{\partial a_k} = y_k(1-y_k) \]",
     sp.diff(sigmoid(a), a) - sigmoid(a) * (1 - sigmoid(a))),
    (r"\[ z = w x + b \]" "\n" r"\[ \frac{\partial z}{\partial w} = w \]",
     sp.diff(y * x + z, y) - y),
    (r"\[ z = w x + b \]" "\n" r"\[ \frac{\partial z}{\partial w} = x \]",
     sp.diff(y * x + z, y) - x),
]


@pytest.mark.parametrize("text, difference", DERIVATIVE_ROWS)
def test_class01_derivative_row_after_definition_is_checked(text, difference):
    true = sp.simplify(sp.expand(sp.sympify(difference).rewrite(sp.exp))) == 0
    checked = steps(text)
    assert len(checked) == 1, "the derivative row is a claim, not a new definition"
    assert checked[0].status == ("proved" if true else "refuted")


# --- 2. implications: proved only by a sound argument ----------------------------------------

def _tan_witness():
    w = 5 * sp.pi / 4
    return sp.tan(w) == 1 and w != sp.pi / 4


IMPLICATIONS_FALSE = [
    # (premise, conclusion, witness: a point where the premise holds and the conclusion fails)
    ((sp.tan(x), 1), (x, sp.pi / 4), {x: 5 * sp.pi / 4}),
    ((x * y, 0), (x, 0), {x: 1, y: 0}),
    ((sp.sin(2 * x), 1), (x, sp.pi / 4), {x: 5 * sp.pi / 4}),
    ((x ** 2, 4), (x, 2), {x: -2}),
    ((x ** 2, 4), (x ** 3, 8), {x: -2}),
    ((sp.exp(x) * x, 0), (x, 1), {x: 0}),
]

IMPLICATIONS_TRUE = [
    # (premise, conclusion, assumptions, why it holds, checked in SymPy)
    ((x ** 2, 4), (x ** 4, 16), None, lambda: sp.rem(x ** 4 - 16, x ** 2 - 4, x) == 0),
    ((x, 2), (x ** 2, 4), None, lambda: (x ** 2 - 4).subs(x, 2) == 0),
    ((2 * x + 1, 5), (x, 2), None, lambda: sp.solve(2 * x + 1 - 5, x) == [2]),
    ((x ** 2, 4), (x, 2), {"x": "positive"},
     lambda: [r for r in sp.Poly(x ** 2 - 4, x).real_roots() if r > 0] == [2]),
    ((x + y, 1), (y, 1 - x), None, lambda: sp.expand((y - (1 - x)) - (x + y - 1)) == 0),
]


@pytest.mark.parametrize("premise, conclusion, witness", IMPLICATIONS_FALSE)
def test_class02_implication_never_proved_when_false(premise, conclusion, witness):
    assert sp.simplify((premise[0] - premise[1]).subs(witness)) == 0
    assert sp.simplify((conclusion[0] - conclusion[1]).subs(witness)) != 0
    v, _ = implies(premise, conclusion, timeout=30)
    assert v.status != "proved"


@pytest.mark.parametrize("premise, conclusion, assume, why", IMPLICATIONS_TRUE)
def test_class02_implication_proved_by_a_sound_argument(premise, conclusion, assume, why):
    assert why()
    v, _ = implies(premise, conclusion, assume=assume, timeout=30)
    assert v.status == "proved", v.method


@pytest.mark.parametrize("text", [r"\[ \tan x = 1 \Rightarrow x = \pi/4 \]", r"\[ x y = 0 \Rightarrow x = 0 \]",
                                  r"\[ \sin 2x = 1 \Rightarrow x = \pi/4 \]"])
def test_class02_implication_in_a_graded_text(text):
    assert _tan_witness()
    assert [s.status for s in steps(text)] != ["proved"]


# --- 3. the header's "assume z complex" reaches the reader ---------------------------------

COMPLEX_HEADER = [
    # (formula pair, witness z where they differ, evaluated with mpmath)
    (r"\ln e^{z} = z", 4j, lambda v: (mpmath.log(mpmath.exp(v)), v)),
    (r"\sqrt{z^2} = |z|", 1j, lambda v: (mpmath.sqrt(v ** 2), abs(v))),
    (r"\sigma^{-1}(\sigma(z)) = z", 4j, lambda v: (mpmath.log(sig(v) / (1 - sig(v))), v)),
]


@pytest.mark.parametrize("formula, witness, sides", COMPLEX_HEADER)
def test_class03_header_complex_is_not_read_as_real(formula, witness, sides):
    left, right = sides(mpmath.mpc(witness))
    assert abs(left - right) > 0.5
    report = grade_text("% derive: assume z complex\n\\[ " + formula + " \\]", timeout=20)
    assert [s.status for s in report.steps if s.status != "given"] != ["proved"]
    assert "z" in report.steps[0].read_as or report.steps[0].read_as  # read, not collapsed away


def test_class03_header_complex_symbol_is_complex():
    from derive.reading.parse import Context, parse_latex

    e = parse_latex(r"\ln e^{z}", Context(complex_names=frozenset({"z"})))
    (sym,) = e.free_symbols
    assert sym.is_real is None and sym.is_complex and isinstance(e, sp.log)


# --- 4. \lim_{x\to 0} is the two-sided limit ---------------------------------------------------

LIMITS = [
    # (text, the sides' values in SymPy: (left limit, right limit), claimed value)
    (r"\[ \lim_{x\to 0} \frac{|x|}{x} = 1 \]", (-1, 1), 1),
    (r"\[ \lim_{x\to 0^{+}} \frac{|x|}{x} = 1 \]", (None, 1), 1),
    (r"\[ \lim_{x\to 0} x^{2} = 0 \]", (0, 0), 0),
]


@pytest.mark.parametrize("text, sides, claimed", LIMITS)
def test_class04_limit_is_two_sided_unless_written(text, sides, claimed):
    expr = {0: x ** 2}.get(claimed, sp.Abs(x) / x)
    left, right = sp.limit(expr, x, 0, "-"), sp.limit(expr, x, 0, "+")
    assert (left, right) == tuple(s if s is not None else left for s in sides)
    one_sided = "0^{+}" in text
    true = right == claimed if one_sided else (left == right == claimed)
    status = [s.status for s in steps(text)]
    assert status == ["proved"] if true else status != ["proved"]


# --- 5. case splits on a sign include zero ------------------------------------------------------

SIGN_CASES = [
    # (lhs, rhs) as functions of a real x, checked at x = 0 and at +-3/4
    (sp.sign(x) ** 2, sp.Integer(1)),
    (sp.Integer(0) ** sp.Abs(x), sp.Integer(0)),
    (sp.diff(relu(x), x), (1 + sp.sign(x)) / 2),
    (sp.Heaviside(x, 0), (1 + sp.sign(x)) / 2),
    (sp.sign(x) * sp.Abs(x), x),
    (sp.Abs(x) ** 2, x ** 2),
    (sp.sqrt(x ** 2) * sp.sign(x), x),
]


@pytest.mark.parametrize("lhs, rhs", SIGN_CASES, ids=[str(c[0])[:30] for c in SIGN_CASES])
def test_class05_sign_cases_include_zero(lhs, rhs):
    true = all(sp.simplify((lhs - rhs).subs(x, v).doit()) == 0 for v in (0, sp.Rational(3, 4), -sp.Rational(3, 4)))
    assert sp.Heaviside(0, 0) == 0  # ReLU'(0) = 0, PyTorch's convention
    status = equal(lhs, rhs, timeout=30).status
    if true:
        assert status != "refuted"
    else:
        assert status != "proved"


# --- 6. generalised sub-terms carry only the assumptions they satisfy ---------------------------

_S1 = sp.Sum(sp.sqrt(10 - X[i] ** 2), (i, 1, n))
_S2 = sp.Sum(sp.exp(z * X[i]), (i, 1, n))
GENERALISED = [
    # (lhs, rhs, assume, witness {n, x_i, z} where the sides differ (None: a true claim))
    (_S1 ** 2, sp.Abs(_S1) ** 2, None, {n: 1, X[1]: 4}),
    (sp.sqrt(_S2 ** 2), sp.Abs(_S2), {"z": "complex"}, {n: 1, X[1]: 1, z: sp.I}),
    (sp.sqrt(_S2 ** 2), _S2, {"z": "complex"}, {n: 1, X[1]: 4, z: sp.I}),
    (sp.Sum(X[i] ** 2, (i, 1, n)) ** 2, sp.Abs(sp.Sum(X[i] ** 2, (i, 1, n))) ** 2, None, None),
]


@pytest.mark.parametrize("lhs, rhs, assume, witness", GENERALISED)
def test_class06_generalised_sums_keep_only_known_facts(lhs, rhs, assume, witness):
    if witness is not None:
        at = lambda e: sp.N(e.subs(n, witness[n]).doit().subs(witness), 30)  # noqa: E731
        assert abs(at(lhs) - at(rhs)) > 1e-3
    status = equal(lhs, rhs, assume=assume, timeout=30).status
    assert status != "proved" if witness is not None else status != "refuted"


# --- 7. indices in range; piecewise conditions on indices kept ----------------------------------

INDEX_CASES = [
    # (lhs, rhs, truth at every valid j: None when true, else a witness (n, j))
    (sp.Sum(X[i] * sp.KroneckerDelta(i, j + 1), (i, 1, n)), X[j + 1], (2, 2)),
    (sp.Sum(X[i] * sp.KroneckerDelta(i, j), (i, 1, n)), X[j], None),
    (sp.Piecewise((X[j], j <= 2), (0, True)), X[j], (3, 3)),
    (sp.Sum(X[i] * sp.KroneckerDelta(i, j), (i, 2, n)), X[j], None),  # j valid in every sum: 2 <= j <= n
]


@pytest.mark.parametrize("lhs, rhs, witness", INDEX_CASES)
def test_class07_declared_indices_stay_in_range(lhs, rhs, witness):
    if witness is not None:
        nn, jj = witness
        assert 1 <= jj <= nn
        d = (lhs - rhs).subs({n: nn, j: jj}).doit()
        assert d.subs({X[k]: k + 1 for k in range(1, nn + 3)}) != 0
    status = equal(lhs, rhs, assume={"j": "index"}, timeout=30).status
    assert status != "proved" if witness is not None else status != "refuted"


# --- 8. a chain mixing >= and <= has no result ---------------------------------------------------

MIXED = [
    # (steps (expr, rel), ok?, result relation)
    ([(sp.Integer(1), ">="), (x ** 2 + 2, "<=")], False, None),
    ([(sp.Integer(1), ">="), (sp.Integer(1), "=")], True, r"\geq"),
    ([((x + 1) ** 2 - 2 * x, "=")], True, "="),
]


@pytest.mark.parametrize("chain, ok, relation", MIXED)
def test_class08_mixed_order_chain_has_no_result(chain, ok, relation):
    # truth: x^2 + 1 >= 1 <= x^2 + 2, yet x^2 + 1 and x^2 + 2 are in no one relation... they differ
    assert (x ** 2 + 1 - (x ** 2 + 2)).subs(x, 0) != 0
    p = Proof("mixed", "a chain").given(x ** 2 + 1)
    for e, rel in chain:
        p.step(e, "step", rel=rel)
    report = p.check()
    assert report.ok is ok and p.result_relation == relation
    text = p.to_latex(report)
    result_line = next(line for line in text.splitlines() if "Claim" in line)  # the statement proved
    if relation is None:
        assert "none" in result_line and "=" not in result_line.split("quad", 1)[1]


# --- 9. a matrix is not a number; Dummies are distinct; floats are binary -----------------------

U = sp.MatrixSymbol("U", n, n)
NOT_EQUAL = [
    # (lhs, rhs, assume, why they differ, in plain Python/SymPy)
    (U.T * U, sp.Integer(1), {"U": "orthogonal"}, lambda: sp.Identity(2).as_explicit() != sp.Matrix([[1]])),
    (sp.Dummy("x"), sp.Dummy("x"), None, lambda: sp.Dummy("x") != sp.Dummy("x")),
    (0.1 + 0.2, 0.3, None, lambda: Fraction(0.1 + 0.2) != Fraction(0.3)),
    (x * 0.1 + x * 0.2, 0.3 * x, None, lambda: Fraction(0.1) + Fraction(0.2) != Fraction(0.3)),
]


@pytest.mark.parametrize("lhs, rhs, assume, why", NOT_EQUAL)
def test_class09_never_proved_equal(lhs, rhs, assume, why):
    assert why()
    try:
        status = equal(lhs, rhs, assume=assume, timeout=20).status
    except ValueError as exc:  # a shape mismatch, or two symbols sharing one name, is refused outright
        assert "shape mismatch" in str(exc) or "two different symbols are both named" in str(exc)
        return
    assert status != "proved"


def test_class09_python_floats_are_exact_binary_values():
    v = equal(0.1 + 0.2, 0.3)
    assert Fraction(0.1 + 0.2) - Fraction(0.3) == Fraction(1, 18014398509481984)
    assert v.status == "refuted"
    assert equal(0.5, sp.Rational(1, 2)).status == "proved" and Fraction(0.5) == Fraction(1, 2)
    assert equal(U.T * U, sp.Identity(n), assume={"U": "orthogonal"}).status == "proved"


# --- 10. a jump at a numerically zero argument is no counterexample ------------------------------

ZERO_ARGUMENT = [
    # (lhs, rhs): both sides equal because the argument of the jump is exactly 0
    (sp.sign(sigmoid(x) + sigmoid(-x) - 1), sp.Integer(0)),
    (sp.Heaviside(sigmoid(x) + sigmoid(-x) - 1, 0), sp.Integer(0)),
    (sp.floor(sigmoid(x) + sigmoid(-x)), sp.Integer(1)),
    (sp.Piecewise((1, sigmoid(x) + sigmoid(-x) >= 1), (0, True)), sp.Integer(1)),
    (sp.diff(sp.Abs(sigmoid(x) + sigmoid(-x) - 1 + y), y).subs(y, 0), sp.Integer(0)),
    (relu(sigmoid(x) + sigmoid(-x) - 1), sp.Integer(0)),
]


@pytest.mark.parametrize("lhs, rhs", ZERO_ARGUMENT, ids=[str(c[0])[:30] for c in ZERO_ARGUMENT])
def test_class10_no_counterexample_from_a_rounding_residue(lhs, rhs):
    arg = sigmoid(x) + sigmoid(-x) - 1
    assert sp.simplify(arg.rewrite(sp.exp)) == 0  # the argument is exactly zero
    assert equal(lhs, rhs, timeout=20).status != "refuted"


# --- 11. a counterexample to A => B satisfies A -------------------------------------------------

IMPLICATION_COUNTEREXAMPLES = [
    # (premise, conclusion): false implications; any counterexample must satisfy the premise
    ((x ** 2, 4), (x, 3)),
    ((x * y, 0), (x, 0)),
    ((sp.tan(x), 1), (x, sp.pi / 4)),
    ((x ** 2 + y ** 2, 1), (x, 1)),
    ((x ** 3, x), (x, 0)),
]


@pytest.mark.parametrize("premise, conclusion", IMPLICATION_COUNTEREXAMPLES)
def test_class11_counterexample_satisfies_the_premise(premise, conclusion):
    v, _ = implies(premise, conclusion, timeout=30)
    assert v.status != "proved"
    if v.status == "refuted":
        point = {sp.Symbol(k): value_of(val) for k, val in v.counterexample.items()}
        assert sp.simplify((premise[0] - premise[1]).subs(point)) == 0
        assert sp.simplify((conclusion[0] - conclusion[1]).subs(point)) != 0


def test_class11_true_implication_never_refuted():
    # the old checker "refuted" x^2 = 4 => x^4 = 16 at x = 3/4, where the premise is false
    assert sp.rem(x ** 4 - 16, x ** 2 - 4, x) == 0
    assert implies((x ** 2, 4), (x ** 4, 16))[0].status == "proved"


# --- 12. counterexamples inside the stated assumptions ------------------------------------------

xn = sp.Symbol("x", nonpositive=True)
INSIDE = [
    # (graded text or (lhs, rhs, assume), truth inside the assumptions)
    ("% derive: assume x_1 positive\n\\[ \\sqrt{x_1^2} = x_1 \\]", True),
    ("% derive: assume w^{(2)} positive\n\\[ |w^{(2)}_{1}| = w^{(2)}_{1} \\]", True),
    ("% derive: assume n 0<n<2\n\\[ \\sum_{i=1}^{n} x_i = x_1 \\]", True),
    ("\\[ \\sum_{i=2}^{n} x_i \\delta_{ij} = x_j \\]", True),
    ((sp.sqrt(xn ** 2), -xn, None), True),
    ((sp.sqrt(y ** 2), y, {"y": "y<=0"}), False),
]


@pytest.mark.parametrize("case, true", INSIDE)
def test_class12_counterexamples_inside_the_assumptions(case, true):
    # the truths, by hand: sqrt(t^2) = t for t > 0; |w| = w for w > 0; n = 1 is the only size
    # in 0 < n < 2; x_j is in the sum from 2 when 2 <= j <= n; sqrt(x^2) = -x for x <= 0
    assert all(sp.sqrt(sp.Rational(t) ** 2) == sp.Rational(t) for t in ("1/3", "5/2"))
    assert [m for m in range(0, 3) if 0 < m < 2] == [1]
    if isinstance(case, str):
        statuses = [s.status for s in steps(case)]
        assert "refuted" not in statuses
        return
    lhs, rhs, assume = case
    v = equal(lhs, rhs, assume=assume, timeout=20)
    if true:
        assert v.status != "refuted"
    else:
        assert v.status == "refuted" and Fraction(v.counterexample["y"]) <= 0


def test_class12_index_valid_in_every_sum_when_sampled():
    from derive.engine.assumptions import parse_assumptions
    from derive.engine.probe import probe

    lhs = sp.Sum(X[i] * sp.KroneckerDelta(i, j), (i, 2, n)) + X[1]
    rhs = X[j] + X[1]  # true for every j with 2 <= j <= n (and only there)
    assert (lhs - rhs).subs({n: 3, j: 2}).doit() == 0
    found = probe(lhs, rhs, parse_assumptions({"j": "index"}), trials=8)
    assert found.counterexample is None


# --- 13 (API part). a time bound is finite --------------------------------------------------------

@pytest.mark.parametrize("timeout", [float("inf"), float("nan"), -1.0, 0, True])
def test_class13_timeout_must_be_positive_and_finite(timeout):
    with pytest.raises(ValueError):
        equal(x, x + 1, timeout=timeout)


# --- 9b. SymPy can call two different substitutions equal: they are carried out at the door ------

def _seed003_partials():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "proofs"))
    from backprop import seed003_network

    net, values, y = seed003_network()
    err = (net.output[0] - y) ** 2
    point = (tuple(values), tuple(values.values()))
    return [sp.Subs(sp.Derivative(err, p), *point) for p in net.parameters()]


@pytest.mark.parametrize("i, j", [(3, 6), (4, 8)])
def test_class09b_distinct_substitutions_stay_distinct(i, j):
    partials = _seed003_partials()
    a, b = partials[i].doit(), partials[j].doit()  # truth: two different numbers
    assert abs(sp.N(a - b, 30)) > 0.1
    # the trap: SymPy's own equality merges them
    assert partials[i] == partials[j]
    # a matrix of all partials against their values: proved (entry by entry, never merged)
    assert equal(sp.Matrix(partials), sp.Matrix([p.doit() for p in partials]), timeout=60).status == "proved"
    # and swapping the two entries' values is refuted
    wrong = [p.doit() for p in partials]
    wrong[i], wrong[j] = wrong[j], wrong[i]
    assert equal(sp.Matrix(partials), sp.Matrix(wrong), timeout=60).status == "refuted"
