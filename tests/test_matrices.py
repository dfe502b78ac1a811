"""Matrix expressions in the engine: shapes, the canonical form, the exact probe, entrywise at a size,
the reader's API, and matrix calculus checked entry by entry (issue 14)."""
from __future__ import annotations

import ast
from fractions import Fraction

import pytest
import sympy as sp
from sympy import (DiagMatrix, HadamardProduct, Identity, Inverse, MatrixSymbol, Symbol, Trace, ZeroMatrix)
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from derive import DeriveError, equal, relu
from derive.engine.matrices import (ShapeMismatch, as_scalar, check_shapes, matrix, matrix_equal, size, vector)
from derive.engine.matrix_calculus import MatrixDerivative, check_entrywise, derivative, gradient, jacobian

n, m = size("n"), size("m")
A, B, C = (matrix(s, n, n) for s in "ABC")
U, S, L = matrix("U", n, n), matrix("S", n, n), matrix("L", n, n)
H = matrix("H", n, n)
P, W = matrix("P", n, m), matrix("W", m, n)
x, y, v = vector("x", n), vector("y", n), vector("v", n)
t = vector("t", m)
c = Symbol("c", real=True)
I = Identity(n)
A64, B64, C64 = (MatrixSymbol(s, 64, 64) for s in "ABC")
x64 = MatrixSymbol("x", 64, 1)
HYP = {"U": "orthogonal", "S": "symmetric", "L": "diagonal"}

PROVED = [  # (lhs, rhs): every size, by the canonical form
    ((A * B * C).T, C.T * B.T * A.T),
    ((A + B) * (A + B), A * A + A * B + B * A + B * B),
    (Inverse(A * B * C), Inverse(C) * Inverse(B) * Inverse(A)),
    (Inverse(A.T * B), Inverse(B) * Inverse(A).T),
    (U.T * A * U * U.T * B * U, U.T * A * B * U),
    (Inverse(U), U.T),
    ((U * L * U.T) ** 3, U * L ** 3 * U.T),
    (Trace(U * L * U.T), Trace(L)),
    (x.T * S * y, y.T * S.T * x),
    (HadamardProduct(A + B, C).T, HadamardProduct(A.T, C.T) + HadamardProduct(B.T, C.T)),
    (DiagMatrix(v) * A * x, HadamardProduct(v, A * x)),
    (x.T * DiagMatrix(v) * y, x.T * HadamardProduct(v, y)),
    (x * x.T * y, x * (y.T * x)),
    (Trace(W * P) * c, c * Trace(P * W)),
    ((W * x - t).T * (W * x - t), x.T * W.T * W * x - 2 * x.T * W.T * t + t.T * t),
    ((A64 * B64 * C64).T, C64.T * B64.T * A64.T),
    (x64.T * A64 * x64, x64.T * A64.T * x64),
]


@pytest.mark.parametrize("lhs, rhs", PROVED)
def test_canonical_form_proves(lhs, rhs):
    v_ = equal(lhs, rhs, assume=HYP, timeout=30)
    assert v_.status == "proved", v_.describe()
    assert "canonical form" in v_.method or v_.method.startswith("identical")


def _matrix_from_text(text):
    rows = ast.literal_eval(text)
    return sp.Matrix([[sp.Rational(str(Fraction(e))) for e in row] for row in rows])


def _differ_at(lhs, rhs, cex):
    """Re-check a counterexample here with plain SymPy: sizes, matrices, scalars from the verdict."""
    sizes = {s: sp.Integer(int(cex[s.name])) for s in (n, m) if s.name in cex}
    l0, r0 = sp.sympify(lhs).xreplace(sizes), sp.sympify(rhs).xreplace(sizes)
    values = {}
    for M in l0.atoms(MatrixSymbol) | r0.atoms(MatrixSymbol):
        values[M] = _matrix_from_text(cex[M.name])
        assert values[M].shape == M.shape
    for s in (l0.free_symbols | r0.free_symbols):
        if isinstance(s, Symbol) and s.name in cex:
            values[s] = sp.Rational(cex[s.name])

    def ev(e):
        e = e.xreplace(values).doit()
        return sp.Matrix(e.as_explicit()) if isinstance(e, sp.MatrixExpr) and not isinstance(e, sp.MatrixBase) \
            else (sp.Matrix(e) if isinstance(e, sp.MatrixBase) else sp.Matrix([[e]]))
    return ev(l0) != ev(r0)


