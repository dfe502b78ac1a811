"""The document model: definitions and claims, Leibniz derivatives through the graph, the unknown
loss, decimals, header kinds, and the seeds' derivations as the students wrote them."""
from pathlib import Path

import pytest

from bench.cases import expected_verdicts
from bench.seeds import ERRORS, SEEDS, TRUTH_REFUTED
from derive.errors import DeriveError
from derive.grading.grade import grade_text, grade
from derive.reading.symbols import SymbolTable, canonical_name

NET = r"""\begin{align*}
h_1 &= w_1 x \\
z_1 &= \mathrm{ReLU}(h_1) \\
h_2 &= w_2 z_1 \\
h_3 &= h_2 + x \\
y &= \mathrm{ReLU}(h_3) \\
%s
\end{align*}"""

# (claim about the residual network above, expected verdict of its checked step)
RESIDUAL = [
    (r"\frac{\partial L}{\partial x} &= \frac{\partial L}{\partial y}\frac{\partial y}{\partial h_3}\frac{\partial h_3}{\partial x}", "proved"),
    (r"\frac{\partial h_3}{\partial x} &= \frac{\partial h_2}{\partial x} + 1", "proved"),
    (r"\frac{\partial h_3}{\partial x} &= \frac{\partial h_2}{\partial x}", "refuted"),          # shortcut lost
    (r"\frac{\partial L}{\partial x} &= \frac{\partial L}{\partial y}[h_3 > 0]\, w_2 [h_1 > 0] w_1", "refuted"),
    (r"\frac{\partial L}{\partial w_2} &= \frac{\partial L}{\partial y}[h_3 > 0] z_1", "proved"),
    (r"\frac{\partial L}{\partial w_2} &= \frac{\partial L}{\partial y} + \frac{\partial y}{\partial w_2}", "refuted"),
    (r"\frac{\partial y}{\partial h_3} &= [h_3 > 0]", "proved"),
]


@pytest.mark.parametrize("claim,want", RESIDUAL)
def test_leibniz_derivatives_in_a_residual_block(claim, want):
    steps = grade_text(NET % claim).steps
    checked = [s for s in steps if s.status != "given"]
    assert [s.status for s in checked] == [want], [(s.latex, s.status, s.detail) for s in checked]
    if want == "refuted":
        assert checked[0].counterexample  # a network: leaf values and the loss's partials
        assert "network:" in checked[0].detail  # every derived quantity computed from them


DELTA = r"""%% derive: function g
\begin{align*}
z_j &= \sum_{i=1}^{D} w_{ji} x_i + b_j \\
a_j &= g(z_j) \\
%s
\end{align*}"""


@pytest.mark.parametrize("claim,want", [
    (r"\frac{\partial L}{\partial z_j} &= \frac{\partial L}{\partial a_j}\frac{\partial a_j}{\partial z_j}", "proved"),
    (r"\frac{\partial L}{\partial z_j} &= \frac{\partial L}{\partial a_j} g'(z_j)", "proved"),
    (r"\frac{\partial L}{\partial w_{ji}} &= \frac{\partial L}{\partial a_j} g'(z_j) x_i", "proved"),
    (r"\frac{\partial L}{\partial b_j} &= \frac{\partial L}{\partial a_j} g'(z_j)", "proved"),
])
def test_delta_rule_over_a_family(claim, want):
    steps = [s for s in grade_text(DELTA % claim).steps if s.status != "given"]
    assert [s.status for s in steps] == [want], [(s.latex, s.status, s.detail) for s in steps]


@pytest.mark.parametrize("text,want", [
    # issue 10 item 1: a derivative row after a definition is a claim, checked
    ("\\begin{align*}\ny_k &= \\sigma(a_k) \\\\\n\\frac{\\partial y_k}{\\partial a_k} &= y_k(1+y_k)\n\\end{align*}",
     ["given", "given", "refuted"]),
    ("\\begin{align*}\ny_k &= \\sigma(a_k) \\\\\n\\frac{\\partial y_k}{\\partial a_k} &= y_k(1-y_k)\n\\end{align*}",
     ["given", "given", "proved"]),
    # a known name restated in the same display is a claim
    ("\\begin{align*}\nu &= 2v \\\\\nu &= 3v\n\\end{align*}", ["given", "given", "refuted"]),
    # decimals: correctly rounded, or wrong in a digit
    ("\\[ \\tanh(1) \\approx 0.7616 \\]", ["given", "proved"]),
    ("\\[ \\tanh(1) \\approx 0.7615 \\]", ["given", "refuted"]),
    # after "=" a rounded decimal is not an equality: unknown, with the hint to write \approx
    ("\\[ \\tanh(0.7) = 0.604 \\]", ["given", "unknown"]),
    ("\\[ \\tanh(0.7) \\approx 0.604 \\]", ["given", "proved"]),
    ("\\[ 2(-1.8) = -7.6 \\]", ["given", "refuted"]),
])
def test_claims_and_decimals(text, want):
    assert [s.status for s in grade_text(text).steps] == want


def test_a_new_display_shadows_a_function_and_says_so():
    text = ("% derive: function g\n\\[ g(x) = \\tanh(x) \\]\n\\begin{align*}\ng(x) &= \\sigma(x) \\\\\n"
            "g'(x) &= g(x)(1 - g(x))\n\\end{align*}")
    steps = grade_text(text).steps
    assert [s.status for s in steps] == ["given", "given", "given", "proved"]
    assert "new definition" in steps[1].read_as


