"""Matrix calculus: gradients and Jacobians w.r.t. vectors and matrices, in a stated layout.

Why here (in the engine): ``equal()`` carries out a ``Derivative`` of a matrix expression
before it decides a step, so the convention must be fixed where it decides.

**Layout.** Denominator layout by default (as PRML and most deep-learning texts): the
gradient of a scalar ``f`` w.r.t. an ``n x 1`` vector ``x`` is ``n x 1``, w.r.t. an ``m x n``
matrix ``W`` it is ``m x n`` (``(∇_W f)_{ij} = ∂f/∂W_{ij}``); the Jacobian ``∂y/∂x`` of an
``p x 1`` vector ``y`` w.r.t. an ``n x 1`` vector ``x`` is ``n x p`` (``(∂y/∂x)_{ij} = ∂y_j/∂x_i``).
``layout="numerator"`` gives the transpose (the Jacobian ``p x n``, ``∂y_i/∂x_j``). A
``Derivative`` node met inside ``equal()`` is read in denominator layout.

The derivatives themselves come from SymPy's matrix-derivative rules (a scalar ``1 x 1``
expression is differentiated as its trace, so ``∇_W ||Wx − y||^2`` reaches ``2(Wx − y)x^T``);
:func:`check_entrywise` re-derives any result entry by entry at concrete sizes with symbolic
entries (plain ``sympy.diff``), which the tests do for every identity used in the proofs:
``∇_x x^T A x = (A + A^T) x``, ``∇_W ||Wx − y||^2 = 2(Wx − y)x^T``, ``∂(Wx)/∂x = W^T``,
``∂ g.(z)/∂z = diag(g'(z))`` for an element-wise ``g``.
"""
from __future__ import annotations

import sympy as sp
from sympy import MatrixExpr, MatrixSymbol, Trace

LAYOUTS = ("denominator", "numerator")


def _to_matrix(d):
    if isinstance(d, MatrixExpr) or isinstance(d, sp.MatrixBase):
        return d
    from sympy.tensor.array.expressions import convert_array_to_matrix

    out = convert_array_to_matrix(d)
    if not isinstance(out, (MatrixExpr, sp.MatrixBase)) and not getattr(out, "is_commutative", False):
        raise NotImplementedError(f"SymPy left the derivative as an array expression: {out}")
    return out


def _is_scalar_matrix(f) -> bool:
    return isinstance(f, MatrixExpr) and f.shape == (1, 1)


def derivative(f, X, layout: str = "denominator"):
    """``∂f/∂X`` for a scalar or ``1 x 1`` ``f`` (the gradient) or a column vector ``f`` (the Jacobian)."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}")
    if not isinstance(X, MatrixSymbol):
        raise TypeError(f"differentiate with respect to a matrix symbol, not {X!r}")
    if _is_scalar_matrix(f):
        d = Trace(f).diff(X)
    elif isinstance(f, MatrixExpr):
        if not (sp.sympify(f.cols) == 1 and sp.sympify(X.cols) == 1):
            raise NotImplementedError("Jacobians are defined here for a column vector w.r.t. a column vector")
        d = f.diff(X)
    else:
        d = sp.sympify(f).diff(X)
    d = _to_matrix(d)
    if layout == "numerator" and isinstance(d, MatrixExpr):
        d = d.T
    return d


def gradient(f, X, layout: str = "denominator"):
    """``∇_X f`` of a scalar (or ``1 x 1``) ``f``: the shape of ``X`` in denominator layout."""
    if isinstance(f, MatrixExpr) and not _is_scalar_matrix(f):
        raise ValueError(f"the gradient is of a scalar; this is a {f.shape[0]}×{f.shape[1]} matrix")
    return derivative(f, X, layout)


def jacobian(y, x, layout: str = "denominator"):
    """``∂y/∂x`` for column vectors: ``n x p`` in denominator layout, ``p x n`` in numerator layout."""
    return derivative(y, x, layout)


def carry_out_derivatives(e):
    """Every ``Derivative(f, X)`` with a matrix symbol ``X`` carried out (denominator layout)."""
    def is_matrix_derivative(d):
        return isinstance(d, sp.Derivative) and len(d.variables) == 1 and isinstance(d.variables[0], MatrixSymbol)

    if not (isinstance(e, sp.Basic) and e.has(sp.Derivative)):
        return e
    return e.replace(is_matrix_derivative, lambda d: derivative(d.expr, d.variables[0]))


def check_entrywise(result, f, X, sizes: dict, layout: str = "denominator") -> bool:
    """True when ``result`` equals the entrywise derivative of ``f`` w.r.t. ``X`` at ``sizes``.

    Every matrix symbol becomes an explicit matrix of symbols; ``f`` is expanded to explicit
    entries and differentiated by ``sympy.diff`` entry by entry, independently of the rules above.
    """
    def conc(M):
        return MatrixSymbol(M.name, *(sp.sympify(d).xreplace(sizes) for d in M.shape))

    syms = set()
    for e in (result, f, X):
        if isinstance(e, sp.Basic):
            syms |= e.atoms(MatrixSymbol)
    values = {}
    for M in syms:
        C = conc(M)
        values[C] = sp.ImmutableMatrix(*C.shape, lambda i, j, n=M.name: sp.Symbol(f"{n}_{i}_{j}", real=True))

    def explicit(e):
        e = sp.sympify(e).xreplace(sizes).xreplace(values).doit()
        if isinstance(e, MatrixExpr):
            e = e.as_explicit()
        return sp.Matrix(e) if isinstance(e, sp.MatrixBase) else sp.Matrix([[e]])

    Xv = values[conc(X)]
    F = explicit(f)
    R = explicit(result)
    rows, cols = Xv.shape
    if F.shape == (1, 1):
        want = sp.Matrix(rows, cols, lambda i, j: sp.diff(F[0, 0], Xv[i, j]))
    else:
        if cols != 1 or F.shape[1] != 1:
            raise NotImplementedError("entrywise Jacobians of column vectors only")
        want = sp.Matrix(rows, F.shape[0], lambda i, j: sp.diff(F[j, 0], Xv[i, 0]))
    if layout == "numerator":
        want = want.T
    if want.shape != R.shape:
        return False
    return all(sp.simplify(sp.expand(a - b)) == 0 for a, b in zip(want, R))
