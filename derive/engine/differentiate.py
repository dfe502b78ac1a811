"""Derivatives carried out over the expression DAG, each distinct node once.

Why: SymPy's ``Derivative.doit`` walks the *tree* and differentiates every ``Indexed``
leaf through ``KroneckerDelta`` algebra; a gradient of a small convolutional network
(a few hundred distinct nodes, shared many times) took most of a second per entry.
Here ``d/dv`` is the usual rules (sum, product, power, chain rule with each function's
own ``fdiff``), memoised on nodes; a leaf is 1 when it is ``v`` and 0 when it is another
symbol or an entry with other numeric indices. Anything else (sums, piecewise forms,
entries with symbolic indices, ...) is left to SymPy's own ``diff`` on that node.
"""
from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef

from .traverse import has_any


#: One instance per ``Subs`` by its arguments: SymPy compares two ``Subs`` by printing their
#: canonical variables (milliseconds each), so equal ones are made identical once, cheaply.
_SUBS: dict = {}


def intern_subs(e):
    """``e`` with every ``Subs`` replaced by the one instance with the same arguments."""
    if isinstance(e, sp.Subs):
        if len(_SUBS) > 100000:
            _SUBS.clear()
        return _SUBS.setdefault(e.args, e)
    if not e.args or not any(isinstance(a, sp.Subs) or a.has(sp.Subs) for a in e.args if isinstance(a, sp.Basic)):
        return e
    args = [intern_subs(a) for a in e.args]
    return e if all(a is b for a, b in zip(args, e.args)) else e.func(*args)


def _numeric_entry(x) -> bool:
    return isinstance(x, sp.Indexed) and all(i.is_Integer for i in x.indices)


def _plain_variable(v) -> bool:
    return isinstance(v, sp.Symbol) or _numeric_entry(v)


def derivative(e, v):
    """``d e / d v`` for a symbol or a numerically indexed entry ``v``."""
    memo: dict = {}

    def d(x):
        got = memo.get(x)
        if got is not None:
            return got
        got = memo[x] = rule(x)
        return got

    def rule(x):
        if x == v:
            return sp.S.One
        if isinstance(x, (sp.Symbol, sp.Number, sp.NumberSymbol)):
            return sp.S.Zero
        if _numeric_entry(x):
            if _numeric_entry(v) or (isinstance(v, sp.Symbol) and v != x.base.label):
                return sp.S.Zero
            return x.diff(v)
        if isinstance(x, sp.Add):
            return sp.Add(*[d(a) for a in x.args])
        if isinstance(x, sp.Mul):
            args = x.args
            terms = []
            for n, a in enumerate(args):
                da = d(a)
                if da != 0:
                    terms.append(sp.Mul(*args[:n], da, *args[n + 1:]))
            return sp.Add(*terms)
        if isinstance(x, sp.Pow):
            b, k = x.args
            db, dk = d(b), d(k)
            if dk == 0:
                return k * b ** (k - 1) * db if db != 0 else sp.S.Zero
            return x * (dk * sp.log(b) + k * db / b)
        if _undefined_derivative_at(x) and len(x.variables) == 1:
            # g^(n)(u) is a function of u alone: d/dv g^(n)(u) = g^(n+1)(u) du/dv
            du = d(x.point[0])
            if du == 0:
                return sp.S.Zero
            var = x.variables[0]
            return intern_subs(sp.Subs(sp.Derivative(x.expr.expr, *x.expr.variables, var), x.variables, x.point)) * du
        if isinstance(x, sp.Function) and not isinstance(x, sp.Piecewise):
            terms = []
            for n, a in enumerate(x.args, 1):
                da = d(a)
                if da != 0:
                    try:
                        terms.append(intern_subs(x.fdiff(n)) * da)
                    except (sp.ArgumentIndexError, NotImplementedError, TypeError, ValueError):
                        return x.diff(v)
            return sp.Add(*terms)
        return x.diff(v)

    return d(e)


