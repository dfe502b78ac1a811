"""What a user without derive would write, as comparable functions for the benchmarks.

Each runs in a bounded worker process of its own (one per baseline; :func:`derive.equal`
has the shared pool's), on the same expressions with the same domains applied, so that
only the decision itself differs.
"""
from __future__ import annotations

import time

import sympy as sp

from ..engine.equivalence import apply_domains
from ..engine.worker import Worker


def _plain_simplify(lhs, rhs, domains, progress=None):
    lhs, rhs, _ = apply_domains(lhs, rhs, domains)
    return sp.simplify(lhs - rhs) == 0


def _sympy_equals(lhs, rhs, domains, progress=None):
    lhs, rhs, _ = apply_domains(lhs, rhs, domains)
    return lhs.equals(rhs)


BASELINES = {"simplify(a - b) == 0": _plain_simplify, "a.equals(b)": _sympy_equals}


_WORKERS: dict = {}


def run_baseline(name: str, lhs, rhs, domains, timeout: float = 10.0):
    """``(answer, seconds)``: True / False / None (undecided or timed out)."""
    worker = _WORKERS.setdefault(name, Worker())
    start = time.perf_counter()
    status, value, _ = worker.call(BASELINES[name], (lhs, rhs, domains), {}, timeout)
    seconds = time.perf_counter() - start
    if status != "done":
        return None, seconds
    return value, seconds
