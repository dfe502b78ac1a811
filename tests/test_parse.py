"""The notation layer: what each input must be read as, what must be refused, and no code from text."""
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from derive import equal, logit, relu, sigmoid
from derive.errors import LatexParseError
from derive.proofs.latex import latex
from derive.reading.parse import Context, parse_latex

R = dict(real=True)
z, a, x, y, k, j, i, M = (sp.Symbol(n, **R) for n in "zaxykjiM")
w1, w2 = sp.IndexedBase("w^(1)", **R), sp.IndexedBase("w^(2)", **R)
delta2 = sp.IndexedBase("delta^(2)", **R)
g = sp.Function("g")

GOOD_PAIRS = [
    (r"w^{(2)}_{kj}", w2[k, j]),
    (r"w_{kj}^{(2)}", w2[k, j]),
    (r"\sigma(z)", sigmoid(z)),
    (r"\sigma(-z)", sigmoid(-z)),
    (r"2\sigma(2a) - 1", 2 * sigmoid(2 * a) - 1),
    (r"\sigma^{-1}(y)", logit(y)),
    (r"\mathrm{ReLU}(a)", relu(a)),
    (r"\operatorname{ReLU}(a)", relu(a)),
    (r"\tanh^2(x)", sp.tanh(x) ** 2),
    (r"\ln\frac{y}{1-y}", sp.log(y / (1 - y))),
    (r"\log(x)", sp.log(x)),
    (r"e^{-z}", sp.exp(-z)),
    (r"\exp(z)", sp.exp(z)),
    (r"\frac{1}{1+e^{-z}}", 1 / (1 + sp.exp(-z))),
    (r"\left( a + b \right)", a + sp.Symbol("b", **R)),
    (r"\delta_{ij}", sp.KroneckerDelta(i, j)),
    (r"\sum_{j=1}^{M} w^{(2)}_{kj}", sp.Sum(w2[k, j], (j, 1, M))),
    (r"\frac{d}{dx} \tanh(x)", sp.Derivative(sp.tanh(x), x)),
    (r"\frac{\partial}{\partial a}(y - a)^2", sp.Derivative((y - a) ** 2, a)),
    (r"(x > 0)", sp.Heaviside(x, 0)),
    (r"[x > 0]", sp.Heaviside(x, 0)),
    (r"a(x+1)", a * (x + 1)),
    (r"y(1-y)", y * (1 - y)),
    (r"\frac{d\sigma}{da}", sp.Derivative(sigmoid(a), a)),
    (r"\mathrm{e}^{x}", sp.exp(x)),
    (r"\operatorname{tanh}(a)", sp.tanh(a)),
    # \mathcal{L} is its own written name (it used to be merged with L: a guess)
    (r"\frac{\partial \mathcal{L}}{\partial w}", sp.Symbol(r"\frac{\partial \mathcal{L}}{\partial w}", real=True)),
    (r"\sigma^{2}(z)", sigmoid(z) ** 2),
]

b, n, v, w, p_, t, E_ = (sp.Symbol(s_, **R) for s_ in ("b", "n", "v", "w", "p", "t", "E"))
h, theta = sp.Symbol("h", **R), sp.Symbol("theta", **R)
X, Z = sp.IndexedBase("x", **R), sp.IndexedBase("z", **R)
f = sp.Function("f")
n_k = sp.Symbol("n_k", integer=True, positive=True)
N_x = sp.Symbol("N_{x}", integer=True, positive=True)   # an unbounded sum runs over its family
N_z = sp.Symbol("N_{z}", integer=True, positive=True)
opaque = lambda name: sp.Symbol(name, **R)  # noqa: E731  (an unknown derivative: a name)

