"""The decision procedure: ``equal(lhs, rhs, assume=...) -> Verdict``.

A ladder, cheapest rung first, each rung allowed to finish the job:

1. exact structural identity;
2. the numeric probe (:mod:`derive.engine.probe`): a point inside the assumed domains
   where the sides differ, confirmed at high precision, refutes the step;
3. symbolic certificates (:mod:`derive.engine.certificate`): a named rewrite chain that
   takes ``lhs - rhs`` to exactly zero proves it;
4. otherwise "unknown", saying whether the probe found the sides consistent.

"proved" never comes from numbers; "refuted" never from anything but a re-checked
point. Every call runs in a worker process with a hard time bound
(:mod:`derive.engine.worker`), so a runaway simplification is stopped, not just timed.

Symbols with no stated domain are taken as real (the variables of this field are),
and every verdict lists the assumptions it used.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Mapping, Optional

import sympy as sp

from .assumptions import Domain, domain_of_symbol, parse_assumptions, reconcile
from .certificate import Indices, certify_order, certify_pair
from .differentiate import evaluate
from .elementary import decide_constants, exact_decimals
from .matrices import check_shapes, decide_matrices, involves_matrices, matrix_kinds
from .normal_form import settle, settle_late
from .probe import probe, size_symbols
from .traverse import atoms_of, carry_out_subs, free_of, substitute
from .worker import run_bounded

STATUSES = ("proved", "refuted", "unknown")


@dataclass(frozen=True)
class Verdict:
    """The answer to one equality: its status, how it was decided, and the evidence."""

    status: str
    method: str
    counterexample: Optional[dict] = None
    seconds: float = 0.0
    numerically_consistent: Optional[bool] = None
    assumptions: tuple = ()
    detail: str = ""
    #: where a proved identity may fail: the points the assumptions do not exclude at which a
    #: side is undefined (a divisor vanishes), e.g. ``("x ≠ 1",)`` for (x^2-1)/(x-1) = x + 1
    conditions: tuple = ()

    def __bool__(self) -> bool:
        """True only when proved: ``if equal(a, b):`` runs for a certificate, never for an
        undecided ("unknown") or a refuted equality. Read ``status`` to tell those apart."""
        return self.status == "proved"

    _MARKS = {"proved": "✓", "refuted": "✗", "unknown": "?"}

    def _repr_latex_(self) -> str:
        text = f"{self._MARKS[self.status]} {self.status} ({self.method})"
        if self.counterexample:
            text += "; at " + ", ".join(f"{k} = {v}" for k, v in self.counterexample.items())
        escapes = {"\\": r"\textbackslash ", "_": r"\_", "{": r"\{", "}": r"\}", "^": r"\^{}", "$": r"\$",
                   "%": r"\%", "#": r"\#", "&": r"\&", "~": r"\~{}"}
        return r"$\text{%s}$" % "".join(escapes.get(ch, ch) for ch in text)

    def _repr_html_(self) -> str:
        import html

        return f"<p>{self._MARKS[self.status]} <b>{self.status}</b> — {html.escape(self.describe())}</p>"

    def describe(self) -> str:
        text = f"{self.status} ({self.method})"
        if self.counterexample:
            text += "; counterexample " + ", ".join(f"{k} = {v}" for k, v in self.counterexample.items())
        if self.status == "unknown" and self.numerically_consistent:
            text += "; numerically consistent"
        if self.assumptions or self.conditions:
            text += "; valid for " + ", ".join(self.assumptions + self.conditions)
        return text

    def to_json(self) -> dict:
        out = {"status": self.status, "method": self.method, "seconds": round(self.seconds, 4)}
        if self.counterexample is not None:
            out["counterexample"] = dict(self.counterexample)
        if self.numerically_consistent is not None:
            out["numerically_consistent"] = self.numerically_consistent
        if self.assumptions:
            out["assumptions"] = list(self.assumptions)
        if self.detail:
            out["detail"] = self.detail
        if self.conditions:
            out["conditions"] = list(self.conditions)
        return out


def as_expr(x, what: str = "expression"):
    """A SymPy object from a SymPy object or a Python number; never from a string."""
    if isinstance(x, str):
        raise TypeError(f"{what} must be a SymPy expression, not a string (use derive.parse_latex)")
    if isinstance(x, sp.MatrixBase):
        return sp.ImmutableMatrix(carry_out_subs(sp.ImmutableMatrix(x)))
    if isinstance(x, sp.Basic):
        _refuse_non_numbers(x, what)
        return carry_out_subs(x)  # SymPy's equality of Subs is not to be trusted (see there)
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        if isinstance(x, int):
            return sp.Integer(x)
        if not math.isfinite(x):
            raise ValueError(f"{what} is {x}: not a number to compare")
        return sp.Rational(x)  # a float is its exact binary value, never its shortest repr
    raise TypeError(f"{what} must be a SymPy expression, got {type(x).__name__}")


def _refuse_non_numbers(x, what: str) -> None:
    """nan and zoo are not numbers: an equation containing them has no truth to decide."""
    bad = x.atoms(sp.core.numbers.NaN, sp.core.numbers.ComplexInfinity) if not x.is_Atom else (
        {x} if x in (sp.nan, sp.zoo) else set())
    if bad:
        raise ValueError(f"{what} contains {sorted(map(str, bad))[0]}: not a number to compare")


def _free(e) -> set:
    return free_of(e)


def apply_domains(lhs, rhs, domains: Mapping[str, Domain]):
    """Put the assumed domains on the symbols; return the new sides and what was assumed."""
    sizes = size_symbols(lhs) | size_symbols(rhs)
    mapping, used = {}, []
    symbols = sorted((s for s in _free(lhs) | _free(rhs) if isinstance(s, sp.Symbol)), key=str)
    for s in symbols:
        if s.name in domains and not isinstance(s, sp.Dummy):
            dom = domains[s.name]
            mapping[s] = sp.Symbol(s.name, **dom.sympy_assumptions())
            used.append(dom.describe(s.name))
        elif s in sizes:
            if s.is_integer is None:
                mapping[s] = sp.Symbol(s.name, integer=True, positive=True)
            used.append(f"{s.name} positive integer")
        elif s.is_real is None and s.is_complex is None and s.is_commutative:
            # a Dummy stays a Dummy (two Dummy("x") are two symbols, never one by their name)
            mapping[s] = sp.Dummy(s.name, real=True) if isinstance(s, sp.Dummy) else sp.Symbol(s.name, real=True)
            used.append(f"{s.name} real")
        else:
            used.append(domain_of_symbol(s).describe(s.name))
    entries = {i for e in (lhs, rhs) for i in atoms_of(e, sp.Indexed)}
    used += [domains[str(i)].describe(str(i)) for i in sorted(entries, key=str) if str(i) in domains]
    bases = {i.base for i in entries}
    for b in sorted(bases, key=str):
        name = str(b.label)
        if name in domains:
            used.append(domains[name].describe(name))
            wanted = domains[name].sympy_assumptions()
            if any(getattr(b, f"is_{k}") is not v for k, v in wanted.items()):
                mapping[b] = sp.IndexedBase(name, **wanted)
        elif not b.is_real:
            mapping[b] = sp.IndexedBase(name, real=True)
            used.append(f"{name} real")
    if mapping:
        lhs, rhs = substitute(lhs, mapping), substitute(rhs, mapping)
    return lhs, rhs, tuple(dict.fromkeys(used))


RELATIONS = ("==", ">=", "<=")


def declared(domains, kind: str) -> frozenset:
    """The names whose assumption is ``kind`` ("index", "orthogonal"): what the chains may use."""
    return frozenset(n for n, d in domains.items() if d.text == kind)


def decide(lhs, rhs, domains, progress=lambda info: None, relation: str = "==", matrices: bool = True) -> Verdict:
    """The ladder itself, run in-process (``equal`` runs it in the worker)."""
    start = time.perf_counter()
    lhs, rhs, used = apply_domains(lhs, rhs, domains)
    indices = Indices.of(declared(domains, "index"), lhs, rhs)  # with the sums' limits before doit

    def verdict(status, method, **kw):
        return Verdict(status, method, seconds=time.perf_counter() - start, assumptions=used, **kw)

    if lhs == rhs:
        return verdict("proved", "identical (after SymPy's evaluation under the assumptions)")
    if matrices and involves_matrices(lhs, rhs):  # shapes, canonical form, exact probe (engine.matrices)
        settled = decide_matrices(lhs, rhs, matrix_kinds(domains), relation=relation, domains=domains)
        if settled is not None:
            v = Verdict(**{**settled, "assumptions": tuple(dict.fromkeys(used + settled["assumptions"]))})
            rest = decide(lhs, rhs, domains, progress, relation, False) if v.status == "unknown" else v
            return rest if rest.status != "unknown" else v
    if not (size_symbols(lhs) or size_symbols(rhs)):
        # once, for the probe and the certificate alike; derivatives over the DAG first
        lhs, rhs = evaluate(lhs), evaluate(rhs)
        if lhs == rhs:
            return verdict("proved", "identical after carrying out derivatives and sums")
    lhs, rhs = exact_decimals(lhs), exact_decimals(rhs)
    if relation == "==":
        settled = decide_constants(lhs, rhs)
        if settled is not None:
            status, method, detail = settled
            return verdict(status, method, counterexample={} if status == "refuted" else None,
                           numerically_consistent=status == "proved", detail=detail)
    tower = settle(lhs, rhs, domains) if relation == "==" else None  # cheapest complete rung first
    if tower is not None and tower["status"] == "proved":
        return verdict("proved", tower["method"], conditions=tower["conditions"])
    if tower is not None and tower["status"] == "refuted":
        return verdict("refuted", tower["method"], counterexample=tower["counterexample"],
                       numerically_consistent=False)
    found = probe(lhs, rhs, domains, relation=relation)
    if found.counterexample is not None:
        return verdict("refuted", "numeric probe, re-checked at high precision",
                       counterexample=found.counterexample, numerically_consistent=False,
                       detail="; ".join(found.notes))
    progress({"consistent": found.consistent, "agreed": found.agreed})
    if relation != "==":
        method = certify_order(lhs, rhs, relation, on_try=lambda name: progress({"trying": name}))
        if method is not None:
            return verdict("proved", method, numerically_consistent=found.consistent or None)
        return verdict("unknown", "no sign certificate", numerically_consistent=found.consistent)
    late = settle_late(lhs, rhs, domains)
    if late is not None:
        return verdict("proved", late["method"], numerically_consistent=found.consistent or None,
                       conditions=late["conditions"])
    method = certify_pair(lhs, rhs, on_try=lambda name: progress({"trying": name}),
                          indices=indices, orthogonal=declared(domains, "orthogonal"))
    if method is not None:
        gaps = ()
        if "each sign of the real symbols" in method and not isinstance(lhs, sp.MatrixBase):
            from .elementary import sign_case_gaps

            gaps = sign_case_gaps(lhs - rhs)  # the cases where a side has no value (Abs(x)/x at 0)
        return verdict("proved", method, numerically_consistent=found.consistent or None, conditions=gaps)
    return verdict("unknown", "no rewrite chain reached zero",
                   numerically_consistent=found.consistent,
                   detail=f"agreed at {found.agreed} points, {found.skipped} skipped")


#: Decided verdicts by (lhs, rhs, domains): a step checked twice in one process costs nothing.
#: Time-outs are never cached (a later call may have a larger bound).
_CACHE: dict = {}


def _decide_in_worker(lhs, rhs, domains, relation, progress):
    return decide(lhs, rhs, domains, progress, relation)


def check_timeout(timeout) -> None:
    """A time bound is a positive, finite number of seconds (``inf`` and ``nan`` are refused)."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not math.isfinite(timeout) \
            or timeout <= 0:
        raise ValueError("timeout must be a positive, finite number of seconds")


