"""Matrix expressions of symbolic shape, decided soundly: shapes first, a canonical form, a probe.

Why a module of its own: SymPy builds ``A*P`` for an ``n x n`` ``A`` and an ``m x n`` ``P``
without a word, and the scalar ladder knows nothing of non-commuting products. Here

1. **shapes** are checked first, inside every sum, product and Hadamard product and between
   the two sides; a mismatch raises :class:`ShapeMismatch` (a ``DeriveError`` and a
   ``ValueError``) naming both shapes. A matrix is never equal to a number, except that a
   ``1 x 1`` matrix expression (``x^T A x``) is identified with its single entry: it may be
   compared with a scalar, and is compared as the trace of itself (``tr`` of a 1x1 matrix is
   its entry), so ``x^T A x = x^T A^T x = tr(A x x^T)`` are all the same scalar;
2. a **canonical form** of the non-commutative algebra proves: transposes pushed to the leaves
   (``(AB)^T = B^T A^T``, ``(A^{-1})^T = (A^T)^{-1}``), inverses of products of square factors
   reversed, products expanded and collected with commutative scalar coefficients (matrices
   never commute), ``X X^{-1} = I``, ``1 x 1`` sub-products pulled out as scalars, traces up to
   rotation and transposition, Hadamard products commutative and distributive, ``diag(v) x =
   v ⊙ x``; and the declared hypotheses as rewrite rules: ``orthogonal`` (``U^T U = U U^T = I``),
   ``orthonormal columns`` (``V^T V = I``), ``symmetric`` (``S^T = S``), ``diagonal`` (``D^T = D``,
   diagonal factors commute with each other), ``invertible``; plus definitions
   (``H = U Λ U^T``) substituted before anything else and equation rules (``U^T U = I`` as a
   pair) for the proof only;
3. a **probe** refutes: random concrete sizes consistent with the declared ones (the shape
   symbols take 3, 2, 4, …; a literal size is kept), random integer entries (orthogonal
   matrices by the Cayley transform, symmetric as ``M + M^T``, diagonal as diagonal), both
   sides computed exactly over the rationals; a difference is a counterexample of concrete
   sizes and matrices, re-checked by plain SymPy when small;
4. **entrywise** expansion with symbolic entries at a concrete size is a proof for that size
   only: with symbolic sizes the verdict is "unknown" and says "holds entrywise at n = 2, 3
   only"; when every size is a literal number it is a proof.

Matrix derivatives (``Derivative(f, X)``) are carried out first in denominator layout
(:mod:`derive.engine.matrix_calculus`).

The API a caller (the LaTeX reader) uses::

    from derive.engine.matrices import size, vector, matrix, matrix_equal
    n, m = size("n"), size("m")                  # positive integer symbols
    W, x, t = matrix("W", m, n), vector("x", n), vector("t", m)
    v = matrix_equal((W*x - t).T*(W*x - t), x.T*W.T*W*x - 2*t.T*W*x + t.T*t)
    v = matrix_equal(lhs, rhs, assume={"U": "orthogonal", "S": "symmetric", "L": "diagonal"},
                     define={H: U*L*U.T}, rules=[(U.T*U, Identity(n))], timeout=10)
    v["status"], v["method"], v["counterexample"]

``derive.equal`` takes the same keyword hypotheses in ``assume=`` and routes every step with
a symbolic matrix expression here. :func:`check_shapes` raises before any work is done.
"""
from __future__ import annotations

import random
import time
from fractions import Fraction
from typing import Mapping, Optional

import sympy as sp
from sympy import (BlockMatrix, DiagMatrix, HadamardPower, HadamardProduct, Identity, Inverse, MatAdd, MatMul, MatPow,
                   MatrixExpr, MatrixSymbol, Trace, Transpose, ZeroMatrix)
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.matexpr import MatrixElement
from sympy.polys.matrices import DomainMatrix

from ..errors import DeriveError

QQ = sp.QQ
KINDS = ("orthogonal", "orthonormal columns", "symmetric", "diagonal", "invertible", "orthonormal")


class ShapeMismatch(DeriveError, ValueError):
    """Two shapes that must agree do not: the message names both."""


# --- declaring ------------------------------------------------------------------------------------

def size(name: str) -> sp.Symbol:
    """A size: a positive integer symbol (``n``, ``M``, ``D``)."""
    return sp.Symbol(name, integer=True, positive=True)


def vector(name: str, rows) -> MatrixSymbol:
    """A column vector with ``rows`` entries (bold lower-case in the reader)."""
    return MatrixSymbol(name, rows, 1)


def matrix(name: str, rows, cols) -> MatrixSymbol:
    """A ``rows x cols`` matrix (bold upper-case in the reader)."""
    return MatrixSymbol(name, rows, cols)


def as_scalar(e):
    """A ``1 x 1`` matrix expression as a scalar (its trace, which is its entry)."""
    if isinstance(e, MatrixExpr) and _is_one(e.rows) and _is_one(e.cols):
        return Trace(e)
    raise ShapeMismatch(f"only a 1×1 matrix is a scalar; this one is {_fmt(e.shape)}")


# --- shapes ----------------------------------------------------------------------------------------

def _fmt(shape) -> str:
    return f"{shape[0]}×{shape[1]}"


def _is_one(d) -> bool:
    return sp.sympify(d) == 1


def _same(d1, d2) -> bool:
    return sp.expand(sp.sympify(d1) - sp.sympify(d2)) == 0


def _same_shape(s1, s2) -> bool:
    return _same(s1[0], s2[0]) and _same(s1[1], s2[1])


def is_symbolic_matrix(e) -> bool:
    """A matrix expression that is not an explicit matrix of entries."""
    return isinstance(e, MatrixExpr) and not isinstance(e, sp.MatrixBase)


def involves_matrices(*exprs) -> bool:
    """True when a side is a symbolic matrix expression or holds a trace of one."""
    for e in exprs:
        if is_symbolic_matrix(e):
            return True
        if isinstance(e, sp.Basic) and not isinstance(e, sp.MatrixBase) and e.has(Trace):
            return True
    return False