REFUTED = [  # (lhs, rhs, assume): true only for commuting factors, or plain wrong
    (A * B * C, C * B * A, HYP),
    (U * A * U.T, A, HYP),
    (S * A, A * S, HYP),
    (L * A, A * L, HYP),
    (Inverse(A + B), Inverse(A) + Inverse(B), HYP),
    (Trace(A * B * C), Trace(A * C * B), HYP),
    (x.T * A * y, y.T * A * x, HYP),
    (c * A * B, c * B * A, HYP),
    (HadamardProduct(A, B) * x, A * (B * x), HYP),
    ((W * x - t).T * (W * x - t), x.T * W.T * W * x - 2 * t.T * W * x, HYP),
]


@pytest.mark.parametrize("lhs, rhs, assume", REFUTED)
def test_commuting_steps_are_refuted_with_concrete_matrices(lhs, rhs, assume):
    v_ = equal(lhs, rhs, assume=assume, timeout=30)
    assert v_.status == "refuted", v_.describe()
    assert _differ_at(lhs, rhs, v_.counterexample)


def test_counterexample_respects_the_hypotheses():
    v_ = equal(U * A * U.T, A, assume=HYP)
    Uv = _matrix_from_text(v_.counterexample["U"])
    assert Uv.T * Uv == sp.eye(Uv.shape[0])
    v_ = equal(S * A, A * S, assume=HYP)
    Sv = _matrix_from_text(v_.counterexample["S"])
    assert Sv == Sv.T


SHAPE_ERRORS = [
    (A, P, "n×n", "n×m"),
    (A * P, P, None, None),            # fine: n×m both
    (A + matrix("D", m, m), A, "n×n", "m×m"),
    (A * W, A, "n×n", "m×n"),
    (x, x.T, "n×1", "1×n"),
    (A, sp.S.Zero, "n×n", None),
]


@pytest.mark.parametrize("lhs, rhs, first, second", SHAPE_ERRORS)
def test_shapes_are_checked_first(lhs, rhs, first, second):
    if first is None:
        check_shapes(lhs, rhs)
        return
    with pytest.raises(ShapeMismatch) as err:
        equal(lhs, rhs)
    assert isinstance(err.value, DeriveError) and isinstance(err.value, ValueError)
    text = str(err.value)
    assert first in text and (second is None or second in text) and "ShapeError" not in text


def test_one_by_one_is_its_entry():
    assert equal(x.T * A * x, Trace(A * x * x.T)).status == "proved"
    assert equal(as_scalar(x.T * y), Trace(y * x.T)).status == "proved"
    assert equal(x.T * x, sp.S.Zero).status == "refuted"
    with pytest.raises(ShapeMismatch):
        as_scalar(A)


def test_entrywise_at_a_size_is_a_proof_for_that_size_only():
    # diag(A) = diag(A^T): true, but Hadamard products with I are outside the canonical form
    v_ = equal(HadamardProduct(A, I), HadamardProduct(A.T, I))
    assert v_.status == "unknown" and v_.numerically_consistent
    assert "only" in v_.method and "n=2" in v_.method
    A2 = MatrixSymbol("A", 2, 2)
    v2 = equal(HadamardProduct(A2, Identity(2)), HadamardProduct(A2.T, Identity(2)))
    assert v2.status == "proved" and "entrywise" in v2.method
    # Cayley-Hamilton holds at 2x2 (entrywise) and is refuted at symbolic n
    ch = A2 * A2 - Trace(A2) * A2 + (A2[0, 0] * A2[1, 1] - A2[0, 1] * A2[1, 0]) * Identity(2)
    assert equal(ch, ZeroMatrix(2, 2)).status == "proved"


def test_reader_api_declares_hypotheses_definitions_and_rules():
    Lam = matrix("Lambda", n, n)
    out = matrix_equal(H * U, U * Lam, assume={"U": "orthogonal", "Lambda": "diagonal"}, define={H: U * Lam * U.T})
    assert out["status"] == "proved"
    out = matrix_equal(U.T * H * U, Lam, define={H: U * Lam * U.T}, rules=[(U.T * U, I)])
    assert out["status"] == "proved"
    # with an equation rule the probe cannot promise a point satisfying it: never refuted, unknown
    out = matrix_equal(U.T * H * U, H, define={H: U * Lam * U.T}, rules=[(U.T * U, I)])
    assert out["status"] == "unknown"
    with pytest.raises(ValueError):
        matrix_equal(A, B, assume={"A": "unitary"})
    with pytest.raises(ShapeMismatch):
        matrix_equal(A, P)


