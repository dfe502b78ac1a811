"""Symbolic certificates: rewrite chains that take ``lhs - rhs`` to exactly zero.

Each chain is a named sequence of SymPy rewrites, cheapest first. A chain proves a
step only when its result is structurally ``0`` (or a zero matrix): the name of the
chain is the step's ``method``, the certificate a reader can replay.

Sums over symbolic sizes get their own canonical form (:func:`canonical_sums`):
split sums over ``+``, pull out factors free of the index, rename every index to a
canonical one, and merge the sums that share limits. What is left inside the merged
sum is proved by *generalisation*: every remaining inner sum (an opaque sub-term) is
replaced by a fresh real symbol. An identity for every real ``u`` holds for ``u``
equal to that sub-term, so this is sound for proving; it is never used to refute.
"""
from __future__ import annotations

from typing import Callable, Optional

import sympy as sp
from sympy import Add, Mul, Sum, exp, log

from ..calculus.functions import logit, relu, sigmoid
from .traverse import free_of, has_any, substitute


UNEVALUATED = (sp.Derivative, sp.Subs, Sum, sp.Product, sp.Integral)


def doit(e):
    """``e.doit()`` only where something is left to do (a full ``doit`` rebuilds the tree)."""
    if isinstance(e, sp.MatrixBase):
        return e.applyfunc(doit) if has_any(e, *UNEVALUATED) else e
    return e.doit() if has_any(e, *UNEVALUATED) else e


def is_zero(e) -> bool:
    """True only when ``e`` is exactly zero as written (no numeric judgement)."""
    if isinstance(e, sp.MatrixBase):
        return all(is_zero(x) for x in e)
    if isinstance(e, sp.MatrixExpr):
        return isinstance(e, sp.ZeroMatrix)
    return e == 0 or e.is_zero is True


# --- activations to exponentials -------------------------------------------------

def to_exp(e):
    """Activations and hyperbolic functions written with ``exp`` and ``log``."""
    e = e.replace(sigmoid, lambda x: 1 / (1 + exp(-x)))
    e = e.replace(logit, lambda y: log(y / (1 - y)))
    e = e.replace(sp.tanh, lambda x: (exp(x) - exp(-x)) / (exp(x) + exp(-x)))
    e = e.replace(sp.sinh, lambda x: (exp(x) - exp(-x)) / 2)
    e = e.replace(sp.cosh, lambda x: (exp(x) + exp(-x)) / 2)
    e = e.replace(sp.sin, lambda x: (exp(sp.I * x) - exp(-sp.I * x)) / (2 * sp.I))
    e = e.replace(sp.cos, lambda x: (exp(sp.I * x) + exp(-sp.I * x)) / 2)
    return e


def to_piecewise(e):
    """ReLU, Heaviside, Max, Min and Abs written as Piecewise."""
    e = e.replace(relu, lambda a: sp.Piecewise((a, a > 0), (0, True)))
    return e.rewrite(sp.Piecewise)


def _cancel_logs(e):
    """Combine logs whose arguments SymPy knows positive, then cancel inside them."""
    e = sp.logcombine(e, force=False)
    return e.replace(lambda x: isinstance(x, log), lambda x: log(sp.cancel(sp.together(x.args[0]))))


def rational_exp(e):
    e = to_exp(doit(e))
    e = sp.powsimp(sp.expand(e))
    e = sp.cancel(sp.together(e))
    if has_any(e, log):
        e = sp.cancel(sp.together(sp.expand(_cancel_logs(e))))
    return e


def _exp_key(arg):
    """The primitive part of an exponent: exp(-u) and exp(u/2) share the key u."""
    coeff, prim = sp.factor_terms(arg).as_coeff_Mul()
    if prim.could_extract_minus_sign():
        prim = -prim
    return prim