def _check_inside(e, side: str) -> None:
    for node in sp.preorder_traversal(e):
        if isinstance(node, (MatAdd, HadamardProduct)):
            mats = [a for a in node.args if isinstance(a, MatrixExpr)]
            for a in mats[1:]:
                if not _same_shape(a.shape, mats[0].shape):
                    op = "+" if isinstance(node, MatAdd) else "⊙"
                    raise ShapeMismatch(f"shape mismatch on the {side} side in {mats[0]} {op} {a}: "
                                        f"{_fmt(mats[0].shape)} against {_fmt(a.shape)}")
        elif isinstance(node, MatMul):
            mats = [a for a in node.args if isinstance(a, MatrixExpr)]
            for a, b in zip(mats, mats[1:]):
                if not _same(a.cols, b.rows):
                    raise ShapeMismatch(f"shape mismatch on the {side} side in the product {a}·{b}: "
                                        f"{_fmt(a.shape)} times {_fmt(b.shape)}")
        elif isinstance(node, (Inverse, Trace)):
            arg = node.arg
            if isinstance(arg, MatrixExpr) and not _same(arg.rows, arg.cols):
                what = "inverse" if isinstance(node, Inverse) else "trace"
                raise ShapeMismatch(f"the {what} of a non-square {_fmt(arg.shape)} matrix on the {side} side: {arg}")


def check_shapes(lhs, rhs, relation: str = "==") -> None:
    """Raise :class:`ShapeMismatch` unless both sides have one shape (a 1x1 matrix may meet a scalar)."""
    _check_inside(lhs, "left")
    _check_inside(rhs, "right")
    lm, rm = isinstance(lhs, MatrixExpr), isinstance(rhs, MatrixExpr)
    if lm and rm:
        if not _same_shape(lhs.shape, rhs.shape):
            raise ShapeMismatch(f"shape mismatch: the left side is {_fmt(lhs.shape)}, "
                                f"the right side is {_fmt(rhs.shape)}")
    elif lm or rm:
        mat = lhs if lm else rhs
        if not (_is_one(mat.rows) and _is_one(mat.cols)):
            which = "left" if lm else "right"
            raise ShapeMismatch(f"shape mismatch: the {which} side is a {_fmt(mat.shape)} matrix and the other "
                                f"a scalar (a matrix is never a number; write ZeroMatrix({mat.shape[0]}, "
                                f"{mat.shape[1]}) for the zero matrix)")
    if relation != "==" and (lm or rm):
        mat = lhs if lm else rhs
        if not (_is_one(mat.rows) and _is_one(mat.cols)):
            raise ShapeMismatch(f"an order {relation} between {_fmt(mat.shape)} matrices is not defined")


# --- the canonical form ------------------------------------------------------------------------------
# An NF is {word: coefficient}: a word is a tuple of canonical factors (SymPy matrix objects),
# the coefficient a commutative scalar. The empty word is the identity of the expression's shape.

def _key(f):
    return sp.default_sort_key(f)


_BOUND = sp.Symbol("t_")


def canonical_function(fn):
    """An element-wise function as ``Lambda(t_, body)`` with one fixed bound variable (SymPy's
    ``Lambda`` equality is not up to renaming)."""
    if isinstance(fn, sp.Lambda) and len(fn.variables) == 1:
        (v,) = fn.variables
        return sp.Lambda(_BOUND, fn.expr.xreplace({v: _BOUND}))
    return sp.Lambda(_BOUND, fn(_BOUND))


