"""derive: machine-checked derivations of deep learning, in SymPy.

``from derive import equal, Proof, sigmoid, relu`` gives the decision procedure,
proof objects and activations; heavier parts (the LaTeX parser, the grader, the
network builders) are imported on first use so that ``derive check`` starts fast.
"""
from __future__ import annotations

import importlib

from .equivalence import Verdict, equal
from .errors import DeriveError, LatexParseError
from .functions import logit, relu, relu_prime, sigmoid

__version__ = "0.1.0"

_LAZY = {
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

__all__ = ["Verdict", "equal", "DeriveError", "LatexParseError", "sigmoid", "relu", "relu_prime",
           "logit", *_LAZY]


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'derive' has no attribute {name!r}")
