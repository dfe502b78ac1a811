"""derive: machine-checked derivations of deep learning, in SymPy.

``from derive import equal, Proof, sigmoid, relu`` gives the decision procedure,
proof objects and activations. Every name is imported on first use (SymPy itself
included), so ``derive --help`` answers at once and ``derive check`` never loads the
LaTeX parser.
"""
from __future__ import annotations

import importlib

from .errors import DeriveError, LatexParseError

__version__ = "0.1.0"

_LAZY = {
    "Verdict": "derive.equivalence",
    "equal": "derive.equivalence",
    "sigmoid": "derive.functions",
    "relu": "derive.functions",
    "relu_prime": "derive.functions",
    "logit": "derive.functions",
    "Proof": "derive.proof",
    "Report": "derive.proof",
    "Step": "derive.proof",
    "theorem": "derive.proof",
    "parse_latex": "derive.parse",
    "grade": "derive.grade",
    "layer_symbol": "derive.notation",
    "layer_indexed": "derive.notation",
    "dense_unit": "derive.nn",
    "two_layer_network": "derive.nn",
    "delta_rule": "derive.nn",
    "network": "derive.nn",
    "conv1d_same": "derive.nn",
    "conv2d_same": "derive.nn",
    "residual_block": "derive.nn",
    "latex": "derive.latex",
    "compare": "derive.equivalence",
    "Context": "derive.parse",
}

__all__ = ["DeriveError", "LatexParseError", *_LAZY]


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'derive' has no attribute {name!r}")
