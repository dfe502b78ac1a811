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
from sympy.matrices.expressions.matexpr import MatrixElement

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


_T = sp.Dummy("t")


def elementwise_derivative(fn):
    """``f'`` of the scalar function applied element-wise (a ``Lambda`` in one variable)."""
    if isinstance(fn, sp.Lambda):
        (v,) = fn.variables
        return sp.Lambda(_T, sp.diff(fn.expr, v).xreplace({v: _T}))
    return sp.Lambda(_T, sp.diff(fn(_T), _T))


def _jacobian(f, x):
    """Denominator-layout Jacobian ``∂f/∂x`` (``x.rows x f.rows``) of a column vector ``f``, by rules."""
    from sympy import DiagMatrix, HadamardProduct, Identity, MatAdd, MatMul, ZeroMatrix
    from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

    if f == x:
        return Identity(x.rows)
    if not f.has(x):
        return ZeroMatrix(x.rows, f.rows)
    if isinstance(f, MatAdd):
        return MatAdd(*[_jacobian(a, x) for a in f.args]).doit()
    if isinstance(f, MatMul):
        coeff, mats = f.as_coeff_matrices()
        if any(m.has(x) for m in mats[:-1]) or (coeff != 1 and sp.sympify(coeff).has(x)):
            raise NotImplementedError(f"a product with {x} in a non-last factor: {f}")
        inner = _jacobian(mats[-1], x)
        outer = MatMul(*mats[:-1]).T if len(mats) > 1 else None
        out = inner * outer if outer is not None else inner
        return coeff * out if coeff != 1 else out
    if isinstance(f, ElementwiseApplyFunction):
        d = ElementwiseApplyFunction(elementwise_derivative(f.function), f.expr)
        return _jacobian(f.expr, x) * DiagMatrix(d)
    if isinstance(f, HadamardProduct) and len(f.args) == 2:
        a, b = f.args
        return _jacobian(a, x) * DiagMatrix(b) + _jacobian(b, x) * DiagMatrix(a)
    raise NotImplementedError(f"no Jacobian rule for {type(f).__name__}")


_DONE: dict = {}


def derivative(f, X, layout: str = "denominator", check: bool = True):
    """Cached :func:`_derivative` (a proof carries the same derivative out at every step)."""
    key = (f, X, layout, check)
    if key not in _DONE:
        if len(_DONE) > 256:
            _DONE.clear()
        _DONE[key] = _derivative(f, X, layout, check)
    return _DONE[key]


def _derivative(f, X, layout: str = "denominator", check: bool = True):
    """``∂f/∂X`` for a scalar or ``1 x 1`` ``f`` (the gradient) or a column vector ``f`` (the Jacobian).

    Gradients come from SymPy's matrix-derivative rules (a 1x1 ``f`` as its trace), Jacobians
    from the rules of :func:`_jacobian`; with ``check`` every result is re-derived entrywise
    with symbolic entries at sizes 2 and 3 and refused (``NotImplementedError``) if it differs.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}")
    if not isinstance(X, MatrixSymbol):
        raise TypeError(f"differentiate with respect to a matrix symbol, not {X!r}")
    if _is_scalar_matrix(f):
        d = _to_matrix(Trace(f).diff(X))
    elif isinstance(f, MatrixExpr):
        if not (sp.sympify(f.cols) == 1 and sp.sympify(X.cols) == 1):
            raise NotImplementedError("Jacobians are defined here for a column vector w.r.t. a column vector")
        d = _jacobian(f, X)
    else:
        d = _to_matrix(sp.sympify(f).diff(X))
    if check:
        sizes = {s for e in (f, X) for s in _shape_symbols(e)}
        literal = [int(x) for e in (f, X, d) if isinstance(e, MatrixExpr) for x in e.shape
                   if sp.sympify(x).is_Integer]
        if max(literal, default=0) <= 4:
            for k in (2, 3):
                if not check_entrywise(d, f, X, {s: sp.Integer(k) for s in sizes}):
                    raise NotImplementedError(f"the derivative {d} failed its entrywise check at size {k}")
    if layout == "numerator" and isinstance(d, MatrixExpr):
        d = d.T
    return d


def _shape_symbols(e) -> set:
    out = set()
    if isinstance(e, sp.Basic):
        for node in sp.preorder_traversal(e):
            if isinstance(node, MatrixExpr):
                for dim in node.shape:
                    out |= sp.sympify(dim).free_symbols
    return out


def gradient(f, X, layout: str = "denominator"):
    """``∇_X f`` of a scalar (or ``1 x 1``) ``f``: the shape of ``X`` in denominator layout."""
    if isinstance(f, MatrixExpr) and not _is_scalar_matrix(f):
        raise ValueError(f"the gradient is of a scalar; this is a {f.shape[0]}×{f.shape[1]} matrix")
    return derivative(f, X, layout)


def jacobian(y, x, layout: str = "denominator"):
    """``∂y/∂x`` for column vectors: ``n x p`` in denominator layout, ``p x n`` in numerator layout."""
    return derivative(y, x, layout)


class MatrixDerivative(MatrixExpr):
    """``∂f/∂X`` left unevaluated, in a stated layout: what a proof's first line writes.

    ``doit()`` (and ``equal()``) carry it out by :func:`derivative`; the shape is known
    without carrying it out: gradients have the shape of ``X`` (denominator layout), Jacobians
    of column vectors are ``X.rows x f.rows`` (transposed in numerator layout).
    """

    def __new__(cls, f, X, layout="denominator"):
        if str(layout) not in LAYOUTS:
            raise ValueError(f"layout must be one of {LAYOUTS}")
        return super().__new__(cls, sp.sympify(f), X, sp.core.symbol.Str(str(layout)))

    @property
    def function(self):
        return self.args[0]

    @property
    def variable(self):
        return self.args[1]

    @property
    def layout(self) -> str:
        return self.args[2].name

    @property
    def shape(self):
        f, X = self.function, self.variable
        if not isinstance(f, MatrixExpr) or _is_scalar_matrix(f):
            return X.shape if self.layout == "denominator" else (X.cols, X.rows)
        return (X.rows, f.rows) if self.layout == "denominator" else (f.rows, X.rows)

    def doit(self, **hints):
        return derivative(self.function, self.variable, self.layout)

    def _latex(self, printer):
        f = printer._print(self.function)
        if not isinstance(self.function, (sp.Symbol, MatrixSymbol)):
            f = r"\left(%s\right)" % f
        return r"\frac{\partial %s}{\partial %s}" % (f, printer._print(self.variable))


def carry_out_derivatives(e):
    """Every ``MatrixDerivative`` and ``Derivative(f, X)`` (``X`` a matrix symbol) carried out."""
    def is_matrix_derivative(d):
        if isinstance(d, MatrixDerivative):
            return True
        return isinstance(d, sp.Derivative) and len(d.variables) == 1 and isinstance(d.variables[0], MatrixSymbol)

    if not (isinstance(e, sp.Basic) and (e.has(sp.Derivative) or e.has(MatrixDerivative))):
        return e
    return e.replace(is_matrix_derivative,
                     lambda d: d.doit() if isinstance(d, MatrixDerivative) else derivative(d.expr, d.variables[0]))


def check_entrywise(result, f, X, sizes: dict, layout: str = "denominator", symmetric=()) -> bool:
    """True when ``result`` equals the entrywise derivative of ``f`` w.r.t. ``X`` at ``sizes``.

    Every matrix symbol becomes an explicit matrix of symbols (those named in ``symmetric`` with
    ``S_ij = S_ji``); ``f`` is expanded to explicit
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
        if M.name in symmetric:
            values[C] = sp.ImmutableMatrix(*C.shape, lambda i, j, n=M.name: sp.Symbol(f"{n}_{min(i, j)}_{max(i, j)}",
                                                                                    real=True))
        else:
            values[C] = sp.ImmutableMatrix(*C.shape, lambda i, j, n=M.name: sp.Symbol(f"{n}_{i}_{j}", real=True))

    def explicit(e):
        out = explicit_value(sp.sympify(e).xreplace(sizes), values)
        return out if isinstance(out, sp.MatrixBase) else sp.Matrix([[out]])

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
    return all(sp.expand(a - b) == 0 or sp.simplify(a - b) == 0 for a, b in zip(want, R))


