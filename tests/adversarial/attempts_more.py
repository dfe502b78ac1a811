"""More attempts, the classes thought of next: notation that changes meaning (layer superscripts,
`1/2 x^2`, `-1^2`, `h(1-h)`, `\\log_{10}`), inequalities and mixed relation chains, Proof export,
compare() at boundaries, and a few more matrices."""
import sympy as sp
from sympy import (Abs, Identity, MatrixSymbol, Rational, Symbol, binomial, cos, exp, factorial,
                   log, sin, sqrt, tanh)

from derive import relu, sigmoid

from .attempts_grade import al, d
from .model import api, gr

x, y, z, a, b, h, w, t = sp.symbols("x y z a b h w t")
n = Symbol("n", integer=True, positive=True)
X = sp.IndexedBase("x")
i = Symbol("i", integer=True)
A, B, Cm = MatrixSymbol("A", 3, 3), MatrixSymbol("B", 3, 3), MatrixSymbol("C", 3, 3)
w2, w4, x2 = Symbol("w^{(2)}"), Symbol("w^{(4)}"), Symbol("x^{(2)}")


def sig(v):
    return 1 / (1 + exp(-v))


NOTATION = [
    gr("nt-layer-not-power", "notation", d(r"w^{(2)} w^{(2)} = w^{(4)}"), "false", claim=(w2 * w2, w4),
       witness={"w^{(2)}": "1", "w^{(4)}": "2"}, why="layer superscripts are names, not powers"),
    gr("nt-layer-square", "notation", d(r"(w^{(2)})^2 = w^{(2)} w^{(2)}"), "true", claim=(w2**2, w2 * w2)),
    gr("nt-layer-vs-power", "notation", d(r"x^{(2)} = x^2"), "false", claim=(x2, x**2),
       witness={"x^{(2)}": "0", "x": "1"}),
    gr("nt-half-x2", "notation", d(r"1/2 x^2 = \frac{x^2}{2}"), "true", claim=(x**2 / 2, x**2 / 2),
       why="as typeset, 1/2 x^2 is x^2/2 (issue 12)"),
    gr("nt-frac12", "notation", d(r"\frac12 = 0.5"), "true", check=lambda: True),
    gr("nt-frac-spaced", "notation", d(r"\frac 1 2 + \frac 1 2 = 1"), "true", check=lambda: True),
    gr("nt-neg-square", "notation", d(r"-1^2 = -1"), "true", check=lambda: -1**2 == -1),
    gr("nt-neg-square-bad", "notation", d(r"-1^2 = 1"), "false", check=lambda: -1**2 != 1),
    gr("nt-paren-square", "notation", d(r"(-1)^2 = 1"), "true", check=lambda: (-1) ** 2 == 1),
    gr("nt-tower", "notation", d(r"2^{3^2} = 512"), "true", check=lambda: 2 ** (3**2) == 512),
    gr("nt-tower-bad", "notation", d(r"2^{3^2} = 64"), "false", check=lambda: 2 ** (3**2) != 64),
    gr("nt-h-product", "notation", d(r"h(1-h) = h - h^2"), "true", claim=(h * (1 - h), h - h**2),
       why="h(1-h) is a product (issue 12: a bracket holding an expression of the letter itself)"),
    gr("nt-theta-product", "notation", d(r"\theta(1-\theta) = \theta - \theta^2"), "true", check=lambda: True),
    gr("nt-sigma-product", "notation", d(r"\sigma(x)(1-\sigma(x)) = \sigma(x) - \sigma(x)^2"), "true",
       claim=(sig(x) * (1 - sig(x)), sig(x) - sig(x) ** 2)),
    gr("nt-y-product", "notation", d(r"y(x+1) = yx + y"), "true", claim=(y * (x + 1), y * x + y)),
    gr("nt-log10", "notation", d(r"\log_{10} 100 = 2"), "true", check=lambda: sp.log(100, 10) == 2),
    gr("nt-log-natural", "notation", d(r"\log 100 = 2"), "false", check=lambda: sp.N(log(100)) > 4,
       why="\\log is natural (README), ln 100 = 4.6"),
    gr("nt-log2", "notation", d(r"\log_2 8 = 3"), "true", check=lambda: sp.log(8, 2) == 3),
    gr("nt-ln8", "notation", d(r"\ln 8 = 3"), "false", check=lambda: sp.N(log(8)) < 3),
    gr("nt-cbrt-neg", "notation", d(r"\sqrt[3]{-8} = -2"), "true", check=lambda: (-2) ** 3 == -8,
       why="the real cube root (calculus texts); a principal complex root would be a misreading"),
    gr("nt-cbrt", "notation", d(r"\sqrt[3]{8} = 2"), "true", check=lambda: True),
    gr("nt-binom", "notation", d(r"\binom{5}{2} = 10"), "true", check=lambda: binomial(5, 2) == 10),
    gr("nt-binom-bad", "notation", d(r"\binom{5}{2} = 20"), "false", check=lambda: binomial(5, 2) != 20),
    gr("nt-fact0", "notation", d(r"0! = 1"), "true", check=lambda: factorial(0) == 1),
    gr("nt-fact0-bad", "notation", d(r"0! = 0"), "false", check=lambda: factorial(0) != 0),
    gr("nt-max-formula", "notation", d(r"\max(a, b) = \frac{a + b + |a - b|}{2}"), "true",
       claim=(sp.Max(a, b), (a + b + Abs(a - b)) / 2)),
    gr("nt-min-formula-bad", "notation", d(r"\min(a, b) = \frac{a + b + |a - b|}{2}"), "false",
       claim=(sp.Min(a, b), (a + b + Abs(a - b)) / 2), witness={"a": "0", "b": "1"}),
    gr("nt-prod", "notation", d(r"\prod_{i=1}^{3} i = 6"), "true", check=lambda: True),
    gr("nt-prod-n-bad", "notation", d(r"\prod_{i=1}^{n} 2 = 2n"), "false", claim=(2**n, 2 * n), witness={"n": "3"}),
    gr("nt-floor", "notation", d(r"\lfloor 2.5 \rfloor = 2"), "true", check=lambda: True),
    gr("nt-ceil-bad", "notation", d(r"\lceil 2.5 \rceil = 2"), "false", check=lambda: True),
    gr("nt-trig-sq", "notation", d(r"\sin^2 x = \sin(x^2)"), "false", claim=(sin(x) ** 2, sin(x**2)),
       witness={"x": "1"}),
    gr("nt-cos2x", "notation", d(r"\cos 2x = 1 - 2\sin^2 x"), "true", claim=(cos(2 * x), 1 - 2 * sin(x) ** 2)),
    gr("nt-cos2x-bad", "notation", d(r"\cos 2x = 2\cos x"), "false", claim=(cos(2 * x), 2 * cos(x)),
       witness={"x": "0"}),
    gr("nt-abs-tri-bad", "notation", d(r"|x + y| = |x| + |y|"), "false", claim=(Abs(x + y), Abs(x) + Abs(y)),
       witness={"x": "1", "y": "-1"}),
    gr("nt-mean", "notation", al([r"\bar{x} &= \frac{1}{n}\sum_{i=1}^{n} x_i && \text{let}",
                                  r"\sum_{i=1}^{n} (x_i - \bar{x}) &= 0"]), "true",
       claim=(sp.Sum(X[i] - sp.Sum(X[i], (i, 1, n)) / n, (i, 1, n)), 0)),
    gr("nt-mean-bad", "notation", al([r"\bar{x} &= \frac{1}{n}\sum_{i=1}^{n} x_i && \text{let}",
                                      r"\sum_{i=1}^{n} (x_i - \bar{x}) &= \bar{x}"]), "false",
       claim=(sp.Sum(X[i] - sp.Sum(X[i], (i, 1, n)) / n, (i, 1, n)), sp.Sum(X[i], (i, 1, n)) / n),
       witness={"n": "1", "x[1]": "1"}),
    gr("nt-softmax-sum", "notation", d(r"\sum_{j=1}^{K} \frac{e^{z_j}}{\sum_{k=1}^{K} e^{z_k}} = 1"), "true",
       check=lambda: True),
    gr("nt-softmax-sum-bad", "notation", d(r"\sum_{j=1}^{K} \frac{e^{z_j}}{\sum_{k=1}^{K} e^{z_k}} = K"), "false",
       check=lambda: True, why="false for K = 2"),
    gr("nt-sigma-prime", "notation", d(r"\sigma'(z) = \sigma(z)(1-\sigma(z))"), "true",
       claim=(sig(z) * (1 - sig(z)), sig(z) * (1 - sig(z)))),
    gr("nt-sigma-prime-bad", "notation", d(r"\sigma'(z) = \sigma(z)^2"), "false",
       claim=(sig(z) * (1 - sig(z)), sig(z) ** 2), witness={"z": "1"}),
    gr("nt-chain-wx", "notation", d(r"\frac{\partial}{\partial w} \sigma(w x + b) = \sigma(w x + b)(1 - \sigma(w x + b))"),
       "false", claim=(sig(w * x + b) * (1 - sig(w * x + b)) * x, sig(w * x + b) * (1 - sig(w * x + b))),
       witness={"w": "0", "x": "2", "b": "0"}, why="the factor x is missing"),
    gr("nt-d2", "notation", d(r"\frac{d^2}{dx^2} x^3 = 3x^2"), "false", claim=(6 * x, 3 * x**2), witness={"x": "1"}),
    gr("nt-d2-ok", "notation", d(r"\frac{d^2}{dx^2} x^3 = 6x"), "true", claim=(6 * x, 6 * x)),
    gr("nt-mixed-partial", "notation", d(r"\frac{\partial^2}{\partial x \partial y} x^2 y^3 = 6 x y^2"), "true",
       claim=(6 * x * y**2, 6 * x * y**2)),
    gr("nt-euler-bound", "notation", al([r"e &= 2 && \text{let}", r"e^{2} &= 4"]), "true", check=lambda: True,
       why="once e is defined as 2, e^2 = 4 (issue 12: e is Euler's number only where the text does not bind it)"),
]