class Canon:
    """The canonical form under the declared hypotheses (``kinds``: name -> kind) and rules."""

    def __init__(self, kinds: Mapping[str, str], rules=()):
        self.kinds = dict(kinds)
        #: mutually orthonormal vectors ("u_1,u_2,u_3": "orthonormal"): name -> group number
        self.groups = {name.strip(): g for g, key in enumerate(k for k, v in self.kinds.items() if v == "orthonormal")
                       for name in key.split(",")}
        self.traces: dict = {}
        self.rules = []
        for pattern, replacement in rules:
            for p, r in ((pattern, replacement), (Transpose(pattern), Transpose(replacement))):
                pn = self.nf(p)
                if len(pn) != 1 or list(pn.values())[0] != 1:
                    raise ValueError(f"a rule's left side must be a single product: {pattern}")
                word = next(iter(pn))
                if word and all(rw != word for rw, _ in self.rules):
                    self.rules.append((word, self.nf(r)))

    # kinds ----------------------------------------------------------------------------------------
    def kind(self, f) -> str:
        return self.kinds.get(f.name, "") if isinstance(f, MatrixSymbol) else ""

    def _self_transpose(self, M) -> bool:
        return self.kind(M) in ("symmetric", "diagonal") or (_is_one(M.rows) and _is_one(M.cols))

    def _is_diag(self, f) -> bool:
        if isinstance(f, DiagMatrix):
            return True
        if isinstance(f, Inverse) and isinstance(f.arg, (MatrixSymbol, DiagMatrix)):
            return isinstance(f.arg, DiagMatrix) or self.kind(f.arg) == "diagonal"
        return self.kind(f) == "diagonal"

    # NF arithmetic --------------------------------------------------------------------------------
    @staticmethod
    def _add(acc: dict, other: dict, scale=1) -> dict:
        for w, c in other.items():
            acc[w] = acc.get(w, 0) + scale * c
        return acc

    def _mul(self, a: dict, b: dict) -> dict:
        out: dict = {}
        for w1, c1 in a.items():
            for w2, c2 in b.items():
                self._add(out, self.reduce_word(w1 + w2), c1 * c2)
        return out

    def expr(self, nf: dict, shape):
        """A SymPy matrix expression of an NF (canonical: terms sorted)."""
        terms = []
        for w, c in sorted(nf.items(), key=lambda t: tuple(_key(f) for f in t[0])):
            if c == 0:
                continue
            base = MatMul(*w) if len(w) > 1 else (w[0] if w else Identity(shape[0]))
            terms.append(base if c == 1 else MatMul(c, base))
        if not terms:
            return ZeroMatrix(*shape)
        return terms[0] if len(terms) == 1 else MatAdd(*terms)

    # the form ---------------------------------------------------------------------------------------
    def nf(self, e) -> dict:
        if isinstance(e, MatrixSymbol):
            return {(e,): sp.S.One}
        if isinstance(e, Identity):
            return {(): sp.S.One}
        if isinstance(e, ZeroMatrix):
            return {}
        if isinstance(e, sp.MatrixBase):
            return {} if all(x == 0 for x in e) else {(sp.ImmutableMatrix(e),): sp.S.One}
        if isinstance(e, MatAdd):
            out: dict = {}
            for a in e.args:
                self._add(out, self.nf(a))
            return out
        if isinstance(e, MatMul):
            coeff, mats = e.as_coeff_matrices()
            out = {(): self.scalar(coeff)}
            for a in mats:
                out = self._mul(out, self.nf(a))
            return out
        if isinstance(e, Transpose):
            return self.transpose(self.nf(e.arg))
        if isinstance(e, Inverse):
            return self.inverse(self.nf(e.arg), e.arg.shape)
        if isinstance(e, MatPow):
            base, k = e.args
            if k.is_Integer:
                one = self.nf(base) if k > 0 else self.inverse(self.nf(base), base.shape)
                out = {(): sp.S.One}
                for _ in range(abs(int(k))):
                    out = self._mul(out, one)
                return out
            return {(e,): sp.S.One}
        if isinstance(e, HadamardProduct):
            return self.hadamard([(self.nf(a), a.shape) for a in e.args])
        if isinstance(e, HadamardPower) and e.exp.is_Integer and e.exp > 0:
            return self.hadamard([(self.nf(e.base), e.base.shape)] * int(e.exp))
        if isinstance(e, DiagMatrix):
            v = e.args[0]
            vn = self.nf(v) if _is_one(v.cols) else self.transpose(self.nf(v))
            shape = (v.rows, 1) if _is_one(v.cols) else (v.cols, 1)
            out = {}
            for w, c in vn.items():  # diag is linear
                self._add(out, {(DiagMatrix(self.expr({w: sp.S.One}, shape)),): c})
            return out
        if isinstance(e, ElementwiseApplyFunction):
            fn = canonical_function(e.function)
            return {(ElementwiseApplyFunction(fn, self.expr(self.nf(e.expr), e.expr.shape)),): sp.S.One}
        if isinstance(e, BlockMatrix):
            blocks = e.blocks.applyfunc(lambda b: self.expr(self.nf(b), b.shape))
            return {(BlockMatrix(blocks),): sp.S.One}
        return {(e,): sp.S.One}

    def hadamard(self, parts) -> dict:
        out: dict = {(): sp.S.One}
        combos = [((), sp.S.One)]
        for nf, shape in parts:
            combos = [(ws + ((w, shape),), c * cw) for ws, c in combos for w, cw in nf.items()]
        out = {}
        for ws, c in combos:
            exprs = []
            for w, shape in ws:  # (X ⊙ Y) ⊙ Z = X ⊙ Y ⊙ Z
                ex = self.expr({w: sp.S.One}, shape)
                exprs += list(ex.args) if isinstance(ex, HadamardProduct) else [ex]
            exprs.sort(key=_key)
            if any(isinstance(x, ZeroMatrix) for x in exprs):
                continue
            if len(exprs) == 1:
                self._add(out, self.nf(exprs[0]), c)
            else:
                self._add(out, {(HadamardProduct(*exprs),): sp.S.One}, c)
        return out

    def transpose(self, nf: dict) -> dict:
        out: dict = {}
        for w, c in nf.items():
            acc = {(): c}
            for f in reversed(w):
                acc = self._mul(acc, self.tf(f))
            self._add(out, acc)
        return out

    def tf(self, f) -> dict:
        """The transpose of one factor."""
        if isinstance(f, MatrixSymbol):
            return {(f if self._self_transpose(f) else Transpose(f),): sp.S.One}
        if isinstance(f, Transpose) and isinstance(f.arg, MatrixSymbol):
            return {(f.arg,): sp.S.One}
        if isinstance(f, Inverse) and isinstance(f.arg, MatrixSymbol):
            return {(f if self._self_transpose(f.arg) else Transpose(f),): sp.S.One}
        if isinstance(f, Transpose) and isinstance(f.arg, Inverse) and isinstance(f.arg.arg, MatrixSymbol):
            return {(f.arg,): sp.S.One}
        if isinstance(f, Inverse):
            return self.inverse(self.transpose(self.nf(f.arg)), (f.arg.cols, f.arg.rows))
        if isinstance(f, HadamardProduct):
            return self.hadamard([(self.transpose(self.nf(a)), (a.cols, a.rows)) for a in f.args])
        if isinstance(f, DiagMatrix):
            return {(f,): sp.S.One}
        if isinstance(f, ElementwiseApplyFunction):
            inner = self.transpose(self.nf(f.expr))
            return {(ElementwiseApplyFunction(f.function, self.expr(inner, (f.expr.cols, f.expr.rows))),): sp.S.One}
        if isinstance(f, sp.MatrixBase):
            return {(sp.ImmutableMatrix(f.T),): sp.S.One}
        if isinstance(f, BlockMatrix):
            return self.nf(f.transpose())
        if isinstance(f, Transpose):
            return {(f.arg,): sp.S.One}
        return {(Transpose(f),): sp.S.One}

    def inverse(self, nf: dict, shape) -> dict:
        if len(nf) == 1:
            (w, c), = nf.items()
            if all(_same(f.rows, f.cols) for f in w):  # (AB)^-1 = B^-1 A^-1 for square factors
                acc = {(): 1 / c}
                for f in reversed(w):
                    acc = self._mul(acc, self.invf(f))
                return acc
        return {(Inverse(self.expr(nf, shape)),): sp.S.One}

    def invf(self, f) -> dict:
        """The inverse of one square factor."""
        if isinstance(f, MatrixSymbol):
            if self.kind(f) == "orthogonal":
                return self.tf(f)
            return {(Inverse(f),): sp.S.One}
        if isinstance(f, Transpose) and isinstance(f.arg, MatrixSymbol):
            if self.kind(f.arg) == "orthogonal":
                return {(f.arg,): sp.S.One}
            return self.tf(Inverse(f.arg))
        if isinstance(f, Inverse):
            return self.nf(f.arg)
        if isinstance(f, Transpose) and isinstance(f.arg, Inverse):
            return self.tf(f.arg.arg) if isinstance(f.arg.arg, MatrixSymbol) else self.transpose(self.nf(f.arg.arg))
        return {(Inverse(f),): sp.S.One}

    def _single_inverse(self, f):
        inv = self.invf(f) if _same(f.rows, f.cols) else {}
        if len(inv) == 1:
            (w, c), = inv.items()
            if c == 1 and len(w) == 1:
                return w[0]
        return None

    # words ---------------------------------------------------------------------------------------
    def reduce_word(self, w: tuple) -> dict:
        """A word in canonical form (an NF: rewriting may split it or pull out scalars)."""
        for _ in range(200):
            step = self._rewrite_once(w)
            if step is None:
                return {w: sp.S.One}
            if not step:
                return {}
            if len(step) != 1 or list(step.values())[0] != 1:
                out: dict = {}
                for w2, c in step.items():
                    self._add(out, self.reduce_word(w2), c)
                return out
            (w,) = step.keys()
        return {w: sp.S.One}

    def _rewrite_once(self, w: tuple) -> Optional[dict]:
        # the caller's rules, and u_i^T u_j = δ_ij for a declared orthonormal group
        for pattern, replacement in self.rules:
            L = len(pattern)
            for i in range(len(w) - L + 1):
                if w[i:i + L] == pattern:
                    return {w[:i] + rw + w[i + L:]: c for rw, c in replacement.items()} or {}
        if self.groups:
            for i in range(len(w) - 1):
                a, b = w[i], w[i + 1]
                if isinstance(a, Transpose) and isinstance(a.arg, MatrixSymbol) and isinstance(b, MatrixSymbol) \
                        and _is_one(b.cols) and _is_one(a.arg.cols):
                    ga, gb = self.groups.get(a.arg.name), self.groups.get(b.name)
                    if ga is not None and ga == gb:
                        return {w[:i] + w[i + 2:]: sp.S.One} if a.arg == b else {}
        # X X^-1 = I (and U U^T = U^T U = I for orthogonal U, V^T V = I for orthonormal columns)
        for i in range(len(w) - 1):
            a, b = w[i], w[i + 1]
            if self._single_inverse(a) == b:
                return {w[:i] + w[i + 2:]: sp.S.One}
            if isinstance(a, Transpose) and a.arg == b and self.kind(b) == "orthonormal columns":
                return {w[:i] + w[i + 2:]: sp.S.One}
        # a 1x1 sub-product inside a longer word is a scalar
        for i in range(len(w)):
            if not _is_one(w[i].rows):
                continue
            for j in range(i, len(w)):
                if _is_one(w[j].cols) and (i, j) != (0, len(w) - 1):
                    return {w[:i] + w[j + 1:]: self.trace_word(w[i:j + 1], 1)}
        # diagonal factors commute with each other
        i = 0
        while i < len(w):
            if self._is_diag(w[i]):
                j = i
                while j < len(w) and self._is_diag(w[j]):
                    j += 1
                run = tuple(sorted(w[i:j], key=_key))
                if run != w[i:j]:
                    return {w[:i] + run + w[j:]: sp.S.One}
                i = j
            else:
                i += 1
        # diag(v) times a column is v ⊙ that column; a row times diag(v) is (v ⊙ row^T)^T
        if w and _is_one(w[-1].cols):
            for i, f in enumerate(w[:-1]):
                if isinstance(f, DiagMatrix):
                    tail = w[i + 1:]
                    had = self.hadamard([(self.nf(f.args[0]), f.args[0].shape),
                                         ({tail: sp.S.One}, (tail[0].rows, 1))])
                    return {w[:i] + hw: c for hw, c in had.items()}
        if w and _is_one(w[0].rows) and not _is_one(w[-1].cols):
            for i in range(len(w) - 1, 0, -1):
                f = w[i]
                if isinstance(f, DiagMatrix):
                    head = self.transpose({w[:i]: sp.S.One})
                    had = self.transpose(self.hadamard([(self.nf(f.args[0]), f.args[0].shape),
                                                        (head, (w[i - 1].cols, 1))]))
                    return {hw + w[i + 1:]: c for hw, c in had.items()}
        return None

    # scalars and traces ----------------------------------------------------------------------------
    def trace_word(self, w: tuple, dim, depth: int = 0):
        """``tr`` of a word, as a commutative symbol canonical under rotation and transposition.

        A rotation that the rewriting shortens (``tr(U^T A U) = tr(A U U^T) = tr(A)``) is used.
        """
        if not w:
            return sp.sympify(dim)
        inner = next((k for k in map(self._inner_product, (w, w[1:] + w[:1])) if k is not None), None)
        if inner is not None:  # a^T b of columns = Σ_i Π_k f_k,i over every Hadamard factor f_k
            if inner not in self.traces:
                self.traces[inner] = sp.Dummy(f"tr{len(self.traces)}")
            return self.traces[inner]
        cands = [w[i:] + w[:i] for i in range(len(w))]
        if depth < 20:
            for r in cands[1:]:
                red = self.reduce_word(r)
                if red != {r: sp.S.One}:
                    rows = r[0].rows
                    return sum((c * self.trace_word(w2, rows, depth + 1) for w2, c in red.items()), sp.S.Zero)
        tw = self.transpose({w: sp.S.One})
        if len(tw) == 1 and list(tw.values())[0] == 1:
            t = next(iter(tw))
            if t:
                cands += [t[i:] + t[:i] for i in range(len(t))]
        best = min(cands, key=lambda c: tuple(_key(f) for f in c))
        if best not in self.traces:
            self.traces[best] = sp.Dummy(f"tr{len(self.traces)}")
        return self.traces[best]

    def _inner_product(self, w: tuple):
        """``("sum of products", factors...)`` for a word ``a^T b`` of two columns, else None."""
        if len(w) != 2 or not (_is_one(w[0].rows) and _is_one(w[1].cols)):
            return None
        col = self.transpose({(w[0],): sp.S.One})
        if len(col) != 1:
            return None
        (cw, cc), = col.items()
        if cc != 1 or len(cw) != 1:
            return None

        def flat(f):
            return list(f.args) if isinstance(f, HadamardProduct) else [f]

        return ("sum of products",) + tuple(sorted(flat(cw[0]) + flat(w[1]), key=_key))

    def trace(self, e):
        out = sp.S.Zero
        for w, c in self.nf(e).items():
            out += c * self.trace_word(w, e.rows)
        return out

    def scalar(self, s):
        """A scalar with every trace inside it in canonical form."""
        s = sp.sympify(s)
        if isinstance(s, Trace):
            return self.trace(s.arg)
        if not s.has(Trace):
            return s
        return s.xreplace({t: self.trace(t.arg) for t in s.atoms(Trace)})

    def difference(self, lhs, rhs):
        """``lhs - rhs`` in canonical form: an NF, or a scalar for 1x1 and scalar sides."""
        lm, rm = isinstance(lhs, MatrixExpr), isinstance(rhs, MatrixExpr)
        if lm and rm and not (_is_one(lhs.rows) and _is_one(lhs.cols)):
            return self._add(self.nf(lhs), self.nf(rhs), -1)
        left = self.trace(lhs) if lm else self.scalar(lhs)
        right = self.trace(rhs) if rm else self.scalar(rhs)
        return left - right