def explicit_value(e, values: dict):
    """``e`` with matrix symbols replaced by the explicit matrices ``values``, computed node by node
    (products as explicit products: no ``Sum`` objects, unlike ``as_explicit``)."""
    from sympy import (BlockMatrix, DiagMatrix, HadamardProduct, Identity, Inverse, MatAdd, MatMul, MatPow,
                       Transpose, ZeroMatrix)
    from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

    def ev(x):
        if isinstance(x, MatrixSymbol):
            return sp.Matrix(values[x]) if x in values else sp.Matrix(x.as_explicit())
        if isinstance(x, sp.MatrixBase):
            return sp.Matrix(x)
        if isinstance(x, Identity):
            return sp.eye(int(x.rows))
        if isinstance(x, ZeroMatrix):
            return sp.zeros(int(x.rows), int(x.cols))
        if isinstance(x, MatAdd):
            parts = [ev(a) for a in x.args]
            out = parts[0]
            for p in parts[1:]:
                out = out + p
            return out
        if isinstance(x, MatMul):
            coeff, mats = x.as_coeff_matrices()
            out = ev(mats[0])
            for a in mats[1:]:
                out = out * ev(a)
            return (ev(coeff) * out) if coeff != 1 else out
        if isinstance(x, Transpose):
            return ev(x.arg).T
        if isinstance(x, Inverse):
            return ev(x.arg).inv()
        if isinstance(x, MatPow) and x.args[1].is_Integer:
            return ev(x.args[0]) ** int(x.args[1])
        if isinstance(x, HadamardProduct):
            parts = [ev(a) for a in x.args]
            out = parts[0]
            for p in parts[1:]:
                out = out.multiply_elementwise(p)
            return out
        if isinstance(x, DiagMatrix):
            vals = list(ev(x.args[0]))
            return sp.Matrix(len(vals), len(vals), lambda i, j: vals[i] if i == j else 0)
        if isinstance(x, ElementwiseApplyFunction):
            return ev(x.expr).applyfunc(x.function)
        if isinstance(x, BlockMatrix):
            return sp.Matrix(sp.BlockMatrix(x.blocks.applyfunc(ev)).as_explicit())
        if isinstance(x, MatrixDerivative):
            return ev(x.doit())
        if isinstance(x, Trace):
            return ev(x.arg).trace()
        if isinstance(x, MatrixExpr):
            return sp.Matrix(x.xreplace(values).as_explicit())
        if isinstance(x, sp.Basic) and (x.has(MatrixExpr) or x.atoms(MatrixSymbol)):
            if isinstance(x, MatrixElement):
                return ev(x.parent)[int(x.i), int(x.j)]
            return x.func(*[ev(a) for a in x.args])
        return x

    return ev(e)
