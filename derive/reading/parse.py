"""LaTeX in: the public entry of the reader (``parse_latex``), kept where callers import it.

The reader itself is three layers, one job each: :mod:`.tokens` (tokens with places),
:mod:`.tree` (groups, commands and their arguments, environments) and :mod:`.notation`
(the field's notation on the tree, latex2sympy2 for the arithmetic between); documents are
split into displays, rows and formulas by :mod:`.document`.
"""
from __future__ import annotations

from .notation import CONVENTIONAL_FUNCTIONS, Context, name_key, parse_latex

__all__ = ["Context", "parse_latex", "name_key", "CONVENTIONAL_FUNCTIONS"]
