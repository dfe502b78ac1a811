"""Layer-indexed names: ``w^{(2)}_{kj}`` is weight ``kj`` of layer 2, not ``w`` squared.

A layer index is kept in the *name* (``"w^(2)"``), so it survives every SymPy
operation and pickling, and :class:`~derive.proofs.latex.DerivePrinter` prints it as a
parenthesised superscript. Names of this shape are atomic: a subscript or superscript
is never split off or merged.
"""
from __future__ import annotations

import re

import sympy as sp

LAYER_NAME = re.compile(r"^(?P<base>[A-Za-z\\][A-Za-z]*)\^\((?P<layer>[^()]+)\)(?:_(?P<sub>.+))?$")


def layer_name(base: str, layer) -> str:
    return f"{base}^({layer})"


def layer_indexed(base: str, layer, **assumptions) -> sp.IndexedBase:
    """``layer_indexed("w", 2)[k, j]`` prints as ``w^{(2)}_{kj}``."""
    assumptions.setdefault("real", True)
    return sp.IndexedBase(layer_name(base, layer), **assumptions)


def layer_symbol(base: str, layer, *indices, **assumptions) -> sp.Symbol:
    """One scalar, e.g. ``layer_symbol("a", 1, 2)`` is ``a^{(1)}_{2}``."""
    assumptions.setdefault("real", True)
    name = layer_name(base, layer)
    if indices:
        name += "_" + ",".join(str(i) for i in indices)
    return sp.Symbol(name, **assumptions)


def split_layer_name(name: str):
    """``(base, layer, subscript)`` for a layer-indexed name, else None."""
    m = LAYER_NAME.match(name)
    if not m:
        return None
    return m.group("base"), m.group("layer"), m.group("sub")


#: LaTeX for names that no rule can derive (``"dL/dz^(l+1)"`` -> ``\frac{\partial L}{...}``)
DISPLAY: dict = {}


def display_as(name: str, latex: str) -> str:
    """Register how a name prints in LaTeX; return the name."""
    DISPLAY[name] = latex
    return name


def latex_name(name: str, printer=None) -> str | None:
    """LaTeX for a layer-indexed (or registered) name, or None when the name is neither."""
    if name in DISPLAY:
        return DISPLAY[name]
    parts = split_layer_name(name)
    if parts is None:
        return None
    base, layer, sub = parts
    greek = {"delta": r"\delta", "sigma": r"\sigma", "alpha": r"\alpha", "lambda": r"\lambda"}
    text = f"{greek.get(base, base)}^{{({layer})}}"
    if sub:
        text += "_{" + "".join(sub.split(",")) + "}" if all(len(s) == 1 for s in sub.split(",")) \
            else "_{" + sub + "}"
    return text
