"""Walking expressions as graphs: each distinct sub-expression once.

SymPy's ``atoms`` and ``free_symbols`` walk the *tree*; the expressions of a composed
network share their inner layers thousands of times, so a tree walk repeats work that
a walk over distinct nodes (a DAG) does once.
"""
from __future__ import annotations

import sympy as sp

#: nodes that bind variables: their own ``free_symbols`` is used, not their insides
BINDERS = (sp.Subs, sp.Lambda, sp.Sum, sp.Product, sp.Derivative, sp.Integral)


def _walk(expr, stop=lambda x: False):
    """Distinct nodes of ``expr`` (a SymPy object or a matrix); not below a node where ``stop``."""
    roots = list(expr) if isinstance(expr, sp.MatrixBase) else [expr]
    seen, stack = set(), roots
    while stack:
        x = stack.pop()
        if not isinstance(x, sp.Basic) or x in seen:
            continue
        seen.add(x)
        yield x
        if not stop(x):
            stack.extend(x.args)


def nodes(expr):
    """Every distinct sub-expression of ``expr``, once."""
    return _walk(expr)


def atoms_of(expr, *types) -> set:
    return {x for x in nodes(expr) if isinstance(x, types)}


_LEAVES = BINDERS + (sp.Indexed, sp.Symbol, sp.MatrixSymbol)


def free_of(expr) -> set:
    """The free symbols (and free Indexed objects) of ``expr``, each node visited once."""
    out = set()
    for x in _walk(expr, stop=lambda x: isinstance(x, _LEAVES)):
        if isinstance(x, BINDERS):
            out |= x.free_symbols
        elif isinstance(x, sp.Indexed):
            out.add(x)
            out |= x.free_symbols - {x.base.label}
        elif isinstance(x, sp.Symbol):
            out.add(x)
        elif isinstance(x, sp.MatrixSymbol):
            out.add(x)
            out |= x.free_symbols - {x}
    return out


def has_any(expr, *types) -> bool:
    """``expr.has(*types)`` for classes, each distinct node visited once."""
    return any(isinstance(x, types) for x in nodes(expr))


def substitute(expr, mapping: dict):
    """``expr.xreplace(mapping)`` that also reaches inside ``Subs``.

    SymPy's ``Subs`` compares equal to a ``Subs`` whose point holds a same-named symbol
    with other assumptions, so ``xreplace`` (and the constructor cache) keep the old
    product and ``g'(z)`` would keep a different ``z`` than the rest of the formula. This
    walk rebuilds every changed node itself, each distinct node (by identity) once, with
    the cache cleared when a ``Subs`` is involved.
    """
    if not mapping:
        return expr
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(lambda e: substitute(e, mapping))
    if has_any(expr, sp.Subs):
        # Subs compares equal to a Subs whose point has a same-named symbol with other
        # assumptions, so SymPy's constructor cache would hand back the old product.
        from sympy.core.cache import clear_cache

        clear_cache()
    memo: dict = {}

    def rec(x):
        if not isinstance(x, sp.Basic):
            return x
        try:
            if x in mapping:
                return mapping[x]
        except TypeError:
            pass
        if not x.args:
            return x
        key = id(x)
        if key in memo:
            return memo[key][1]
        args = [rec(a) for a in x.args]
        out = x if all(a is b for a, b in zip(args, x.args)) else x.func(*args)
        memo[key] = (x, out)
        return out

    return rec(expr)
