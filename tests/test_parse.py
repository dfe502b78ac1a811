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
    (r"\frac{\partial \mathcal{L}}{\partial w}", sp.Symbol(r"\frac{\partial L}{\partial w}", real=True)),
    (r"\sigma^{2}(z)", sigmoid(z) ** 2),
]


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
]


@pytest.mark.parametrize("text, message", BAD_STRINGS)
def test_bad_strings_are_refused_with_a_place(text, message):
    with pytest.raises(LatexParseError) as err:
        parse_latex(text)
    assert message in str(err.value).lower() or message in err.value.message
    assert err.value.column is not None


FAILING_PAIRS = [
    # should work but does not yet: visible, not hidden
    (r"\frac{\partial^2 E}{\partial w^2}", None),
]


@pytest.mark.xfail(reason="second derivatives in fraction form are not read yet", strict=True)
@pytest.mark.parametrize("text, expected", FAILING_PAIRS)
def test_failing_pairs(text, expected):
    assert parse_latex(text) is not None and not parse_latex(text).is_Symbol


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