INEQ = [
    gr("iq-sigma-le1", "inequalities", d(r"\sigma(x) \le 1"), "true", claim=(sig(x), 1)),
    gr("iq-tanh-ge-x", "inequalities", d(r"\tanh x \ge x"), "false", claim=(tanh(x), x), witness={"x": "1"}),
    gr("iq-exp-ge", "inequalities", d(r"e^{x} \ge 1 + x"), "true", claim=(exp(x), 1 + x)),
    gr("iq-sq-ge-x", "inequalities", d(r"x^2 \ge x"), "false", claim=(x**2, x), witness={"x": "1/2"}),
    gr("iq-abs-tri", "inequalities", d(r"|x + y| \le |x| + |y|"), "true", claim=(Abs(x + y), Abs(x) + Abs(y))),
    gr("iq-mixed-chain", "inequalities", al([r"x^2 + 1 &\ge 1", r"&\le 2"]), "true", check=lambda: True,
       why="each link is true; the chain says nothing about x^2 + 1 versus 2"),
    gr("iq-strict-bad", "inequalities", d(r"x^2 > 0"), "false", check=lambda: True, why="false at x = 0"),
    gr("iq-relu-le", "inequalities", d(r"\mathrm{ReLU}(x) \le x"), "false", check=lambda: True, why="x = -1"),
]