def _coefficient_zero(c) -> bool:
    if c == 0:
        return True
    c = sp.expand(c)
    if c == 0:
        return True
    try:
        return sp.cancel(sp.together(c)) == 0
    except (sp.PolynomialError, TypeError, ValueError):
        return False


def canonical_proof(lhs, rhs, kinds, rules=()) -> Optional[str]:
    """The method name when the canonical form of ``lhs - rhs`` is zero, else None."""
    canon = Canon(kinds, rules)
    diff = canon.difference(lhs, rhs)
    if isinstance(diff, dict):
        if all(_coefficient_zero(c) for c in diff.values()):
            return "non-commutative canonical form (transposes to the leaves, products expanded and collected)"
        return None
    if _coefficient_zero(diff):
        return "non-commutative canonical form of the 1×1 sides as traces (rotation, transposition)"
    return None


# --- the probe: exact values at concrete sizes ------------------------------------------------------------

class NotRational(Exception):
    """The expression leaves the rationals (an activation of an entry): the probe cannot use it."""


class Evaluator:
    """Both sides exactly over QQ with DomainMatrix (fast enough at 64 x 64)."""

    def __init__(self, mats: dict, scalars: dict, sizes: dict):
        self.mats, self.scalars, self.sizes = mats, scalars, sizes

    def dim(self, d) -> int:
        v = sp.sympify(d).xreplace(self.sizes)
        if not v.is_Integer:
            raise NotRational(f"size {d} has no value")
        return int(v)

    def __call__(self, e):
        if isinstance(e, MatrixExpr):
            return self.mat(e)
        return self.scal(e)

    def scal(self, e):
        if e.is_Rational:
            return QQ(int(e.p), int(e.q))
        if isinstance(e, sp.Symbol):
            if e in self.scalars:
                return self.scalars[e]
            if e in self.sizes:
                return QQ(int(self.sizes[e]))
            raise NotRational(str(e))
        if isinstance(e, sp.Add):
            out = QQ(0)
            for a in e.args:
                out += self.scal(a)
            return out
        if isinstance(e, sp.Mul):
            out = QQ(1)
            for a in e.args:
                out *= self.scal(a)
            return out
        if isinstance(e, sp.Pow) and e.exp.is_Integer:
            b = self.scal(e.base)
            k = int(e.exp)
            if k < 0 and b == 0:
                raise ZeroDivisionError
            return b ** k
        if isinstance(e, Trace):
            M = self.mat(e.arg)
            return sum((M[i, i].element for i in range(M.shape[0])), QQ(0))
        if isinstance(e, sp.Sum) and len(e.limits) == 1:
            i, lo, hi = e.limits[0]
            out = QQ(0)
            for v in range(self.dim(lo), self.dim(hi) + 1):
                out += self.scal(e.function.xreplace({i: sp.Integer(v)}))
            return out
        if isinstance(e, MatrixElement):
            M = self.mat(e.parent)
            return M[self.dim(e.i), self.dim(e.j)].element
        raise NotRational(type(e).__name__)

    def mat(self, e) -> DomainMatrix:
        if isinstance(e, MatrixSymbol):
            return self.mats[e.name]
        if isinstance(e, Identity):
            return DomainMatrix.eye(self.dim(e.rows), QQ)
        if isinstance(e, ZeroMatrix):
            return DomainMatrix.zeros((self.dim(e.rows), self.dim(e.cols)), QQ)
        if isinstance(e, sp.MatrixBase):
            return DomainMatrix([[self.scal(x) for x in row] for row in e.tolist()], e.shape, QQ)
        if isinstance(e, MatAdd):
            out = None
            for a in e.args:
                m = self.mat(a)
                out = m if out is None else out + m
            return out
        if isinstance(e, MatMul):
            coeff, mats = e.as_coeff_matrices()
            out = None
            for a in mats:
                m = self.mat(a)
                out = m if out is None else out * m
            c = self.scal(coeff)
            return out if c == 1 else out.mul(c)
        if isinstance(e, Transpose):
            return self.mat(e.arg).transpose()
        if isinstance(e, Inverse):
            return self.mat(e.arg).inv()
        if isinstance(e, MatPow) and e.args[1].is_Integer:
            base = self.mat(e.args[0])
            k = int(e.args[1])
            if k < 0:
                base, k = base.inv(), -k
            out = DomainMatrix.eye(base.shape[0], QQ)
            for _ in range(k):
                out = out * base
            return out
        if isinstance(e, HadamardProduct):
            ms = [self.mat(a).to_list() for a in e.args]
            r, c = len(ms[0]), len(ms[0][0]) if ms[0] else 0
            rows = []
            for i in range(r):
                row = []
                for j in range(c):
                    p = QQ(1)
                    for M in ms:
                        p *= M[i][j]
                    row.append(p)
                rows.append(row)
            return DomainMatrix(rows, (r, c), QQ)
        if isinstance(e, HadamardPower) and e.exp.is_Integer and e.exp > 0:
            return self.mat(HadamardProduct(*[e.base] * int(e.exp), evaluate=False))
        if isinstance(e, DiagMatrix):
            v = self.mat(e.args[0]).to_list()
            flat = [x for row in v for x in row]
            N = len(flat)
            return DomainMatrix([[flat[i] if i == j else QQ(0) for j in range(N)] for i in range(N)], (N, N), QQ)
        if isinstance(e, BlockMatrix):
            rows = []
            for i in range(e.blockshape[0]):
                blocks = [self.mat(e.blocks[i, j]).to_list() for j in range(e.blockshape[1])]
                for r in range(len(blocks[0])):
                    rows.append([x for b in blocks for x in b[r]])
            return DomainMatrix(rows, (len(rows), len(rows[0])), QQ)
        if isinstance(e, ElementwiseApplyFunction):
            M = self.mat(e.expr)
            rows = []
            for row in M.to_Matrix().tolist():
                vals = []
                for x in row:
                    v = e.function(sp.Rational(x))
                    if not v.is_Rational:
                        raise NotRational(f"{e.function} at {x}")
                    vals.append(QQ(int(v.p), int(v.q)))
                rows.append(vals)
            return DomainMatrix(rows, M.shape, QQ)
        raise NotRational(type(e).__name__)