def equal(lhs, rhs, assume: Optional[Mapping[str, object]] = None, timeout: float = 10.0) -> Verdict:
    """Decide ``lhs = rhs`` within ``timeout`` seconds (see :func:`compare`).

    >>> from sympy import Symbol, tanh
    >>> from derive import sigmoid
    >>> a = Symbol("a")
    >>> equal(tanh(a), 2*sigmoid(2*a) - 1).status
    'proved'
    >>> equal(tanh(a), 2*sigmoid(a) - 1).status
    'refuted'
    """
    return compare(lhs, rhs, "==", assume=assume, timeout=timeout)


def compare(lhs, rhs, relation: str = "==", assume: Optional[Mapping[str, object]] = None,
            timeout: float = 10.0) -> Verdict:
    """Decide ``lhs relation rhs`` (``==``, ``>=`` or ``<=``) within ``timeout`` seconds."""
    if relation not in RELATIONS:
        raise ValueError(f"relation must be one of {RELATIONS}")
    lhs, rhs = as_expr(lhs, "lhs"), as_expr(rhs, "rhs")
    domains = reconcile(parse_assumptions(assume), lhs, rhs)
    check_timeout(timeout)
    if involves_matrices(lhs, rhs):
        check_shapes(lhs, rhs, relation)  # a mismatch raises ShapeMismatch here, naming both shapes
    start = time.perf_counter()
    key = (lhs, rhs, relation, tuple(sorted(domains.items())))
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    if lhs == rhs:
        _, _, used = apply_domains(lhs, rhs, domains)
        return Verdict("proved", "identical", seconds=time.perf_counter() - start, assumptions=used)
    status, value, progress = run_bounded(_decide_in_worker, (lhs, rhs, domains, relation), {}, timeout)
    elapsed = time.perf_counter() - start
    if status == "done":
        verdict = Verdict(**{**value.__dict__, "seconds": elapsed})
        if len(_CACHE) < 4096 and not (lhs.has(sp.Subs) or rhs.has(sp.Subs)):  # see carry_out_subs
            _CACHE[key] = verdict
        return verdict
    consistent = next((p["consistent"] for p in progress if "consistent" in p), None)
    tried = [p["trying"] for p in progress if "trying" in p]
    if status == "timeout":
        where = f" while trying {tried[-1]}" if tried else ""
        return Verdict("unknown", f"time bound of {timeout:g} s reached{where}", seconds=elapsed,
                       numerically_consistent=consistent or None)
    if str(value).startswith("MemoryError"):
        value = "out of memory (the process's memory bound was reached)"
    return Verdict("unknown", f"the checker failed: {value}", seconds=elapsed,
                   numerically_consistent=consistent or None)
