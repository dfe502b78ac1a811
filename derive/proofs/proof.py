"""Proofs as chains: a given expression, then steps, each with the reason it holds.

Like Lean's ``calc``: a proof is the chain and the reason of each step, nothing else.
Each step is checked against the previous expression by :func:`derive.equal`; the
*link* (the chain starts at the claim's left side and ends at its right side) is
checked apart from the steps, and a broken link is reported as such.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Mapping, Optional

import sympy as sp

from ..engine.equivalence import Verdict, as_expr, compare
from ..engine.traverse import substitute

from .relations import RELATIONS


@dataclass(frozen=True)
class Step:
    """One line of a chain: the expression reached and why it equals the previous one.

    ``expect="refuted"`` marks a deliberately wrong line (a student's mistake shown in
    a solution sheet): the proof is ok only if the checker refutes it.
    """

    expr: object
    reason: str = ""
    expect: str = "proved"
    #: what the LaTeX shows instead of ``expr`` (an abbreviation of a large expression)
    display: object = None
    #: "=", ">=" or "<=": the previous expression relates to this one so
    rel: str = "="
    #: where the step was written (``file:line``), for failure messages
    where: str = field(default="", compare=False)


@dataclass(frozen=True)
class StepResult:
    index: int
    step: Step
    verdict: Verdict

    @property
    def status(self) -> str:
        return self.verdict.status

    @property
    def ok(self) -> bool:
        return self.verdict.status == self.step.expect

    def to_json(self) -> dict:
        from .latex import latex

        shown = self.step.display if self.step.display is not None else self.step.expr
        out = {"index": self.index, "latex": latex(shown), "reason": self.step.reason}
        out.update(self.verdict.to_json())
        if self.step.expect != "proved":
            out["expected"] = self.step.expect
        return out


@dataclass
class Report:
    """The outcome of checking one proof: a verdict per step, the first failure, the time."""

    proof: "Proof"
    steps: list = field(default_factory=list)
    link_error: str = ""
    seconds: float = 0.0
    #: why the chain proves nothing (it collapsed to ``x = x``), or ""
    vacuous: str = ""

    @property
    def ok(self) -> bool:
        return not self.link_error and not self.vacuous and all(s.ok for s in self.steps)

    def __bool__(self) -> bool:
        """``bool(report)`` is ``report.ok``: a failed proof is falsy."""
        return self.ok

    @property
    def first_failure(self) -> Optional[StepResult]:
        return next((s for s in self.steps if not s.ok), None)

    @property
    def status(self) -> str:
        if self.ok:
            return "proved"
        if self.vacuous:
            return "vacuous"
        failed = self.first_failure
        return failed.status if failed is not None else "broken link"

    def failure_text(self) -> str:
        """The first failure, for a terminal: where the step was written, both sides, the
        verdict, and the values of both sides at the counterexample."""
        if self.link_error:
            return f"    broken link: {self.link_error}"
        if self.vacuous:
            return f"    vacuous: {self.vacuous}"
        failed = self.first_failure
        if failed is None:
            return ""
        from .latex import latex

        def short(e):
            text = latex(e)
            return text if len(text) <= 400 else text[:400] + " ..."

        st = failed.step
        prev = next(p for i, _, p in self.proof.links() if i == failed.index)
        shown = st.display if st.display is not None else st.expr
        prev_shown = self.proof.shown_given if prev is self.proof.given_expr else prev
        where = f" at {st.where}" if st.where else ""
        lines = [f"    step {failed.index}{where} ({st.reason or 'no reason given'}): {failed.status}"
                 + (f" (expected {st.expect})" if st.expect != "proved" else ""),
                 *([f"      {_source_line(st.where)}"] if _source_line(st.where) else []),
                 f"      left:  {short(prev_shown)}",
                 f"      right: {short(shown)}",
                 f"      {failed.verdict.describe()}"]
        if failed.verdict.counterexample is not None:
            from .pointvalues import values_at

            vals = values_at(self.proof.unfold(prev), self.proof.unfold(st.expr), failed.verdict.counterexample)
            if vals is not None:
                of = f" ({vals[0]})" if vals[0] else ""
                lines.append(f"      there{of}: left = {vals[1]}, right = {vals[2]}")
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        from .notebook import report_latex

        return report_latex(self)

    def _repr_html_(self) -> str:
        from .notebook import report_html

        return report_html(self)

    def methods(self) -> list:
        return [s.verdict.method for s in self.steps]

    def to_json(self) -> dict:
        out = {"name": self.proof.name, "title": self.proof.title, "ok": self.ok,
               "seconds": round(self.seconds, 3),
               "steps": [{"index": 0, "latex": _latex(self.proof.shown_given), "status": "given"}]
               + [s.to_json() for s in self.steps]}
        failed = self.first_failure
        out["first_error"] = failed.index if failed is not None else None
        if self.link_error:
            out["link_error"] = self.link_error
        if self.vacuous:
            out["vacuous"] = self.vacuous
        return out


def _latex(e) -> str:
    from .latex import latex

    return latex(e)


def _short(e, most: int = 80) -> str:
    text = _latex(e)
    return text if len(text) <= most else text[:most] + " ..."


def _source_line(where: str) -> str:
    """The text of the source line ``file:line`` (the step as written), or ""."""
    import linecache

    path, _, line = where.rpartition(":")
    return linecache.getline(path, int(line)).strip() if line.isdigit() else ""


def _caller() -> str:
    """``file:line`` of the code that called into this module (where a step was written)."""
    import sys

    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else ""


class Proof:
    """A named chain of equalities with reasons and assumptions.

    >>> from sympy import Symbol, exp
    >>> from derive import sigmoid
    >>> z = Symbol("z")
    >>> p = Proof("sigmoid_neg", "sigma(-z) = 1 - sigma(z)", assume={"z": "real"})
    >>> _ = p.given(sigmoid(-z)).step(1/(1 + exp(z)), "definition of sigma")
    >>> _ = p.step(1 - 1/(1 + exp(-z)), "add and subtract 1").step(1 - sigmoid(z), "definition")
    >>> p.check().ok
    True
    """

    def __init__(self, name: str, title: str = "", assume: Optional[Mapping[str, object]] = None,
                 claim: Optional[sp.Eq] = None, family: str = "", note: str = "", timeout: float = 10.0,
                 define: Optional[Mapping] = None, appendix: str = ""):
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"a proof's name must be an identifier such as 'sigmoid_neg', not {name!r}")
        self.name = name
        self.title = title or name
        self.assume = dict(assume or {})
        self.claim = claim
        self.family = family
        self.note = note
        self.timeout = timeout
        #: definitions ``{symbol: expression}`` substituted into every step before it is checked
        self.define = dict(define or {})
        #: raw LaTeX shown after the chain (tables of values, remarks)
        self.appendix = appendix
        self.given_expr = None
        self.given_display = None
        self.given_reason = ""
        self.steps: list[Step] = []

    def given(self, expr, reason: str = "", display=None) -> "Proof":
        """The expression the chain starts from (``display``: what the LaTeX shows instead)."""
        if self.given_expr is not None:
            raise ValueError(f"{self.name}: given() called twice")
        self.given_expr = as_expr(expr, "given expression")
        self.given_reason = reason
        self.given_display = as_expr(display, "display") if display is not None else None
        return self

    def step(self, expr, reason: str, expect: str = "proved", display=None, rel: str = "=") -> "Proof":
        """The next expression in the chain, equal to the previous one because of ``reason``."""
        if self.given_expr is None:
            raise ValueError(f"{self.name}: call given() before step()")
        if expect not in ("proved", "refuted"):
            raise ValueError("expect must be 'proved' or 'refuted'")
        if rel not in RELATIONS:
            raise ValueError(f"rel must be one of {tuple(RELATIONS)}")
        shown = as_expr(display, "display") if display is not None else None
        self.steps.append(Step(as_expr(expr, "step expression"), reason, expect, shown, rel, _caller()))
        return self

    @property
    def shown_given(self):
        return self.given_display if self.given_display is not None else self.given_expr

    @property
    def result(self):
        """The claim proved: the given expression equals the last one."""
        final = [s for s in self.steps if s.expect == "proved"]
        last = (final[-1].display if final[-1].display is not None else final[-1].expr) if final \
            else self.shown_given
        return sp.Eq(self.shown_given, last, evaluate=False)

    @property
    def result_relation(self) -> Optional[str]:
        """The relation of the whole chain: = unless some step is an inequality; None when
        the chain mixes ``\\geq`` and ``\\leq`` (``a >= b <= c`` relates ``a`` and ``c`` in no way)."""
        rels = {s.rel for s in self.steps if s.expect == "proved"} - {"="}
        if len(rels) > 1:
            return None
        return RELATIONS[rels.pop()][1] if rels else "="

    def links(self):
        """``(index, step, expression it follows)``: the chain as the checker walks it (a
        deliberately wrong step is not followed)."""
        prev = self.given_expr
        for i, st in enumerate(self.steps, start=1):
            yield i, st, prev
            if st.expect == "proved":
                prev = st.expr

    def unfold(self, expr):
        """``expr`` with the proof's definitions substituted (repeatedly, for nested ones)."""
        for _ in range(8):
            new = substitute(expr, self.define) if self.define else expr
            if new == expr:
                return new
            expr = new
        return expr

    def _link_error(self) -> str:
        if self.given_expr is None or not self.steps:
            return "the chain is empty"
        if self.result_relation is None:
            return "the chain mixes >= and <= steps: it proves no relation between its ends"
        if self.claim is not None:
            lhs, rhs = self.claim.lhs, self.claim.rhs
            if self.given_expr != lhs:
                return "the chain does not start at the claim's left side"
            final = [s for s in self.steps if s.expect == "proved"]
            if not final or final[-1].expr != rhs:
                return "the chain does not end at the claim's right side"
        return ""

    def vacuity(self) -> str:
        """Why the chain proves nothing, or "": every step is the given expression, or the
        result reads ``x = x``. It happens when SymPy evaluates a chain away as it is built
        (``sqrt(t)**2`` with t > 0 is t at once): build steps unevaluated (``Derivative(...)``,
        ``Sum(...)``, ``Mul(..., evaluate=False)``). A chain of deliberately wrong lines only
        (a refutation) is not vacuous: its point is the refutation."""
        proved = [s for s in self.steps if s.expect == "proved"]
        if self.given_expr is None or not proved:
            return ""
        given = self.given_expr
        if all(s.expr == given for s in proved):
            return (f"every step is the given expression {_short(given)}: SymPy evaluated the chain away; "
                    f"build the steps unevaluated (Derivative(...), Sum(...), evaluate=False)")
        r = self.result
        if r.lhs == r.rhs or proved[-1].expr == given:
            return (f"the result is of the form x = x ({_short(r.lhs)} = {_short(r.rhs)}): the chain proves "
                    f"nothing; build the steps unevaluated (Derivative(...), Sum(...), evaluate=False)")
        return ""

    def check(self, timeout: Optional[float] = None,
              on_step: Callable[[StepResult], None] = lambda r: None) -> Report:
        """Check every step against the previous expression; return the Report."""
        start = time.perf_counter()
        report = Report(self, link_error=self._link_error(), vacuous=self.vacuity())
        for i, st, prev in self.links():
            lhs, rhs = self.unfold(prev), self.unfold(st.expr)
            v = compare(lhs, rhs, RELATIONS[st.rel][0], assume=self.assume, timeout=timeout or self.timeout)
            res = StepResult(i, st, v)
            report.steps.append(res)
            on_step(res)
        report.seconds = time.perf_counter() - start
        return report

    def to_latex(self, report: Optional[Report] = None) -> str:
        from .latex import proof_latex

        return proof_latex(self, report)

    def _repr_latex_(self) -> str:
        from .latex import proof_latex

        return proof_latex(self, None, standalone_math=True)

    def __repr__(self) -> str:
        return f"Proof({self.name!r}, {len(self.steps)} steps)"


def theorem(fn: Optional[Callable] = None, *, family: str = ""):
    """Mark a function that builds a :class:`Proof` (with default sizes) for discovery."""

    def mark(f):
        f.__derive_theorem__ = {"family": family}
        return f

    return mark(fn) if fn is not None else mark