def _matrix_symbols(*exprs) -> list:
    found = set()
    for e in exprs:
        if isinstance(e, sp.Basic):
            found |= e.atoms(MatrixSymbol)
    return sorted(found, key=str)


def shape_sizes(*exprs) -> set:
    """The size symbols: free symbols of every matrix shape."""
    out = set()
    for e in exprs:
        if not isinstance(e, sp.Basic):
            continue
        for node in sp.preorder_traversal(e):
            if isinstance(node, MatrixExpr):
                for d in node.shape:
                    out |= sp.sympify(d).free_symbols
    return {s for s in out if isinstance(s, sp.Symbol)}


def _rand_int(rng) -> int:
    return rng.choice([-7, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6, 8, 9, 0])


def _cayley(size: int, rng) -> DomainMatrix:
    """A rational orthogonal matrix (I - K)(I + K)^-1 from a skew-symmetric K."""
    K = [[QQ(0)] * size for _ in range(size)]
    for i in range(size):
        for j in range(i + 1, size):
            K[i][j] = QQ(_rand_int(rng), rng.randint(1, 3))
            K[j][i] = -K[i][j]
    Km = DomainMatrix(K, (size, size), QQ)
    I = DomainMatrix.eye(size, QQ)
    return (I - Km) * (I + Km).inv()


