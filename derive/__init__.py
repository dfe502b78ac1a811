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
    "Verdict": "derive.engine.equivalence",
    "equal": "derive.engine.equivalence",
    "sigmoid": "derive.calculus.functions",
    "relu": "derive.calculus.functions",
    "relu_prime": "derive.calculus.functions",
    "logit": "derive.calculus.functions",
    "Proof": "derive.proofs.proof",
    "Report": "derive.proofs.proof",
    "Step": "derive.proofs.proof",
    "theorem": "derive.proofs.proof",
    "parse_latex": "derive.reading.parse",
    "grade": "derive.grading.grade",
    "layer_symbol": "derive.calculus.notation",
    "layer_indexed": "derive.calculus.notation",
    "dense_unit": "derive.calculus.nn",
    "two_layer_network": "derive.calculus.nn",
    "delta_rule": "derive.calculus.nn",
    "network": "derive.calculus.nn",
    "conv1d_same": "derive.calculus.nn",
    "conv2d_same": "derive.calculus.nn",
    "residual_block": "derive.calculus.nn",
    "latex": "derive.proofs.latex",
    "compare": "derive.engine.equivalence",
    "implies": "derive.engine.implication",
    "Context": "derive.reading.parse",
}

__all__ = ["DeriveError", "LatexParseError", *_LAZY]


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'derive' has no attribute {name!r}")