def test_orthonormal_vectors_group():
    u1, u2 = vector("u_1", n), vector("u_2", n)
    hyp = {"u_1,u_2": "orthonormal"}
    assert equal((u1 + u2).T * (u1 - u2), sp.S.Zero, assume=hyp).status == "proved"
    assert equal((u1 + 2 * u2).T * (u1 + 2 * u2), sp.Integer(5), assume=hyp).status == "proved"
    assert equal((u1 + u2).T * (u1 + u2), sp.Integer(1), assume=hyp).status == "refuted"


# --- matrix calculus -----------------------------------------------------------------------------------

g = sp.Function("g")
tt = Symbol("tt")
z = vector("z", n)
W1, W2 = matrix("W1", n, n), matrix("W2", n, n)


def gate(e):
    return DiagMatrix(ElementwiseApplyFunction(sp.Lambda(tt, sp.Heaviside(tt, 0)), e))


GRADIENTS = [  # (f, X, denominator-layout result): each checked entrywise and proved by equal()
    (x.T * A * x, x, (A + A.T) * x),
    (x.T * S * x, x, 2 * S * x),
    ((W * x - t).T * (W * x - t), W, 2 * (W * x - t) * x.T),
    ((W * x - t).T * (W * x - t), x, 2 * W.T * (W * x - t)),
    (Trace(A * B), A, B.T),
    (A * x, x, A.T),
    (W * z.applyfunc(g), z, DiagMatrix(ElementwiseApplyFunction(sp.Lambda(tt, sp.Derivative(g(tt), tt)), z)) * W.T),
    ((W2 * (W1 * x).applyfunc(relu) + x).applyfunc(relu), x,
     (I + W1.T * gate(W1 * x) * W2.T) * gate(W2 * (W1 * x).applyfunc(relu) + x)),
]


@pytest.mark.parametrize("f, X, expected", GRADIENTS)
def test_matrix_derivatives_checked_entrywise_and_proved(f, X, expected):
    for k in (2, 3):
        assert check_entrywise(expected, f, X, {n: k, m: k + 1}, symmetric={"S"}), k
    v_ = equal(MatrixDerivative(f, X), expected, assume={"S": "symmetric"}, timeout=60)
    assert v_.status == "proved", v_.describe()


def test_layouts():
    assert derivative(A * x, x) == A.T
    assert jacobian(A * x, x, layout="numerator") == A.T.T
    assert MatrixDerivative(W * x, x).shape == (n, m)
    assert MatrixDerivative(W * x, x, "numerator").shape == (m, n)
    assert gradient(x.T * A * x, x).shape == (n, 1)
    with pytest.raises(ValueError):
        gradient(A * x, x)
    with pytest.raises(ValueError):
        derivative(A * x, x, layout="mixed")


def test_wrong_gradients_are_refuted():
    assert equal(MatrixDerivative(x.T * A * x, x), 2 * A * x).status == "refuted"
    assert equal(MatrixDerivative((W * x - t).T * (W * x - t), W), (W * x - t) * x.T).status == "refuted"
    assert equal(MatrixDerivative(A * x, x), A).status == "refuted"   # numerator form in denominator layout


def test_scalars_of_a_refutation_lie_in_their_domain():
    q = Symbol("q")
    v_ = equal(q * A * B, q * B * A, assume={"q": "0<q<1"})
    assert v_.status == "refuted"
    assert 0 < Fraction(v_.counterexample["q"]) < 1
    k3 = size("k")
    V = matrix("V", k3, k3)
    Ak = matrix("A", k3, k3)
    v_ = equal(V * Ak, Ak * V, assume={"k": "k>=4"})
    assert v_.status == "refuted" and int(v_.counterexample["k"]) >= 4


HADAMARD = [  # nested Hadamard products flatten; X ⊙ X is SymPy's HadamardPower
    (HadamardProduct(HadamardProduct(S, C), A), HadamardProduct(A, C, S)),
    (HadamardProduct(c * (2 * B), c * HadamardProduct(S, S)), HadamardProduct((2 * c) * B, c * sp.HadamardPower(S, 2))),
    (sp.HadamardPower(A + B, 2), sp.HadamardPower(A, 2) + 2 * HadamardProduct(A, B) + sp.HadamardPower(B, 2)),
]


@pytest.mark.parametrize("lhs, rhs", HADAMARD)
def test_hadamard_products_are_commutative_associative_and_flattened(lhs, rhs):
    assert equal(lhs, rhs, assume=HYP).status == "proved"