def _value(M: MatrixSymbol, kind: str, r: int, c: int, rng) -> DomainMatrix:
    if kind == "orthogonal" and r == c:
        return _cayley(r, rng)
    if kind == "orthonormal columns" and c <= r:
        full = _cayley(r, rng).to_list()
        return DomainMatrix([row[:c] for row in full], (r, c), QQ)
    if kind == "orthonormal columns":
        raise NotRational("orthonormal columns need at least as many rows as columns")
    if kind == "diagonal" and r == c:
        return DomainMatrix([[QQ(_rand_int(rng) or 1) if i == j else QQ(0) for j in range(c)] for i in range(r)],
                            (r, c), QQ)
    rows = [[QQ(_rand_int(rng)) for _ in range(c)] for _ in range(r)]
    A = DomainMatrix(rows, (r, c), QQ)
    if kind == "symmetric" and r == c:
        return A + A.transpose()
    if kind in ("invertible", "orthogonal") and r == c:
        return A + DomainMatrix.eye(r, QQ).mul(QQ(3 * r))  # diagonally dominant: invertible
    return A


def _group_values(syms, kinds, size_vals, rng) -> dict:
    """Mutually orthonormal vectors: columns of one rational orthogonal matrix."""
    out = {}
    by_name = {M.name: M for M in syms}
    for key, kind in kinds.items():
        if kind != "orthonormal":
            continue
        members = [by_name[x.strip()] for x in key.split(",") if x.strip() in by_name]
        if not members:
            continue
        r = int(sp.sympify(members[0].rows).xreplace(size_vals))
        if r < len(members) or any(int(sp.sympify(M.rows).xreplace(size_vals)) != r or M.cols != 1
                                   for M in members):
            raise NotRational("too few dimensions for the orthonormal vectors")
        Q = _cayley(r, rng).to_list()
        for col, M in enumerate(members):
            out[M.name] = DomainMatrix([[Q[i][col]] for i in range(r)], (r, 1), QQ)
    return out


def _size_plans(sizes: list, rng, literal_max: int) -> list:
    plans = []
    for base in (3, 2, 4):
        plans.append({s: base for s in sizes})
    for _ in range(3):
        plans.append({s: rng.randint(2, 4) for s in sizes})
    if not sizes:
        plans = plans[:1]
    if literal_max > 16:
        plans = plans[:2]
    return plans


def _as_text(M: DomainMatrix) -> str:
    return str([[str(x) for x in row] for row in M.to_Matrix().tolist()])


def _scalar_value(s, domains, rng, trial: int):
    """A rational inside the symbol's stated domain (its assumptions, or ``assume=``)."""
    from .assumptions import domain_of_symbol
    from .probe import _random_rational

    dom = domains.get(s.name) if domains else None
    if dom is None or getattr(dom, "kind", "") == "matrix":
        dom = domain_of_symbol(s)
    v = _random_rational(rng, dom, 1 if trial % 2 == 0 else -1)
    return QQ(v.numerator, v.denominator)


def _fits(size_vals: dict, domains) -> bool:
    for s, v in size_vals.items():
        dom = domains.get(s.name) if domains else None
        if dom is not None and getattr(dom, "kind", "") != "matrix" and not dom.contains(Fraction(int(v))):
            return False
    return True