#: issue 12 part 3, one row per construct: spacing and sizing, derivatives, functions, names, sums
GOOD_PAIRS += [
    (r"x\,y\;z\!a\quad b\qquad v", x * y * z * a * b * v),
    (r"\hspace{1em} x + \big( y \big) + \Big[ z \Big] + \bigg( a \bigg) + \Bigg( b \Bigg)", x + y + z + a + b),
    (r"\bigl( x \bigr) + \Bigl( y \Bigr) + \biggl( z \biggr) + \Biggl( a \Biggr)", x + y + z + a),
    (r"\left. x^2 \right|_{x=3}", sp.Integer(9)),
    (r"\frac{d}{dx} x^2 \Big|_{x=0}", sp.Subs(sp.Derivative(x ** 2, x), x, 0)),
    (r"\displaystyle \sum\limits_{j=1}^{n} x_j", sp.Sum(X[j], (j, 1, n))),
    (r"\nabla_{w} L", opaque(r"\frac{\partial L}{\partial w}")),
    (r"\partial_x f", opaque(r"\frac{\partial f}{\partial x}")),
    (r"\pdv{f}{x}", opaque(r"\frac{\partial f}{\partial x}")),
    (r"\dv{f}{x}", opaque(r"\frac{d f}{d x}")),
    (r"\diff{f}{x}", opaque(r"\frac{d f}{d x}")),
    (r"\pdv[2]{x^3}{x}", sp.Derivative(x ** 3, (x, 2))),
    (r"\frac{\partial^2}{\partial x^2} x^3", sp.Derivative(x ** 3, (x, 2))),
    (r"\frac{\partial^2 E}{\partial w^2}", opaque(r"\frac{\partial^2 E}{\partial w^2}")),
    (r"\frac{\partial^2 (x^2 y)}{\partial x \partial y}", sp.Derivative(x ** 2 * y, x, y)),
    (r"\exp{x}", sp.exp(x)),
    (r"\exp\left(-\frac{x^2}{2}\right)", sp.exp(-x ** 2 / 2)),
    (r"exp(x) + log(y) + tanh(z)", sp.exp(x) + sp.log(y) + sp.tanh(z)),
    (r"sigmoid(x)", sigmoid(x)),
    (r"max(a, b) - \max(0, x)", sp.Max(a, b) - sp.Max(0, x)),
    (r"\operatorname{softmax}(\mathbf z)_i", sp.exp(Z[i]) / sp.Sum(sp.exp(Z[k]), (k, 1, N_z))),
    (r"softmax(z)_i", sp.exp(Z[i]) / sp.Sum(sp.exp(Z[k]), (k, 1, N_z))),
    (r"\nabla_{w} \ln y", opaque(r"\frac{\partial y}{\partial w}") / y),      # through y, never 0
    (r"p(t | w) + P(X \mid \theta)", sp.Function(r"p(\cdot|\cdot)")(sp.Symbol("t", **R), w)
     + sp.Function(r"P(\cdot|\cdot)")(sp.Symbol("X", **R), theta)),
    (r"\sec x", sp.sec(x)),
    (r"\cfrac{1}{1+x}", 1 / (1 + x)),
    (r"\log_{10} x", sp.log(x, 10)),
    (r"\ln x", sp.log(x)),
    (r"\frac{\mathrm{d}}{\mathrm{d}x} x^2", sp.Derivative(x ** 2, x)),
    (r"\frac{\mathrm{d}y}{\mathrm{d}x}", opaque(r"\frac{d y}{d x}")),
    (r"\bm{w} - \boldsymbol{w} + \mathbf{w}", sp.Symbol(r"\mathbf{w}", **R)),
    (r"\vec{v}", sp.Symbol(r"\mathbf{v}", **R)),
    (r"a \odot b", a * b),
    (r"\|x\| + \lVert y \rVert", sp.Abs(x) + sp.Abs(y)),
    (r"a \cdot b \times x", a * b * x),
    (r"w^\star - w^* + w_\star", sp.Symbol("w^*", **R)),
    (r"\widetilde{w} + \hat{y} - \bar{x}", sp.Symbol(r"\tilde{w}", **R) + sp.Symbol(r"\hat{y}", **R)
     - sp.Symbol(r"\bar{x}", **R)),
    (r"w'", sp.Symbol("w'", **R)),
    (r"\sum_{k\neq i} x_k", sp.Sum(X[k], (k, 1, N_x)) - X[i]),
    (r"\sum_i^{} x_i - \sum_k x_k", sp.Sum(X[i], (i, 1, N_x)) - sp.Sum(X[k], (k, 1, N_x))),
    (r"\sum_j 1", sp.Sum(1, (j, 1, sp.Symbol("n_j", integer=True, positive=True)))),
    (r"\mathbb{1}[x > 0] + \mathbb{1}_{y \geq 0}", sp.Heaviside(x, 0) + sp.Heaviside(y, 1)),
    (r"\mathbb{1}[i = j]", sp.KroneckerDelta(i, j)),
    ("σ(x) · 2 − 1 × y", 2 * sigmoid(x) - y),
    # never guess (part 4)
    (r"1/2 x^2", x ** 2 / 2),
    (r"\theta^9(1-\theta)^4", theta ** 9 * (1 - theta) ** 4),
    (r"\theta(1-\theta)", theta * (1 - theta)),
    (r"h(1-h)", h * (1 - h)),
    (r"h(x)", sp.Function("h")(x)),
    (r"h_{\theta} - h_\theta", sp.Integer(0)),
    (r"a_{ik} - a_{i k}", sp.Integer(0)),
    # arguments braced or not (part 1)
    (r"\frac12 x + \frac 1 3 y", x / 2 + y / 3),
    (r"\sqrt3", sp.sqrt(3)),
    (r"\frac d{dz} z^2", sp.Derivative(z ** 2, z)),
    (r"\lim_{x \to 0} \frac{\sin x}{x}", sp.Limit(sp.sin(x) / x, x, 0, dir="+-")),
    (r"\lim_{x \to 0^+} \frac{1}{x}", sp.Limit(1 / x, x, 0, dir="+")),
    (r"\left\lfloor \frac{x}{2} \right\rfloor", sp.floor(x / 2)),
    (r"0.7", sp.Rational(7, 10)),
    (r"7,425,000 + 1,000.5", sp.Integer(7425000) + sp.Rational(2001, 2)),   # the commas can only group digits
    (r"\frac{1}{3} \text{ meters}", sp.Rational(1, 3)),                    # words after the formula annotate it
    (r"\pi r^2", sp.pi * sp.Symbol("r", **R) ** 2),
]