COMPARE = [
    api("cp-sq-ge0", "inequalities", x**2, 0, "true", rel=">="),
    api("cp-cube-ge0-nn", "inequalities", x**3, 0, "true", rel=">=", assume={"x": "nonnegative"}),
    api("cp-cube-ge0", "inequalities", x**3, 0, "false", rel=">=", witness={"x": "-1"}),
    api("cp-relu-le-x", "inequalities", relu(x), x, "false", rel="<=", witness={"x": "-1"}),
    api("cp-abs-tri", "inequalities", Abs(x + y), Abs(x) + Abs(y), "true", rel="<="),
    api("cp-sig-ge1", "inequalities", sigmoid(x), 1, "false", rel=">=", witness={"x": "0"}),
    api("cp-log-ge0", "inequalities", log(x), 0, "true", rel=">=", assume={"x": "x>=1"}),
    api("cp-log-ge0-bad", "inequalities", log(x), 0, "false", rel=">=", assume={"x": "x>0"}, witness={"x": "1/2"}),
    api("cp-exp-le0", "inequalities", exp(x), 0, "false", rel="<=", witness={"x": "0"}),
    api("cp-amgm", "inequalities", x * y, (x**2 + y**2) / 2, "true", rel="<="),
    api("cp-amgm-bad", "inequalities", x * y, (x**2 + y**2) / 4, "false", rel="<=", witness={"x": "1", "y": "1"}),
    api("cp-boundary", "inequalities", x, 1, "false", rel="<", assume={"x": "0<x<=1"}, errors_ok=True,
        check=lambda: True, why="'<' is not a relation compare() takes: a refusal; never 'proved'"),
    api("cp-sigder-ge", "inequalities", sigmoid(x) * (1 - sigmoid(x)), 0, "true", rel=">="),
    api("cp-softplus-ge-0", "inequalities", log(1 + exp(x)), 0, "true", rel=">="),
]