def probe_matrices(lhs, rhs, kinds, seed: int = 20261125, domains: Optional[Mapping] = None):
    """``(counterexample or None, points agreed, notes)``: exact values at concrete sizes, scalars
    inside their stated domains."""
    rng = random.Random(seed)
    sizes = sorted(shape_sizes(lhs, rhs), key=str)
    syms = _matrix_symbols(lhs, rhs)
    literal = [int(d) for M in syms for d in M.shape if sp.sympify(d).is_Integer]
    scal_syms = sorted({s for e in (lhs, rhs) if isinstance(e, sp.Basic)
                        for s in e.free_symbols if isinstance(s, sp.Symbol)} - set(sizes), key=str)
    agreed, notes = 0, []
    for trial, plan in enumerate(_size_plans(sizes, rng, max(literal, default=0))):
        size_vals = {s: sp.Integer(v) for s, v in plan.items()}
        if not _fits(size_vals, domains):
            notes.append(f"{plan}: outside the stated sizes")
            continue
        try:
            mats = _group_values(syms, kinds, size_vals, rng)
            for M in syms:
                if M.name in mats:
                    continue
                r, c = (int(sp.sympify(d).xreplace(size_vals)) for d in M.shape)
                mats[M.name] = _value(M, kinds.get(M.name, ""), r, c, rng)
            scalars = {s: _scalar_value(s, domains, rng, trial) for s in scal_syms}
            ev = Evaluator(mats, scalars, size_vals)
            lv, rv = ev(lhs), ev(rhs)
        except (NotRational, ZeroDivisionError, ValueError, TypeError, KeyError) as exc:
            notes.append(f"{plan}: {type(exc).__name__}")
            continue
        except Exception as exc:  # a singular matrix at this point (DMNonInvertibleMatrixError, ...)
            notes.append(f"{plan}: {type(exc).__name__}")
            continue
        lv = lv[0, 0].element if isinstance(lv, DomainMatrix) and not isinstance(rv, DomainMatrix) else lv
        rv = rv[0, 0].element if isinstance(rv, DomainMatrix) and not isinstance(lv, DomainMatrix) else rv
        if _same_value(lv, rv):
            agreed += 1
            continue
        cex = {str(s): str(v) for s, v in size_vals.items()}
        cex.update({name: _as_text(M) for name, M in mats.items()})
        cex.update({str(s): str(v) for s, v in scalars.items()})
        again = _recheck(lhs, rhs, size_vals, mats, scalars)
        if again is False:
            notes.append(f"{plan}: the exact re-check disagreed")
            continue
        notes.append("re-checked by plain SymPy on the explicit matrices" if again else
                     "exact rational arithmetic (too large for the second, explicit re-check)")
        return cex, agreed, notes
    return None, agreed, notes


def _same_value(a, b) -> bool:
    """Exact equality of two values (DomainMatrix ``==`` also compares the storage format)."""
    if isinstance(a, DomainMatrix) and isinstance(b, DomainMatrix):
        return a.shape == b.shape and a.to_list() == b.to_list()
    if isinstance(a, DomainMatrix) or isinstance(b, DomainMatrix):
        return False
    return a == b


def _recheck(lhs, rhs, size_vals, mats, scalars) -> Optional[bool]:
    """True when plain SymPy (explicit ``Matrix`` arithmetic) also finds the sides different; None if too big."""
    if any(M.shape[0] * M.shape[1] > 64 for M in mats.values()):
        return None
    values = {}
    for M in _matrix_symbols(lhs, rhs):
        concrete = MatrixSymbol(M.name, *(sp.sympify(d).xreplace(size_vals) for d in M.shape))
        values[concrete] = sp.ImmutableMatrix(mats[M.name].to_Matrix())
    values.update({s: sp.Rational(str(v)) for s, v in scalars.items()})

    from .matrix_calculus import explicit_value

    def explicit(e):  # SymPy's own Matrix arithmetic, node by node: another route than DomainMatrix
        scal = {k: v for k, v in values.items() if not isinstance(k, MatrixSymbol)}
        out = explicit_value(sp.sympify(e).xreplace(size_vals).xreplace(scal), values)
        return out if isinstance(out, sp.MatrixBase) else sp.Matrix([[out]])

    try:
        L, R = explicit(lhs), explicit(rhs)
        if L.shape != R.shape:
            return None
        return any(sp.nsimplify(x) != 0 for x in (L - R))
    except Exception:  # noqa: BLE001 - an independent route that cannot run says nothing
        return None


# --- entrywise at a concrete size ------------------------------------------------------------------------

def _symbolic_value(M: MatrixSymbol, kind: str, r: int, c: int):
    e = sp.IndexedBase(M.name)
    if kind == "symmetric":
        return sp.ImmutableMatrix(r, c, lambda i, j: e[min(i, j), max(i, j)])
    if kind == "diagonal":
        return sp.ImmutableMatrix(r, c, lambda i, j: e[i, i] if i == j else 0)
    return sp.ImmutableMatrix(r, c, lambda i, j: e[i, j])


def entrywise(lhs, rhs, kinds, size_vals: dict) -> Optional[bool]:
    """True when every entry of ``lhs - rhs`` expands to 0 with symbolic entries at these sizes."""
    if any(kinds.get(M.name) in ("orthogonal", "orthonormal columns") for M in _matrix_symbols(lhs, rhs)) or \
            "orthonormal" in kinds.values():
        return None
    values = {}
    for M in _matrix_symbols(lhs, rhs):
        r, c = (int(sp.sympify(d).xreplace(size_vals)) for d in M.shape)
        concrete = MatrixSymbol(M.name, r, c)
        values[concrete] = _symbolic_value(M, kinds.get(M.name, ""), r, c)

    from .matrix_calculus import explicit_value

    def explicit(e):
        out = explicit_value(sp.sympify(e).xreplace(size_vals), values)
        return out if isinstance(out, sp.MatrixBase) else sp.Matrix([[out]])

    L, R = explicit(lhs), explicit(rhs)
    if L.shape != R.shape:
        return None
    return all(_coefficient_zero(x) for x in (L - R))


# --- the decision ------------------------------------------------------------------------------------

def matrix_kinds(domains: Mapping) -> dict:
    """``{name: kind}`` for the matrix hypotheses among the parsed assumptions."""
    out = {}
    for name, dom in domains.items():
        text = getattr(dom, "text", dom)
        if text in KINDS:
            out[name] = text
    return out


def _carry_out(e):
    from .matrix_calculus import MatrixDerivative, carry_out_derivatives

    if isinstance(e, sp.Basic) and (e.has(sp.Derivative) or e.has(MatrixDerivative)):
        return carry_out_derivatives(e)
    return e