def carry_out(e, memo: dict | None = None):
    """Every ``Derivative`` in ``e`` carried out (innermost first); other unevaluated
    objects are left as they are. ``memo`` may be shared by calls on parts of one DAG."""
    if isinstance(e, sp.MatrixBase):
        shared: dict = {}
        return e.applyfunc(lambda x: carry_out(x, shared)) if has_any(e, sp.Derivative) else e
    if not isinstance(e, sp.Basic) or not has_any(e, sp.Derivative):
        return e
    memo = {} if memo is None else memo

    def walk(x):
        got = memo.get(x)
        if got is not None:
            return got
        if isinstance(x, sp.Derivative):
            inner = walk(x.expr)
            if all(_plain_variable(v) for v, _ in x.variable_count) and not has_any(inner, sp.Derivative):
                out = inner
                for v, count in x.variable_count:
                    for _ in range(int(count)):
                        out = derivative(out, v)
            else:
                out = sp.Derivative(inner, *x.variable_count).doit()
        elif x.args and not isinstance(x, (sp.Subs, sp.Sum, sp.Product, sp.Integral, sp.Lambda)):
            args = [walk(a) for a in x.args]
            out = x if all(a is b for a, b in zip(args, x.args)) else x.func(*args)
        else:
            out = x
        memo[x] = out
        return out

    return walk(e)


def _undefined_derivative_at(x) -> bool:
    """``Subs(Derivative(g(_x), _x), _x, u)`` for an undefined ``g``: already as evaluated as it gets."""
    if not isinstance(x, sp.Subs) or not isinstance(x.expr, sp.Derivative):
        return False
    inner = x.expr.expr
    return isinstance(inner, AppliedUndef) and set(inner.args) <= set(x.variables)


def _needs_doit(e) -> bool:
    from .traverse import nodes

    for x in nodes(e):
        if isinstance(x, (sp.Sum, sp.Product, sp.Integral)):
            return True
        if isinstance(x, sp.Subs) and not _undefined_derivative_at(x):
            return True
        if isinstance(x, sp.Derivative) and not (isinstance(x.expr, AppliedUndef)
                                                 and all(v in x.expr.args for v in x.variables)):
            return True
    return False


_PLAIN = (sp.Add, sp.Mul, sp.Pow, sp.Function, sp.Indexed, sp.Tuple)


def evaluate(e, memo: dict | None = None):
    """``doit`` where there is something to do, over the DAG: derivatives by :func:`carry_out`,
    ``doit`` on each other unevaluated node alone, plain nodes rebuilt only when changed."""
    if isinstance(e, sp.MatrixBase):
        shared: dict = {}
        return e.applyfunc(lambda x: evaluate(x, shared))
    from .certificate import UNEVALUATED

    if not isinstance(e, sp.Basic) or not has_any(e, *UNEVALUATED):
        return e
    memo = {} if memo is None else memo
    inner_memo: dict = memo.setdefault("__carry__", {})

    def walk(x):
        got = memo.get(x)
        if got is not None:
            return got
        if isinstance(x, sp.Derivative) and isinstance(x.expr, AppliedUndef) \
                and all(v in x.expr.args for v in x.variables):
            out = x  # g'(z): nothing to carry out
        elif isinstance(x, sp.Derivative):
            out = carry_out(x, inner_memo)
            if _needs_doit(out):
                out = out.doit()
        elif _undefined_derivative_at(x):
            point = [walk(p) for p in x.point]
            out = x if all(a is b for a, b in zip(point, x.point)) else sp.Subs(x.expr, x.variables, point)
            out = intern_subs(out)
        elif isinstance(x, _PLAIN) and not isinstance(x, sp.Piecewise):
            args = [walk(a) for a in x.args]
            out = x if all(a is b for a, b in zip(args, x.args)) else x.func(*args)
        elif x.args and has_any(x, *UNEVALUATED):
            out = x.doit()
        else:
            out = x
        memo[x] = out
        return out

    return walk(e)