MATRIX = [
    api("mx2-identity", "matrices", Identity(3) * A, A, "true"),
    api("mx2-double-t", "matrices", A.T.T, A, "true"),
    api("mx2-assoc-bad", "matrices", A * B * Cm, A * (Cm * B), "false",
        witness={"A": sp.ImmutableMatrix(sp.eye(3)), "B": sp.ImmutableMatrix([[0, 1, 0], [0, 0, 0], [0, 0, 0]]),
                 "C": sp.ImmutableMatrix([[0, 0, 0], [1, 0, 0], [0, 0, 0]])}),
    api("mx2-inv-prod-bad", "matrices", (A * B).inverse(), A.inverse() * B.inverse(), "false", check=lambda: True,
        why="(AB)^-1 = B^-1 A^-1 for invertible A, B that do not commute"),
    api("mx2-sym-sum", "matrices", (A + A.T).T, A + A.T, "true"),
    api("mx2-xtax", "matrices", (MatrixSymbol("v", 3, 1).T * A * MatrixSymbol("v", 3, 1)).T,
        MatrixSymbol("v", 3, 1).T * A.T * MatrixSymbol("v", 3, 1), "true"),
]


def _mixed_chain():
    from derive import Proof

    return (Proof("adv_mixed", r"$x^2 + 1$", assume={"x": "real"}).given(x**2 + 1)
            .step(sp.Integer(1), "square", rel=">=").step(sp.Integer(2), "arith", rel="<="))


def _wrong_ineq():
    from derive import Proof

    return Proof("adv_wrong_le", r"$x$", assume={"x": "real"}).given(x).step(x**2, "?", rel="<=")


def _le_ge_le():
    from derive import Proof

    return (Proof("adv_le_ge", r"$x$", assume={"x": "positive"}).given(x)
            .step(x + 1, "add", rel="<=").step(x, "sub", rel=">="))


PROOFS = [
    api("pf-mixed-chain-result", "proof_export", None, None, "false", check=lambda: True,
        why="x^2 + 1 >= 1 <= 2: the export must not state 'Result: x^2 + 1 = 2' (issue class 8)"),
    api("pf-wrong-le", "proof_export", None, None, "false", check=lambda: True,
        why="x <= x^2 fails at x = 1/2: the chain is not proved"),
    api("pf-le-ge-result", "proof_export", None, None, "false", check=lambda: True,
        why="x <= x + 1 >= x: each link true; 'Result: x = x' would be empty but x <= x is not what the links give"),
]
PROOFS[0]["proof"] = _mixed_chain
PROOFS[1]["proof"] = _wrong_ineq
PROOFS[2]["proof"] = _le_ge_le
PROOFS[2]["truth"] = "true"
PROOFS[1]["step_false"] = True
for _att, _rel in zip(INEQ[:5], ["<=", ">=", ">=", ">=", "<="]):
    _att["rel"] = _rel

ATTEMPTS = NOTATION + INEQ + COMPARE + MATRIX + PROOFS
