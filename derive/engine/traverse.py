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


def carry_out_subs(expr):
    """``expr`` with every ``Subs`` of a concrete expression carried out (``doit``).

    SymPy compares two ``Subs`` through their expression with the variables renamed, and that
    comparison can call two different substitutions equal (seen: the partial derivatives of
    one network's loss with respect to two different biases, at one point). Every dict, set
    and ``==`` downstream would then merge them, so a false step could be "identical". A
    ``Subs`` whose expression holds no undefined function is carried out here, at the
    engine's door, by a walk keyed on object identity (never on SymPy's equality); one of an
    undefined function (``g'(u)``) has no other form and stays.
    """
    from sympy.core.function import AppliedUndef

    if isinstance(expr, sp.MatrixBase):  # entry by entry: applyfunc would merge "equal" entries
        return sp.ImmutableMatrix(expr.rows, expr.cols, [carry_out_subs(v) for v in expr])
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Subs):
        return expr
    memo: dict = {}

    def go(x):
        hit = memo.get(id(x))
        if hit is not None:
            return hit[1]
        if isinstance(x, sp.Subs) and not x.expr.has(AppliedUndef):
            out = x.doit()
        elif x.args and not isinstance(x, sp.Subs):
            args = [go(a) if isinstance(a, sp.Basic) else a for a in x.args]
            out = x.func(*args) if any(a is not b for a, b in zip(args, x.args)) else x
        else:
            out = x
        memo[id(x)] = (x, out)  # the key object is kept alive, so its id is not reused
        return out

    return go(expr)