@pytest.mark.parametrize("written,name", [
    ("w^{(2)}", "w^(2)"), ("x_i", "x"), ("w_{kj}", "w"), ("w_1", "w[1]"), ("\\lambda", "lambda"), ("z", "z"),
])
def test_header_names_reach_the_indexed_entries(written, name):
    assert canonical_name(written) == name


@pytest.mark.parametrize("part,kind,extra", [
    ("index j in 1..M", "index", ("j", "size", "M")),
    ("size M", "size", ("M", "size", None)),
    ("vector x (D)", "vector", ("x", "size", "D")),
    ("matrix W (M x D)", "matrix", ("W", "shape", ("M", "D"))),
    ("constant c", "constant", ("c", "kind", "constant")),
])
def test_header_kinds(part, kind, extra):
    table = SymbolTable()
    assert table.read(part) == ""
    name, attr, value = extra
    assert table.entries[name].kind == kind
    if attr != "kind" and value is not None:
        assert getattr(table.entries[name], attr) == value


@pytest.mark.parametrize("part", ["index j", "vector x", "matrix W (M)", "size 1x"])
def test_bad_header_kinds_are_refused(part):
    assert SymbolTable().read(part)


def test_assumption_on_a_layer_family_applies_to_its_entries():
    text = "% derive: assume w^{(2)} positive\n\\[ |w^{(2)}_{kj}| = w^{(2)}_{kj} \\]"
    step = grade_text(text).steps[1]
    assert step.status != "refuted" and "w^(2) positive" in step.assumptions


SEED_FILES = sorted(SEEDS.glob("*.tex"))


@pytest.mark.parametrize("path", SEED_FILES, ids=[p.stem for p in SEED_FILES])
def test_seed_derivations(path):
    """No correct step refuted, no wrong step proved, each recorded error refuted at its line."""
    want = expected_verdicts(path)
    if want == ["refused"]:
        with pytest.raises(DeriveError):
            grade(path)
        return
    steps = grade(path).steps
    assert len(steps) == len(want)
    for s, w in zip(steps, want):
        truth_wrong = (path.name, s.line) in TRUTH_REFUTED or w == "refuted"
        if truth_wrong:
            assert s.status != "proved", (s.line, s.latex)
        else:
            assert s.status != "refuted", (s.line, s.latex, s.counterexample)
        if w == "refuted":
            assert s.status == "refuted", (s.line, s.latex)


@pytest.mark.parametrize("name,line,what", ERRORS, ids=[e[2][:30] for e in ERRORS])
def test_seed_errors_caught_at_their_line(name, line, what):
    if name == "s004_quadratic.tex":
        pytest.xfail("not caught yet: vectors and transposes are refused by the reader")
    if name == "s004_tanh_network.tex":
        pytest.xfail("not caught: the student's t_{j0} uses the sum's index after the sum, and the reader "
                     "refuses that row (never guesses) instead of reading it")
    steps = grade(SEEDS / name).steps
    assert any(s.line == line and s.status == "refuted" for s in steps)


@pytest.mark.parametrize("lhs,rhs,found", [
    # wrong on one sign pattern of the gates only: the grid finds it, exactly
    (r"\mathrm{ReLU}(a) \mathrm{ReLU}(b)", r"\mathrm{ReLU}(a b)", True),
    (r"\mathrm{ReLU}(a) - \mathrm{ReLU}(-a)", "a", False),  # true: never a counterexample
    (r"|a| |b|", r"|a b|", False),
])
def test_grid_search_for_gated_claims(lhs, rhs, found):
    from derive.grading.search import grid_refute
    from derive.reading.parse import parse_latex

    v = grid_refute(parse_latex(lhs), parse_latex(rhs), {})
    assert (v is not None and v.status == "refuted") == found


def test_a_free_index_ranges_over_its_family_and_the_verdict_says_so():
    steps = grade_text(r"\[ \frac{\partial}{\partial w_j}\sum_{i=1}^n w_i x_i = x_j \]").steps
    assert steps[1].status == "proved" and "1 <= j <= n" in steps[1].assumptions


@pytest.mark.parametrize("value,want", [(r"\sigma(x)", "proved"), (r"\sigma(-x)", "refuted")])
def test_a_trailing_where_defines_a_name_used_before(value, want):
    text = ("\\begin{align*}\n\\frac{d}{dx} \\ln(1 + e^{x}) &= \\gamma \\\\\n"
            f"\\gamma &= {value} && \\text{{where}}\n\\end{{align*}}")
    assert [s.status for s in grade_text(text).steps][:2] == ["given", want]


@pytest.mark.parametrize("text", [
    # the definition row could not be read (or read as something else): no refutation about s
    "\\begin{align*}\ns &= \\foo(z) \\\\\n\\frac{ds}{dz} &= s(1-s)\n\\end{align*}",
    # two derivatives of an unknown quantity the definitions do not relate
    "\\begin{align*}\n\\frac{\\partial L}{\\partial u} &= \\frac{\\partial L}{\\partial v} v\n\\end{align*}",
])
def test_no_refutation_without_a_network_behind_it(text):
    try:
        steps = grade_text(text).steps
    except DeriveError:
        return
    assert all(s.status != "refuted" for s in steps), [(s.latex, s.status) for s in steps]