def decide_matrices(lhs, rhs, kinds: Mapping[str, str], rules=(), define: Optional[Mapping] = None,
                    relation: str = "==", domains: Optional[Mapping] = None) -> Optional[dict]:
    """A verdict (as a dict of :class:`~derive.engine.equivalence.Verdict` fields), or None to
    let the scalar ladder go on (nothing decided here and nothing wrong found)."""
    start = time.perf_counter()
    if relation != "==":
        return None
    if define:
        for _ in range(8):
            new_l, new_r = lhs.xreplace(define), sp.sympify(rhs).xreplace(define)
            if (new_l, new_r) == (lhs, rhs):
                break
            lhs, rhs = new_l, new_r
    lhs, rhs = _carry_out(lhs), _carry_out(rhs)
    check_shapes(lhs, rhs, relation)
    present = {M.name for M in _matrix_symbols(lhs, rhs)}
    used = tuple(f"{n} {k}" for n, k in sorted(kinds.items()) if n in present)
    sizes = sorted(shape_sizes(lhs, rhs), key=str)
    used += tuple(f"{s} positive integer" for s in sizes)
    if lhs.has(Inverse) or sp.sympify(rhs).has(Inverse) or lhs.has(MatPow) or sp.sympify(rhs).has(MatPow):
        used += ("every inverse written exists",)

    def verdict(status, method, **kw):
        return dict(status=status, method=method, seconds=time.perf_counter() - start, assumptions=used, **kw)

    if isinstance(lhs, BlockMatrix) or isinstance(rhs, BlockMatrix) or lhs.has(BlockMatrix) or \
            sp.sympify(rhs).has(BlockMatrix):
        lhs, rhs = _collapse(lhs), _collapse(rhs)
    method = None
    try:
        method = _blockwise(lhs, rhs, kinds, rules)
    except (TypeError, ValueError, AttributeError, NotImplementedError, RecursionError) as exc:
        if isinstance(exc, ShapeMismatch):
            raise
    if method is not None:
        return verdict("proved", method, numerically_consistent=None)
    general_rules = [r for r in rules]
    if general_rules:  # a point must satisfy the rules to refute; the probe cannot promise that
        return None
    cex, agreed, notes = probe_matrices(lhs, rhs, kinds, domains=domains)
    if cex is not None:
        return verdict("refuted", "exact values at concrete sizes (rational matrices): " + notes[-1],
                       counterexample=cex, numerically_consistent=False, detail="; ".join(notes[:-1]))
    if agreed and not (lhs.has(sp.Derivative) or sp.sympify(rhs).has(sp.Derivative)):
        literal = not sizes
        held = []
        for base in ((2, 3) if sizes else (None,)):
            size_vals = {s: sp.Integer(base) for s in sizes}
            try:
                ok = entrywise(lhs, rhs, kinds, size_vals)
            except (TypeError, ValueError, AttributeError, NotImplementedError, KeyError, ZeroDivisionError):
                ok = None
            if not ok:
                held = []
                break
            held.append(base)
        if held and literal:
            return verdict("proved", "entrywise with symbolic entries at the declared sizes",
                           numerically_consistent=True)
        if held:
            at = ", ".join(f"{'='.join([','.join(map(str, sizes)), str(b)])}" for b in held)
            return verdict("unknown", f"holds entrywise with symbolic entries at {at} only "
                                      f"(a proof for those sizes, not for every size)",
                           numerically_consistent=True, detail=f"agreed at {agreed} points")
    return None


def _collapse(e):
    try:
        return sp.block_collapse(e) if isinstance(e, MatrixExpr) else e
    except (TypeError, ValueError, AttributeError, NotImplementedError):
        return e


def _blockwise(lhs, rhs, kinds, rules) -> Optional[str]:
    if isinstance(lhs, BlockMatrix) and isinstance(rhs, BlockMatrix) and lhs.blockshape == rhs.blockshape:
        for i in range(lhs.blockshape[0]):
            for j in range(lhs.blockshape[1]):
                a, b = lhs.blocks[i, j], rhs.blocks[i, j]
                if not _same_shape(a.shape, b.shape):
                    return None
                if canonical_proof(a, b, kinds, rules) is None:
                    return None
        return "block by block, non-commutative canonical form"
    if isinstance(lhs, BlockMatrix) or isinstance(rhs, BlockMatrix):
        return None
    return canonical_proof(lhs, rhs, kinds, rules)


def matrix_equal(lhs, rhs, assume: Optional[Mapping[str, str]] = None, define: Optional[Mapping] = None,
                 rules=(), timeout: float = 10.0) -> dict:
    """Decide ``lhs = rhs`` for matrix expressions; the API of the reader (see the module docstring).

    Shapes are checked here, in the caller's process (:class:`ShapeMismatch`); the decision runs
    in the bounded worker. Returns the verdict's fields as a dict (``status``, ``method``,
    ``counterexample``, ...); "unknown" when nothing here decides it.
    """
    from .worker import run_bounded

    kinds = {}
    for name, k in (assume or {}).items():
        k = " ".join(str(k).lower().split())
        if k not in KINDS:
            raise ValueError(f"unknown matrix hypothesis {k!r} for {name!r}: use one of {', '.join(KINDS)}")
        kinds[str(name)] = k
    d_l, d_r = lhs, rhs
    if define:
        d_l, d_r = lhs.xreplace(dict(define)), sp.sympify(rhs).xreplace(dict(define))
    check_shapes(d_l, d_r)
    status, value, _ = run_bounded(_decide_bounded, (lhs, rhs, kinds, tuple(rules), dict(define or {})), {}, timeout)
    if status == "done" and value is not None:
        return value
    if status == "done":
        return {"status": "unknown", "method": "no canonical form reached zero; the probe found no difference",
                "numerically_consistent": None}
    return {"status": "unknown", "method": f"time bound of {timeout:g} s reached" if status == "timeout"
            else f"the checker failed: {value}"}


def _decide_bounded(lhs, rhs, kinds, rules, define, progress=lambda info: None):
    return decide_matrices(lhs, rhs, kinds, rules, define)