def test_e_is_eulers_number_only_where_the_document_does_not_bind_it():
    assert parse_latex(r"e^{x}") == sp.exp(x)
    bound = parse_latex(r"e^{x}", Context(bound={"e"}))
    assert bound == sp.Symbol("e", **R) ** x


def test_a_header_assumption_complex_reaches_the_reader():
    e = parse_latex(r"\sqrt{z^2}", Context(assume={"z": "complex"}))
    (s_,) = e.free_symbols
    assert s_.is_real is None and s_.is_complex


def test_a_declared_function_letter_is_called_even_on_itself():
    assert parse_latex(r"h(1-h)", Context(functions={"h"})) == sp.Function("h")(1 - h)


def test_errors_name_the_line_and_column_of_the_file():
    positions = tuple((7, 20 + c) for c in range(20))
    with pytest.raises(LatexParseError) as err:
        parse_latex(r"x + 1 000", Context(positions=positions))
    assert (err.value.line, err.value.column) == (7, 26)   # the second number, '0' at offset 6


def test_read_as_never_shows_a_placeholder():
    for text, _ in GOOD_PAIRS:
        assert "Xi_" not in latex(parse_latex(text)) and "Xi_" not in str(parse_latex(text))


@pytest.mark.parametrize("text, expected", GOOD_PAIRS)
def test_good_pairs(text, expected):
    assert parse_latex(text) == expected


def test_layer_superscript_is_not_a_power():
    e = parse_latex(r"w^{(2)}_{kj} + a^{(l)}_j")
    assert not e.has(sp.Pow)
    assert {str(b.label) for b in e.atoms(sp.IndexedBase)} == {"w^(2)", "a^(l)"}


def test_sum_without_bounds_binds_its_index():
    e = parse_latex(r"\sum_j w^{(2)}_{kj} \delta^{(2)}_j")
    s = next(iter(e.atoms(sp.Sum)))
    assert s.variables[0].name == "j" and not any(x.name == "j" for x in e.free_symbols if isinstance(x, sp.Symbol))


def test_unknown_loss_derivative_is_opaque_not_zero():
    e = parse_latex(r"\frac{\partial L}{\partial w^{(2)}_{kj}}")
    assert e != 0 and isinstance(e, sp.Symbol)


def test_primes_and_declared_functions():
    ctx = Context(functions={"g"})
    e = parse_latex(r"g'(z_j)", ctx)
    assert isinstance(e, sp.Subs) and e.expr.expr.func == g
    assert parse_latex(r"\sigma'(z)").doit() == sp.diff(sigmoid(z), z)


def test_a_derivative_of_a_declared_function_matches_its_prime():
    """Regression: Subs(g'(t), t, z) kept a z of other assumptions inside products."""
    ctx = Context(functions={"g"})
    lhs = parse_latex(r"\frac{\partial}{\partial z}\left(v_1 g(z) + v_2 g(z)\right)", ctx)
    rhs = parse_latex(r"v_1 g'(z) + v_2 g'(z)", ctx)
    assert equal(lhs, rhs).status == "proved"


def test_an_index_inside_a_function_call_is_the_summed_index():
    """Regression: the index in sigma(2 a_j) was a different j than the sum's."""
    lhs = parse_latex(r"\sum_{j=1}^{M} t_{kj} \tanh(a_j)")
    rhs = parse_latex(r"\sum_{j=1}^{M} t_{kj} \left(2\sigma(2a_j) - 1\right)")
    assert equal(lhs, rhs).status == "proved"