def grouped_rational_exp(e):
    """Cancel independent groups of terms apart: a sum of zeros is zero.

    After rewriting to ``exp``, terms are linked when they share an exponent's primitive
    part or a symbol outside every exponent; each linked group must cancel on its own.
    Any partition works for soundness; this one keeps each cancellation small, so a
    network of M units costs M small cancellations instead of one of size M.
    """
    e = to_exp(doit(e))
    e = sp.expand(e, power_exp=False, power_base=False, log=False)
    terms = list(Add.make_args(e))
    if len(terms) < 4:
        return rational_exp(e)
    parent = list(range(len(terms)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict = {}
    for n, t in enumerate(terms):
        exps = [x for x in sp.preorder_traversal(t) if isinstance(x, exp)]
        tokens = {("exp", _exp_key(x.args[0])) for x in exps}
        inside = set().union(*[free_of(x) for x in exps]) if exps else set()
        tokens |= {("sym", s) for s in free_of(t) - inside}
        for tok in tokens:
            if tok in owner:
                parent[find(n)] = find(owner[tok])
            else:
                owner[tok] = n
    groups: dict = {}
    for n, t in enumerate(terms):
        groups.setdefault(find(n), []).append(t)
    for g in groups.values():
        if not is_zero(rational_exp(Add(*g))):
            return rational_exp(e) if len(groups) == 1 else sp.S.One
    return sp.S.Zero


def _piece_is_zero(piece, region) -> bool:
    """A piece vanishes where it applies: identically, or on an empty region, or at a point."""
    if sp.simplify(piece) == 0:
        return True
    region = sp.simplify(region)
    if region is sp.false:
        return True
    parts = region.args if isinstance(region, sp.And) else (region,)
    for eq in parts:  # on a region inside a point x = v, the piece is its value there
        if isinstance(eq, sp.Eq) and isinstance(eq.lhs, sp.Symbol) and eq.rhs.is_number:
            return sp.simplify(piece.subs(eq.lhs, eq.rhs)) == 0
    return False


def piecewise_simplify(e):
    """Piecewise forms folded; zero when every piece vanishes on the region where it applies."""
    folded = sp.piecewise_fold(to_piecewise(doit(e)))
    if isinstance(folded, sp.Piecewise):
        earlier, ok = [], True
        for piece, cond in folded.args:
            region = sp.And(cond, *[sp.Not(c) for c in earlier])
            if not _piece_is_zero(piece, region):
                ok = False
                break
            earlier.append(cond)
        if ok:
            return sp.S.Zero
    return sp.simplify(folded)


def full_simplify(e):
    return sp.simplify(to_exp(doit(e)))


# --- sums over symbolic sizes --------------------------------------------------

def peel(s: Sum):
    """``(body, outermost limit)``: a multi-limit sum as one sum of a sum (SymPy would re-flatten it)."""
    if len(s.limits) == 1:
        return s.function, s.limits[0]
    return Sum(s.function, *s.limits[:-1]), s.limits[-1]


def _canonical_index(depth: int, lo, hi) -> sp.Symbol:
    return sp.Symbol(f"_i{depth}[{sp.sstr(lo)},{sp.sstr(hi)}]", integer=True)


def canonical_sums(e, depth: int = 0):
    """Sums split over ``+``, constant factors pulled out, indices renamed canonically."""
    if not isinstance(e, sp.Basic) or not has_any(e, Sum):
        return e
    if isinstance(e, Sum):
        body, (i, lo, hi) = peel(e)
        k = _canonical_index(depth, lo, hi)
        body = canonical_sums(substitute(body, {i: k}), depth + 1)
        body = sp.expand(body)
        terms = Add.make_args(body)
        out = []
        for t in terms:
            coeff, dep = [], []
            for f in Mul.make_args(t):
                (dep if f.has(k) else coeff).append(f)
            if not dep:
                out.append(Mul(*coeff) * (hi - lo + 1))
            else:
                out.append(Mul(*coeff) * Sum(Mul(*dep), (k, lo, hi)))
        return Add(*out)
    return e.func(*[canonical_sums(a, depth) for a in e.args])


def merge_sums(e):
    """Gather top-level terms ``c * Sum(f, L)`` with equal limits ``L`` into one Sum."""
    groups: dict = {}
    rest = []
    for t in Add.make_args(sp.expand(e)):
        sums = [f for f in Mul.make_args(t) if isinstance(f, Sum)]
        if len(sums) == 1:
            s = sums[0]
            coeff = Mul(*[f for f in Mul.make_args(t) if f is not s])
            groups.setdefault(s.limits, []).append(coeff * s.function)
        else:
            rest.append(t)
    return groups, Add(*rest)


def abstract_opaque(e):
    """Replace every remaining Sum/Product by a fresh real symbol (sound for proving)."""
    table: dict = {}

    def fresh(x):
        if x not in table:
            table[x] = sp.Dummy(f"s{len(table)}", real=True)
        return table[x]

    return e.replace(lambda x: isinstance(x, (Sum, sp.Product)), fresh), table


def eval_derivatives(e):
    """Carry out derivatives (and nothing else: sums stay sums)."""
    return e.replace(lambda x: isinstance(x, sp.Derivative), lambda x: x.doit(deep=False))


def eliminate_kronecker(e, indices: frozenset, enclosing: tuple = ()):
    """``sum_i f(i) [i = j] = f(j)`` when ``j`` surely lies in the range of ``i``.

    ``j`` qualifies when it is a declared valid index, or the variable of an enclosing
    sum over the same range. For any other ``j`` the delta is left alone.
    """
    if not has_any(e, sp.KroneckerDelta):
        return resolve_index_conditions(e, indices)

    def partner(delta, i, lo, hi, outer):
        a, b = delta.args[:2]
        other = b if a == i else a if b == i else None
        if other is None or other.has(i) or not other.free_symbols:
            return None
        if isinstance(other, sp.Symbol) and outer.get(other) == (lo, hi):
            return other
        names = {str(s) for s in other.free_symbols}
        return other if names <= indices else None

    def walk(x, outer):
        if isinstance(x, Sum):
            body, (i, lo, hi) = peel(x)
            inner = walk(body, {**outer, i: (lo, hi)})
            kept, done = [], []
            for t in Add.make_args(sp.expand(inner)):
                deltas = [f for f in Mul.make_args(t) if isinstance(f, sp.KroneckerDelta)]
                target = next((p for p in (partner(d, i, lo, hi, outer) for d in deltas) if p is not None), None)
                if target is None:
                    kept.append(t)
                else:
                    done.append(substitute(t, {i: target}))
            return Add(*done) + (Sum(Add(*kept), (i, lo, hi)) if kept else 0)
        if not x.args or not has_any(x, Sum):
            return x
        return x.func(*[walk(a, outer) for a in x.args])

    prev = None
    while prev != e:
        prev = e
        e = walk(e, dict(enclosing))
    return resolve_index_conditions(e, indices)


def resolve_index_conditions(e, indices: frozenset):
    """Drop range conditions ``1 <= j``, ``j <= n`` on declared indices from Piecewise.

    SymPy sums a Kronecker delta itself when it can, guarding the result with the
    index range; a declared index lies inside every range by assumption.
    """
    def is_range(c):
        if c is sp.true:
            return True
        if isinstance(c, sp.And):
            return all(is_range(a) for a in c.args)
        if isinstance(c, (sp.LessThan, sp.GreaterThan, sp.StrictLessThan, sp.StrictGreaterThan)):
            names = {str(s) for s in c.free_symbols}
            return bool(names & indices)
        return False

    def rule(pw):
        (first, cond), *rest = pw.args
        if is_range(cond) and rest and rest[-1][0] == 0:
            return first
        return pw

    return e.replace(lambda x: isinstance(x, sp.Piecewise), rule) if has_any(e, sp.Piecewise) else e


def sums_chain(e, inner: Callable, indices: frozenset = frozenset()) -> Optional[object]:
    """Prove ``e == 0`` by merging sums with equal limits and proving each summand."""
    e = eliminate_kronecker(eval_derivatives(e), indices)
    e = canonical_sums(e)
    e = eliminate_kronecker(e, indices)
    groups, rest = merge_sums(e)
    if not groups:
        body, _ = abstract_opaque(rest)
        return inner(body)
    parts = []
    for _, summands in groups.items():
        body, _ = abstract_opaque(Add(*summands))
        parts.append(inner(body))
    rest_body, _ = abstract_opaque(rest)
    parts.append(inner(rest_body))
    # zero only when every part is; otherwise a part that is not (never the first part blindly:
    # a zero first group beside a nonzero rest once "proved" X + 1 = X)
    return next((p for p in parts if not is_zero(p)), sp.S.Zero)


def drop_orthogonal_pairs(e, orthogonal: frozenset):
    """``U^T U = U U^T = I`` inside every matrix product, for the declared orthogonal ``U``."""
    def rule(m):
        args = list(m.args)
        changed = True
        while changed:
            changed = False
            for n in range(len(args) - 1):
                a, b = args[n], args[n + 1]
                for x, y in ((a, b), (b, a)):
                    if isinstance(x, sp.Transpose) and isinstance(y, sp.MatrixSymbol) and x.arg == y \
                            and y.name in orthogonal:
                        del args[n:n + 2]
                        changed = True
                        break
                if changed:
                    break
        return sp.MatMul(*args).doit() if args else sp.S.One

    return e.replace(lambda x: isinstance(x, sp.MatMul), rule)


def matrix_chain(e, orthogonal: frozenset):
    e = e.doit()
    if orthogonal:
        e = drop_orthogonal_pairs(e, orthogonal).doit()
    return e


def scalar_of(e):
    """A 1x1 matrix expression as its single entry (a sum over indices)."""
    return e[0, 0] if isinstance(e, sp.MatrixExpr) and e.shape == (1, 1) else e


def _small(e) -> bool:
    """Few enough terms for one global cancellation (it grows fast with the number of fractions)."""
    return len(Add.make_args(e)) <= 12


def _has_sums(e) -> bool:
    return has_any(e, Sum) or has_any(e, sp.KroneckerDelta)


def _has_pieces(e) -> bool:
    return has_any(e, relu, sp.Piecewise, sp.Heaviside, sp.Max, sp.Min, sp.Abs)


def _always(e) -> bool:
    return True


def _elementary():
    from . import elementary

    return [(name, lambda e, ix, f=fn: f(e), applies) for name, applies, fn in elementary.CHAINS]


#: ``(name, chain(e, indices), applies(e))``, cheapest first; the first to reach 0 proves.
CHAINS: list[tuple[str, Callable, Callable]] = [
    ("expand", lambda e, ix: sp.expand(doit(e)), _always),
    ("rewrite(exp), cancel", lambda e, ix: rational_exp(e) if _small(e) else sp.S.One, _always),
    ("rewrite(exp), cancel in independent groups", lambda e, ix: grouped_rational_exp(e), _always),
    ("sums merged, inner sums generalised, rewrite(exp), cancel",
     lambda e, ix: sums_chain(e, rational_exp, ix), _has_sums),
    ("rewrite(Piecewise), simplify", lambda e, ix: piecewise_simplify(e), _has_pieces),
    ("sums merged, inner sums generalised, simplify", lambda e, ix: sums_chain(e, full_simplify, ix), _has_sums),
    *_elementary(),
    ("rewrite(exp), simplify", lambda e, ix: full_simplify(e), _always),
]


def is_nonnegative(e) -> bool:
    """A sign certificate: sums and products of terms SymPy knows to be nonnegative."""
    if e.is_nonnegative is True:
        return True
    if isinstance(e, Add):
        return all(is_nonnegative(a) for a in e.args)
    if isinstance(e, Mul):
        return all(is_nonnegative(a) for a in e.args)
    if isinstance(e, Sum):
        return is_nonnegative(e.function)
    if isinstance(e, sp.Pow) and e.exp.is_even:
        return e.base.is_real is True or e.base.is_extended_real is True
    return False


ORDER_CHAINS: list[tuple[str, Callable]] = [
    ("expand, every term nonnegative", lambda e: sp.expand(doit(e))),
    ("factor, every factor nonnegative", lambda e: sp.factor(sp.expand(doit(e)))),
    ("simplify, nonnegative", lambda e: sp.simplify(doit(e))),
]


def certify_order(lhs, rhs, relation: str, on_try: Callable[[str], None] = lambda name: None) -> Optional[str]:
    """Prove ``lhs >= rhs`` (or ``<=``) by showing the difference nonnegative term by term."""
    if relation not in (">=", "<="):
        return None
    diff = lhs - rhs if relation == ">=" else rhs - lhs
    for name, chain in ORDER_CHAINS:
        on_try(name)
        try:
            if is_nonnegative(chain(diff)):
                return name
        except (NotImplementedError, TypeError, ValueError, AttributeError, RecursionError):
            continue
    return None


def certify_pair(lhs, rhs, on_try: Callable[[str], None] = lambda name: None,
                 indices: frozenset = frozenset(), orthogonal: frozenset = frozenset()) -> Optional[str]:
    """Like :func:`certify` on ``lhs - rhs``, with matrix expressions handled first."""
    lm, rm = isinstance(lhs, sp.MatrixExpr), isinstance(rhs, sp.MatrixExpr)
    if lm and rm and not isinstance(lhs, sp.MatrixBase) and not isinstance(rhs, sp.MatrixBase):
        on_try("matrix identities")
        try:
            if is_zero(matrix_chain(lhs - rhs, orthogonal)):
                return "matrix identities" + (" (orthogonality)" if orthogonal else "")
        except (TypeError, ValueError, AttributeError, NotImplementedError):
            pass
    if lm != rm:
        lhs = scalar_of(matrix_chain(lhs, orthogonal) if lm else lhs)
        rhs = scalar_of(matrix_chain(rhs, orthogonal) if rm else rhs)
        if isinstance(lhs, sp.MatrixExpr) or isinstance(rhs, sp.MatrixExpr):
            return None
        m = certify(lhs - rhs, on_try, indices)
        return f"1x1 matrix as its entry, {m}" if m else None
    return certify(lhs - rhs, on_try, indices)


def certify(diff, on_try: Callable[[str], None] = lambda name: None,
            indices: frozenset = frozenset()) -> Optional[str]:
    """The name of the first chain that takes ``diff`` to zero, else None.

    A matrix is proved entry by entry (every entry must reach zero).
    """
    if isinstance(diff, sp.MatrixBase):
        methods = []
        for entry in diff:
            m = certify(entry, on_try, indices)
            if m is None:
                return None
            methods.append(m)
        return "entrywise: " + ", ".join(dict.fromkeys(methods))
    for name, chain, applies in CHAINS:
        if not applies(diff):
            continue
        on_try(name)
        try:
            r = chain(diff, indices)
        except (NotImplementedError, TypeError, ValueError, AttributeError,
                sp.PolynomialError, RecursionError, ZeroDivisionError):
            continue
        if r is not None and is_zero(r):
            return name
    return None
