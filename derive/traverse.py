"""Walking expressions as graphs: each distinct sub-expression once.

SymPy's ``atoms`` and ``free_symbols`` walk the *tree*; the expressions of a composed
network share their inner layers thousands of times, so a tree walk repeats work that
a walk over distinct nodes (a DAG) does once.
"""
from __future__ import annotations

import sympy as sp

#: nodes that bind variables: their own ``free_symbols`` is used, not their insides
BINDERS = (sp.Subs, sp.Lambda, sp.Sum, sp.Product, sp.Derivative, sp.Integral)


def nodes(expr):
    """Every distinct sub-expression of ``expr`` (a SymPy object or a matrix), once."""
    roots = list(expr) if isinstance(expr, sp.MatrixBase) else [expr]
    seen, stack = set(), roots
    while stack:
        x = stack.pop()
        if not isinstance(x, sp.Basic) or x in seen:
            continue
        seen.add(x)
        yield x
        stack.extend(x.args)


def atoms_of(expr, *types) -> set:
    return {x for x in nodes(expr) if isinstance(x, types)}


def free_of(expr) -> set:
    """The free symbols (and free Indexed objects) of ``expr``, each node visited once."""
    out = set()
    roots = list(expr) if isinstance(expr, sp.MatrixBase) else [expr]
    seen, stack = set(), roots
    while stack:
        x = stack.pop()
        if not isinstance(x, sp.Basic) or x in seen:
            continue
        seen.add(x)
        if isinstance(x, BINDERS):
            out |= x.free_symbols
            continue
        if isinstance(x, sp.Indexed):
            out.add(x)
            out |= x.free_symbols - {x.base.label}
            continue
        if isinstance(x, sp.Symbol):
            out.add(x)
            continue
        if isinstance(x, sp.MatrixSymbol):
            out.add(x)
            out |= x.free_symbols - {x}
            continue
        stack.extend(x.args)
    return out


def has_any(expr, *types) -> bool:
    """``expr.has(*types)`` for classes, each distinct node visited once."""
    return any(isinstance(x, types) for x in nodes(expr))