BAD_STRINGS = [
    (r"\frac{1}{2", "unclosed"),
    (r"x}", "closes nothing"),
    (r"\foo x", "unknown command"),
    ("", "empty"),
    ("x\x01y", "control character"),
    ("x" * 6000, "longer than"),
    (r"\text{hello} x", "text inside"),
    (r"\variable{x}", "unknown command"),
    (r"a = b", "a relation"),
    (r"w^T x", "transpose"),
    (r"W^{(l)T} \delta", "transpose"),
    (r"\mathbf{w}^\top \mathbf{x}", "transpose"),
    (r"\mathbf{x}^{\mathsf T}", "transpose"),
    (r"\mathbf{a} \odot \mathbf{b}", "vectors"),
    (r"\|\mathbf{x}\|^2", "norm of a vector"),
    (r"\mathbf{W}\mathbf{x}", "product of vectors or matrices"),
    # never guess (part 4): digit groups, a decimal comma, numbers side by side, a mixed number
    (r"1 000", "two numbers side by side"),
    (r"0,111", "decimal comma"),
    (r"2 3", "two numbers side by side"),
    (r"2\frac{1}{2}", "mixed number"),
    (r"e^-x", "write e^{-x}"),
    (r"1,000", "digit group"),            # 1000, or 1.0 with a decimal comma?
    (r"1000,99", "decimal comma"),
    (r"f(1,000)", "leading zero"),
    (r"\text{loss}", "text inside a formula"),
    (r"x \text{ since } y", "text inside a formula"),
    (r"y'(x)", "declare it with '% derive: function y'"),
    (r"\int_0^1 x dx", "integral"),
    (r"\mathbb{E}[x]", "expectation"),
    (r"\overline{(1+x)}", "over an expression"),
    (r"x \pm y", "two formulas"),
    (r"\max_{i} x_i", "over a set"),
    (r"(f(x))_i", "subscript on something"),
    (r"\nabla_{w} \frac{t - y}{y}", "which of them depend on it"),   # t constant or not? not guessed
]


@pytest.mark.parametrize("text, message", BAD_STRINGS)
def test_bad_strings_are_refused_with_a_place(text, message):
    with pytest.raises(LatexParseError) as err:
        parse_latex(text)
    assert message in str(err.value).lower() or message in err.value.message
    assert err.value.column is not None


FAILING_PAIRS = [
    # should work but does not yet: visible, not hidden
    (r"x_1 + x_2 + \cdots + x_n", sp.Sum(X[k], (k, 1, n))),        # elided sums are refused
    (r"x_1 + \ldots + x_n", sp.Sum(X[k], (k, 1, n))),
    (r"\begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}", sp.Heaviside(x, 0)),  # cases refused
    (r"\int_0^1 x \, dx", sp.Rational(1, 2)),                     # integrals refused
]


@pytest.mark.xfail(reason="elided sums, cases and integrals are refused, not read yet", strict=True)
@pytest.mark.parametrize("text, expected", FAILING_PAIRS)
def test_failing_pairs(text, expected):
    assert equal(parse_latex(text), expected).status == "proved"


PAYLOADS = [
    r"__import__('os').system('touch /tmp/derive_pwned')",
    r"\mathrm{__import__('os').system('touch /tmp/derive_pwned')}(x)",
    r"\frac{eval('1')}{2}",
    r"x_{exec('import os')}",
]


@pytest.mark.parametrize("text", PAYLOADS)
def test_no_code_runs_from_input(text, tmp_path, monkeypatch):
    import builtins

    called = []
    for name in ("eval", "exec"):
        real = getattr(builtins, name)
        monkeypatch.setattr(builtins, name, lambda *a, _r=real, _n=name, **kw: called.append(_n) or _r(*a, **kw))
    monkeypatch.setattr(sp, "sympify", lambda *a, **kw: called.append("sympify"))
    try:
        parse_latex(text)
    except LatexParseError:
        pass
    assert not called
    import os
    assert not os.path.exists("/tmp/derive_pwned")


EXPRS = st.recursive(
    st.sampled_from([z, a, x, sp.Integer(2), sp.Rational(1, 3), w2[k, j]]),
    lambda c: st.one_of(
        st.builds(lambda u, v: u + v, c, c), st.builds(lambda u, v: u * v, c, c),
        st.builds(sigmoid, c), st.builds(sp.tanh, c), st.builds(sp.exp, c), st.builds(relu, c),
        st.builds(lambda u: u ** 2, c)),
    max_leaves=6)


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(EXPRS)
def test_printed_latex_parses_back_to_an_equal_expression(e):
    back = parse_latex(latex(e))
    assert equal(back, e, timeout=20).status == "proved"
