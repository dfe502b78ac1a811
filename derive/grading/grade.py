"""Grading a person's derivation: which lines follow, which do not, and why.

A document is read into rows (display math split at ``\\\\``, chains ``a = b = c``,
``&=`` continuations), each row's ``\\text{...}`` kept as its stated reason, ``let``
and ``:=`` rows turned into definitions, and a ``% derive:`` header read for
assumptions and function letters. Every step is then checked against the previous
expression by :func:`derive.equal`; rows joined by ``\\Rightarrow`` or ``\\iff`` are
equations, and the later one is checked to follow from the earlier (an equivalence
when one is a non-zero multiple of the other, an implication by the earlier equation's
polynomial ideal or a complete solution set, see :mod:`derive.engine.implication`).

The document is read by :mod:`derive.reading.document` (displays, rows, side remarks,
formulas with their places). One display is one chain. A row that cannot be read is
"unparsed" and ends the chain: the next readable row starts a new one, so a line garbled by
OCR is never the reason a correct line is called wrong, and no row is compared with one the
author did not relate it to.
"""
from __future__ import annotations

import os
import pickle
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import sympy as sp

from ..engine.equivalence import Verdict, check_timeout, equal
from ..errors import DeriveError, LatexParseError
from ..engine.traverse import substitute
from ..engine.worker import run_bounded
from .approx import rounded
from .search import grid_refute
from ..reading.document import Row, read_document, read_header  # noqa: F401  (read_header: the API)

MAX_FILE_BYTES = 256 * 1024


@dataclass
class GradedStep:
    index: int
    line: int
    latex: str
    status: str
    read_as: str = ""
    method: str = ""
    reason: str = ""
    relation: str = "="
    counterexample: Optional[dict] = None
    detail: str = ""
    assumptions: tuple = ()
    message: str = ""
    #: where a proved step may fail: points the assumptions leave in at which a side is undefined
    conditions: tuple = ()
    #: what was decided, ``(lhs, rhs, assume, relation)``, for benchmarks and mutation tests
    compared: Optional[tuple] = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict:
        out = {"index": self.index, "line": self.line, "latex": self.latex, "status": self.status}
        for key in ("read_as", "method", "reason", "detail", "message"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.relation != "=":
            out["relation"] = self.relation
        if self.counterexample is not None:
            out["counterexample"] = self.counterexample
        if self.assumptions:
            out["assumptions"] = list(self.assumptions)
        if self.conditions:
            out["conditions"] = list(self.conditions)
        return out


@dataclass
class GradeReport:
    file: str
    steps: list = field(default_factory=list)
    assume: dict = field(default_factory=dict)
    functions: list = field(default_factory=list)
    against: Optional[dict] = None
    seconds: float = 0.0

    @property
    def first_error(self) -> Optional[int]:
        return next((s.index for s in self.steps if s.status in ("refuted", "unknown", "unparsed")), None)

    @property
    def ok(self) -> bool:
        return self.first_error is None and (self.against is None or self.against.get("status") == "proved")

    def __bool__(self) -> bool:
        return self.ok

    def _repr_latex_(self) -> str:
        from .marked import report_latex

        return report_latex(self)

    def _repr_html_(self) -> str:
        from .marked import report_html

        return report_html(self)

    def to_json(self) -> dict:
        out = {"file": self.file, "steps": [s.to_json() for s in self.steps], "first_error": self.first_error}
        if self.assume:
            out["assume"] = self.assume
        if self.functions:
            out["functions"] = self.functions
        if self.against is not None:
            out["against"] = self.against
        return out


# --- reading the document ---------------------------------------------------------------------

def read_source(path: Path) -> str:
    """The file's text, or a DeriveError naming what is wrong with it.

    Only a regular file is read (``/dev/zero``, a named pipe or a socket is refused before
    any read, so nothing blocks or streams forever), and at most ``MAX_FILE_BYTES + 1``
    bytes of it.
    """
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer; fstat then says what it is
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise DeriveError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise DeriveError(f"{path}: not a regular file (a device, pipe or socket is not read)")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise DeriveError(f"{path}: cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise DeriveError(f"{path}: over {MAX_FILE_BYTES} bytes; derivations up to {MAX_FILE_BYTES} bytes "
                          f"are graded")
    if b"\x00" in data:
        at = data.index(b"\x00")
        line = data[:at].count(b"\n") + 1
        raise DeriveError(f"{path}:{line}: binary data (a NUL byte at byte {at}), not LaTeX")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise DeriveError(f"{path}:{line}: not UTF-8 text (byte {exc.start})") from None


def header_domains(assume: dict, file: str = "<input>") -> dict:
    """The header's assumptions keyed as the reader names things: ``w^{(2)}`` is the family
    ``w^(2)``, ``x_1`` the entry ``x[1]``, ``x_k`` the family ``x`` (every entry)."""
    from ..engine.assumptions import parse_domain
    from ..reading.parse import name_key

    out = {}
    for name, spec in assume.items():
        try:
            key = name_key(name)
        except (LatexParseError, ValueError, TypeError) as exc:
            raise DeriveError(f"{file}: cannot read the symbol name {name!r} ({exc})") from None
        out[key] = parse_domain(name, spec)
    return out


def read_rows(text: str, file: str = "<input>") -> list:
    """Every row of display math, with its line number, stated reason and formulas."""
    return read_document(text, file).rows


# --- parsing in the bounded worker --------------------------------------------------------------

def _parse_in_worker(text, functions, definitions, file, line, extra=None, progress=None):
    """Parse one formula where a runaway parse can be killed; errors come back as data."""
    from ..reading.notation import Context, read

    extra = extra or {}
    try:
        ctx = Context(set(functions), dict(definitions), file, line, assume=dict(extra.get("assume", {})),
                      bound=set(extra.get("bound", ())), positions=tuple(extra.get("positions", ())),
                      leibniz=bool(extra.get("leibniz")))
        expr, leaf = read(text, ctx)
        # what the caller will get: unpickling rebuilds (and so evaluates: factorial(99999))
        # every node, so rebuild here, under this worker's bound, and check what comes out
        expr = pickle.loads(pickle.dumps(expr))
        _check_size(expr)
        clash = _bound_clash(expr, definitions)
        if clash is not None:
            return ("error", f"{clash} is defined above and used here as a bound variable (a summation "
                             f"index or a variable of differentiation): rename one of them", None, None)
        return ("ok", expr, leaf)
    except LatexParseError as exc:
        return ("error", exc.message, exc.line, exc.column)
    except RecursionError:
        return ("error", "nested too deeply to read (Python's recursion limit)", None, None)
    except (ValueError, TypeError, AttributeError, NotImplementedError, OverflowError, IndexError, KeyError) as exc:
        return ("error", f"cannot read this formula ({type(exc).__name__})", None, None)


def _bound_clash(expr, definitions) -> Optional[str]:
    """The name of a defined symbol that ``expr`` binds (``let i = 3`` before ``\\sum_i``)."""
    if not definitions or not isinstance(expr, sp.Basic):
        return None
    names = {str(k) for k in definitions}
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Sum, sp.Product, sp.Integral)):
            bound = [lim[0] for lim in node.limits]
        elif isinstance(node, sp.Derivative):
            bound = [v for v, _ in node.variable_count]
        else:
            continue
        hit = next((str(b) for b in bound if str(b) in names), None)
        if hit is not None:
            return hit
    return None


MAX_BITS = 4000  # about 1200 decimal digits


def _bits(node) -> float:
    """An upper estimate of the binary size of a constant once SymPy computes it."""
    if isinstance(node, sp.Rational):
        return max(abs(node.p).bit_length(), node.q.bit_length())
    if isinstance(node, sp.Pow) and node.exp.is_Rational:
        return _bits(node.base) * max(1, abs(node.exp.p)) + _bits(node.exp)
    if isinstance(node, (sp.Add, sp.Mul)):
        return sum(_bits(a) for a in node.args) + len(node.args)
    return 64.0  # floats and the like: fixed size; pi, e, sqrt(2): evaluated only to a precision


def _check_size(expr) -> None:
    """Refuse numbers too large to compute with (``2^{2^{2^{100}}}``, ``9^{9^{9}}``) before
    anyone evaluates or prints them."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Rational) and max(abs(node.p).bit_length(), node.q.bit_length()) > MAX_BITS:
            raise LatexParseError("a number with more than 1200 digits")
        if isinstance(node, sp.Pow) and node.exp.is_number and node.base.is_number:
            e = node.exp
            if not e.is_Integer or abs(int(e)) > 10000:
                if node.base not in (0, 1, -1) and not (e.is_Rational and abs(e.q) < 1000 and abs(e.p) < 10000):
                    raise LatexParseError("a power too large to compute with")
            if node.base not in (0, 1, -1) and _bits(node) > MAX_BITS:
                raise LatexParseError("a power whose value has more than 1200 digits")


PARSE_CLOCK = [0.0]  # seconds spent reading formulas (the benchmark reads it)
LEAF_CLOCK = [0.0]   # of which in latex2sympy2, reading the arithmetic between the notation


def parse_row(text: str, functions, definitions, file, line, timeout: float, extra=None):
    t0 = time.perf_counter()
    try:
        return _parse_row(text, functions, definitions, file, line, timeout, extra)
    finally:
        PARSE_CLOCK[0] += time.perf_counter() - t0


def _parse_row(text: str, functions, definitions, file, line, timeout: float, extra=None):
    status, *rest = run_bounded(_parse_in_worker, (text, tuple(functions), definitions, file, line, extra), {},
                                timeout)
    if status == "timeout":
        return None, "reading this formula ran out of time"
    if status != "done":
        return None, f"the parser failed: {rest[0]}"
    value = rest[0]
    if value[0] == "ok":
        LEAF_CLOCK[0] += value[2]
        return value[1], ""
    where = ""
    if value[2] is not None and value[3] is not None:
        where = f" (line {value[2]}, column {value[3]})"
    elif value[3] is not None:
        where = f" (column {value[3]})"
    return None, value[1] + where


# --- grading ---------------------------------------------------------------------------------------

def _non_number(*exprs) -> Optional[str]:
    """``nan`` or ``zoo`` if an expression of the row is one of them (or contains one)."""
    for e in exprs:
        if isinstance(e, sp.Basic) and not isinstance(e, sp.MatrixBase):
            for bad in (sp.nan, sp.zoo):
                if e == bad or e.has(bad):
                    return str(bad)
    return None


def _strict(v: Verdict, prev, cur, rel: str, step_assume) -> Verdict:
    """A strict ``<``/``>`` from the verdict on its non-strict form.

    A counterexample to ``>=`` is one to ``>`` too. A proof of ``>=`` is no proof of ``>``
    (``x^2 >= 0`` but not ``x^2 > 0`` at 0): it stands only when SymPy's assumptions
    certify the difference positive for every value in the domains, else it is unknown.
    """
    if v.status != "proved":
        return v
    from ..engine.assumptions import parse_assumptions
    from ..engine.equivalence import apply_domains

    try:
        a, b, _ = apply_domains(prev, cur, parse_assumptions(step_assume))
        d = a - b if rel == ">" else b - a
        positive = d.is_positive or sp.expand(d).is_positive
    except Exception:  # noqa: BLE001 - no certificate, no claim
        positive = None
    if positive:
        return Verdict("proved", v.method + "; strict: the difference is positive by its terms' signs",
                       assumptions=v.assumptions, conditions=v.conditions, seconds=v.seconds)
    ge = "≥" if rel == ">" else "≤"
    return Verdict("unknown", f"holds with {ge}; strictness not certified", assumptions=v.assumptions,
                   detail=v.method, seconds=v.seconds)


def _implication(prev_eq, eq, assume, timeout, both: bool = False):
    """Does ``eq`` follow from ``prev_eq``? Returns (Verdict, relation name).

    Decided by :func:`derive.engine.implication.implies`: proved only by a sound argument
    (a multiple, the ideal of a polynomial equation, a complete solution set), refuted only
    at a point where the earlier equation holds exactly and the later one fails.
    """
    from ..engine.implication import implies

    v, how = implies(prev_eq, eq, assume=assume, timeout=timeout)
    if both and v.status == "proved" and how != "<=>":
        # "\\iff" claims the converse too: it needs its own proof (x - 1 = 0 <=> x^2 - 1 = 0 fails at -1)
        back, back_how = implies(eq, prev_eq, assume=assume, timeout=timeout)
        if back.status == "proved":
            return Verdict("proved", f"both directions: ⇒ {v.method}; ⇐ {back.method}",
                           assumptions=v.assumptions, seconds=v.seconds + back.seconds), "<=>"
        if back.status == "refuted":
            return Verdict("refuted", f"the converse (⇐) fails: {back.method}", counterexample=back.counterexample,
                           numerically_consistent=False, assumptions=back.assumptions, detail=back.detail,
                           seconds=v.seconds + back.seconds), "<=>"
        return Verdict("unknown", f"⇒ proved ({v.method}); the converse ⇐ is not decided: {back.method}",
                       assumptions=v.assumptions, seconds=v.seconds + back.seconds), "<=>"
    if both and v.status != "refuted" and how != "<=>":
        return v, "<=>"
    return v, how if how in ("<=>", "=>", "holds") else "=>"


def grade_text(text: str, file: str = "<input>", against: Optional[str] = None, timeout: float = 10.0,
               proofs_path=None) -> GradeReport:
    """Grade a derivation given as LaTeX text."""
    from ..proofs.latex import latex

    start = time.perf_counter()
    if not text.strip():
        raise DeriveError(f"{file}:1: empty input")
    check_timeout(timeout)
    from ..reading.model import DocumentModel

    doc = read_document(text, file)
    header, functions, rows = doc.assume, doc.functions, doc.rows
    if not rows:
        raise DeriveError(f"{file}: no display math found")
    assume = header_domains(header, file)  # what the engine is told, keyed as the reader names things
    # what the reader is told: the same keys (families, entries), so "assume z complex" reaches it;
    # derivatives by a name stay as written (Partial) for the document model's graph
    extra = {"assume": {k: d.kind for k, d in assume.items()}, "bound": sorted(doc.bound), "leibniz": True}
    model = DocumentModel()
    model.table = doc.table

    def parse_chunk(chunk, line):
        return parse_row(chunk.text, functions, {}, file, line, timeout, {**extra, "positions": chunk.positions})

    def read_chunk(chunk, line):
        """A formula of the document, refused when it binds a name defined above (``let i = 3``
        before ``\\sum_i``)."""
        e, msg = model.parse(chunk, line)
        if e is not None:
            clash = _bound_clash(e, {**model.graph.as_dict(), **{f: None for f in model.graph.functions}})
            if clash is not None:
                return None, (f"{clash} is defined above and used here as a bound variable (a summation "
                              f"index or a variable of differentiation): rename one of them")
        return e, msg
    report = GradeReport(file=file, assume=header, functions=functions)
    model.start(assume, functions, rows, parse_chunk)
    assume = model.assume
    prev = None          # the expression the next step is compared with
    prev_eq = None       # the last equation, for => and <=> steps
    parsed_any = False
    first_expr = None
    chains: list = []    # [start, last expression, relations] of each chain, for --against
    index = 0
    display = None

    for row in rows:
        try:
            if row.display != display:     # one display is one chain
                display, prev, prev_eq = row.display, None, None
            model.display = row.display
            if row.error is not None:
                report.steps.append(GradedStep(index, row.line, row.text, "unparsed", message=row.error.message +
                                               f" (line {row.error.line}, column {row.error.column})"))
                index += 1
                prev = prev_eq = None
                continue
            parts = [(rel, c.text) for rel, c in row.parts]
            chunks = [c for _, c in row.parts]
            if row.definition and len(parts) == 2 and parts[1][0] in ("=", ":="):
                lhs, msg1 = read_chunk(chunks[0], row.line)
                rhs, msg2 = read_chunk(chunks[1], row.line)
                if lhs is not None and rhs is not None and model.definable(lhs, rhs):
                    note = model.define(lhs, rhs, row.line)
                    report.steps.append(GradedStep(index, row.line, row.text, "given", read_as=f"definition: "
                                                   f"{latex(lhs)} := {latex(rhs)}" + note, reason=row.reason))
                    index += 1
                    parsed_any = True
                    continue
            exprs = []
            unreadable = ""
            if len(parts) > 1 and parts[0][0] == "" and not parts[0][1].strip():
                parts, chunks = parts[1:], chunks[1:]  # "&= ..." continues the chain of the row before
            for (rel, text_), chunk in zip(parts, chunks):
                if not text_.strip():
                    exprs.append((rel, None, "an empty side"))
                    continue
                e, msg = read_chunk(chunk, row.line)
                exprs.append((rel, e, msg))
                if e is None:
                    unreadable = unreadable or msg
            is_equation = any(rel in ("=>", "<=>") for rel, _, _ in exprs)
            # each part: compare with the previous expression (chains) or with the previous equation
            k = 0
            while k < len(exprs):
                rel, e, msg = exprs[k]
                if rel in ("=>", "<=>") or (is_equation and rel == "" and k + 1 < len(exprs) and exprs[k + 1][0] == "="):
                    # an equation A = B (possibly after => or <=>)
                    if k + 1 < len(exprs) and exprs[k + 1][0] == "=":
                        e2 = exprs[k + 1][1]
                        shown = parts[k][1].strip() + " = " + parts[k + 1][1].strip()
                        if e is None or e2 is None:
                            report.steps.append(GradedStep(index, row.line, shown, "unparsed", reason=row.reason,
                                                           message=msg or exprs[k + 1][2]))
                            prev = prev_eq = None   # an unreadable row ends the chain
                        elif prev_eq is None or rel == "":
                            report.steps.append(GradedStep(index, row.line, shown, "given", reason=row.reason,
                                                           read_as=f"{latex(e)} = {latex(e2)}", relation="equation"))
                            prev_eq = (model.unfold(e), model.unfold(e2))
                            parsed_any = True
                        else:
                            eq = (model.unfold(e), model.unfold(e2))
                            v, how = _implication(prev_eq, eq, assume, timeout, both=rel == "<=>")
                            report.steps.append(_from_verdict(index, row, shown, v, f"{latex(e)} = {latex(e2)}",
                                                              relation=how if v.status == "proved" else rel))
                            prev_eq = eq
                            parsed_any = True
                        index += 1
                        k += 2
                        continue
                shown = parts[k][1].strip() if k < len(parts) else ""
                if rel == "" and k == 0 and e is not None and k + 1 < len(exprs) and exprs[k + 1][0] == "=" \
                        and exprs[k + 1][1] is not None and _is_name(e) and not model.known(e, row) \
                        and not exprs[k + 1][1].has(e):
                    # "y_k = ..." at the start of a chain names the right side: a definition, not a claim
                    e2 = exprs[k + 1][1]
                    note = model.define(e, e2, row.line)
                    report.steps.append(GradedStep(index, row.line, f"{shown} = {parts[k + 1][1].strip()}", "given",
                                                   read_as=f"definition: {latex(e)} := {latex(e2)}" + note,
                                                   reason=row.reason))
                    prev = model.unfold(e2)
                    first_expr = first_expr if first_expr is not None else prev
                    chains.append([prev, None, set()])
                    parsed_any = True
                    index += 1
                    k += 2
                    continue
                if e is None:
                    report.steps.append(GradedStep(index, row.line, shown, "unparsed", reason=row.reason,
                                                   message=msg, relation=rel))
                    prev = prev_eq = None           # an unreadable row ends the chain: never compare across it
                elif (rel == "" and k == 0) or prev is None:
                    # a row that starts with an expression (or a chain with nothing before it) starts anew
                    report.steps.append(GradedStep(index, row.line, shown, "given", read_as=latex(e),
                                                   reason=row.reason))
                    prev = model.unfold(e)
                    first_expr = first_expr if first_expr is not None else prev
                    chains.append([prev, None, set()])
                    parsed_any = True
                else:
                    cur = model.unfold(e)
                    step_assume = model.assume_for(_assume_for(assume, prev, cur), prev, cur)
                    written = model.decimals(parts[k][1]) if rel in ("=", "~") else None
                    non_number = _non_number(prev, cur)
                    if non_number:
                        v = Verdict("unknown", f"the row evaluates to {non_number}: not a number to compare")
                    elif written is not None:
                        v = rounded(prev, cur, written, rel, step_assume, timeout)
                    elif rel in ("=", "~"):
                        v = equal(prev, cur, assume=step_assume, timeout=timeout)
                        if v.status == "unknown":  # a claim wrong on one sign pattern of its gates
                            found = grid_refute(prev, cur, step_assume)
                            v = found if found is not None else v
                        if v.status == "proved" and not v.conditions:
                            gap = _undefined_on_one_side(prev, cur, step_assume)
                            v = gap if gap is not None else v
                    elif rel in ("<=", ">=", "<", ">"):
                        from ..engine.equivalence import compare

                        v = compare(prev, cur, {"<": "<=", ">": ">="}.get(rel, rel), assume=step_assume,
                                    timeout=timeout)
                        if rel in ("<", ">"):
                            v = _strict(v, prev, cur, rel, step_assume)
                    elif rel == "propto":
                        v = Verdict("unknown", "\\propto (proportional to) is not checkable: the factor is not written")
                    else:
                        v = Verdict("unknown", f"the relation {rel} is not checked")
                    if v.status == "refuted" and model.unrelated_partials(prev, cur):
                        v = Verdict("unknown", "the counterexample rests on derivatives the text does not relate "
                                               "(of one unknown quantity, of a name whose definition was not read, "
                                               "or a dependence it never writes): no network stands behind it",
                                    detail=f"not a counterexample: {v.counterexample}")
                    report.steps.append(_from_verdict(index, row, shown, v, latex(e), relation=rel,
                                                      compared=(prev, cur, step_assume, rel)))
                    used = model.ranges_used(prev, cur)
                    if used:  # the derivative w.r.t. w_j exists for the valid j only: say so
                        report.steps[-1].assumptions = tuple(report.steps[-1].assumptions) + used
                    if v.status == "refuted":  # the counterexample as a network (the derived values too)
                        net = model.network(v.counterexample)
                        step = report.steps[-1]
                        step.detail = "; ".join(filter(None, (step.detail, net)))
                    prev = cur
                    if chains:
                        chains[-1][1] = cur
                        chains[-1][2].add(rel)
                    parsed_any = True
                index += 1
                k += 1
        except RecursionError:   # a formula nested too deeply for some stage: this row's error, not the run's
            report.steps.append(GradedStep(index, row.line, row.text, "unparsed", message="nested too deeply to "
                                           f"check (Python's recursion limit) (line {row.line})"))
            index += 1
            prev = prev_eq = None

    checked = any(s.status in ("proved", "refuted", "unknown") for s in report.steps)
    if not checked and any(s.status == "unparsed" for s in report.steps) or not parsed_any:
        # nothing could be checked: the input itself is the problem, not a step of it
        bad = next((s for s in report.steps if s.status == "unparsed"), None)
        where = f"{file}:{bad.line}: " if bad else f"{file}: "
        raise DeriveError(where + (f"{bad.message}: {bad.latex[:80]}" if bad else "nothing could be read"))
    if against:
        report.against = _against(against, chains, assume, timeout, proofs_path)
    report.seconds = time.perf_counter() - start
    return report


def _is_name(e) -> bool:
    """A bare name (``y_k``, ``E(w)``, an opaque derivative): what a chain may start by defining."""
    from sympy.core.function import AppliedUndef

    return isinstance(e, (sp.Symbol, sp.Indexed)) or (isinstance(e, AppliedUndef) and
                                                      all(isinstance(a, (sp.Symbol, sp.Indexed)) for a in e.args))


def _index_only_symbols(*exprs) -> set:
    """Free symbols used only as subscripts (``z_i``, ``\\delta_{ij}``): the valid indices of the text."""
    in_index, elsewhere = set(), set()

    def walk(x, as_index):
        if isinstance(x, sp.Symbol):
            (in_index if as_index else elsewhere).add(x)
            return
        if isinstance(x, sp.Indexed):
            for ix in x.indices:
                walk(ix, True)
            return
        if isinstance(x, sp.KroneckerDelta):
            for ix in x.args:
                walk(ix, True)
            return
        for arg in x.args:
            if isinstance(arg, sp.Basic):
                walk(arg, as_index)

    free = set()
    for e in exprs:
        walk(e, False)
        free |= {s for s in e.free_symbols if isinstance(s, sp.Symbol)}
    return {s for s in in_index - elsewhere if s in free}


def _undefined_on_one_side(a, b, assume: dict) -> Optional[Verdict]:
    """"unknown" when one side is undefined at a real zero of its denominator where the other side is
    defined (``|x|/x = sign(x)`` at x = 0): an identity everywhere else is not one at that point.

    Conservative and cheap: one free real symbol with no stated domain, a polynomial denominator of
    degree at most 4; it can only withdraw a "proved", never refute."""
    if not (isinstance(a, sp.Expr) and isinstance(b, sp.Expr)):
        return None
    syms = a.free_symbols | b.free_symbols
    if len(syms) != 1:
        return None
    (s,) = syms
    if not isinstance(s, sp.Symbol) or assume.get(s.name, "real") != "real" or not s.is_real:
        return None
    for one, other, side in ((a, b, "left"), (b, a, "right")):
        try:
            den = sp.fraction(sp.together(one))[1]
            if den.is_number or not den.is_polynomial(s) or sp.degree(den, s) > 4:
                continue
            for z in sp.Poly(den, s).real_roots():
                here, there = one.subs(s, z), other.subs(s, z)
                if here.has(sp.nan, sp.zoo, sp.oo, -sp.oo) and there.is_finite:
                    return Verdict("unknown", f"the {side} side is undefined at {s} = {z} and the other is not",
                                   detail=f"equal wherever both are defined; at {s} = {z} only one side is")
        except (sp.PolynomialError, TypeError, ValueError, NotImplementedError, RecursionError):
            continue
    return None


def _assume_for(assume: dict, *exprs) -> dict:
    """The header's assumptions, plus "index" for every symbol the text uses only as a subscript."""
    extra = {s.name: "index" for s in _index_only_symbols(*exprs) if s.name not in assume}
    return {**assume, **extra} if extra else assume


def _from_verdict(index, row, shown, v: Verdict, read_as, relation="=", compared=None) -> GradedStep:
    return GradedStep(index, row.line, shown, v.status, read_as=read_as, method=v.method, reason=row.reason,
                      relation=relation, counterexample=v.counterexample, detail=v.detail,
                      assumptions=v.assumptions, conditions=v.conditions, compared=compared)


def _against(name, chains, assume, timeout, proofs_path):
    """Does one chain of the derivation establish the proof's result?

    A chain of equalities whose first and last expressions are the proof's two sides (in
    either order, up to the proof's assumptions and plain algebra, see :func:`_same`), its
    free symbols possibly renamed (a result about ``a`` is one about ``z``). Comparing
    ``first - last`` with ``lhs - rhs`` is not enough: both are 0 for every correct
    derivation of anything. The proof comes from the built-in proofs shipped with derive,
    or from the file or folder given explicitly (``--proofs PATH``); nothing is imported
    from the current folder.
    """
    from ..proofs.discover import builtin_path, discover, select

    entry = select(discover([proofs_path or builtin_path()]), [name])[0]
    proof = entry.build()
    if proof.result_relation != "=":
        return {"name": name, "status": "unknown", "detail": "the proof's result is not an equality"}
    final = [s for s in proof.steps if s.expect == "proved"]  # a step shown wrong on purpose is no result
    if not final:
        return {"name": name, "status": "unknown", "detail": "the proof has no result"}
    lhs, rhs = proof.unfold(proof.given_expr), proof.unfold(final[-1].expr)
    domains = {**proof.assume, **assume}
    candidates = [(a, b) for a, b, rels in chains if b is not None and rels <= {"="}]
    if not candidates:
        return {"name": name, "status": "unknown", "detail": "the derivation has no chain of equalities to compare"}
    for first, last, (side_l, side_r, doms) in ((f, g, r) for f, g in reversed(candidates)
                                                 for r in _renamings(lhs, rhs, domains, f, g)):
        for side1, side2 in ((side_l, side_r), (side_r, side_l)):
            if _same(first, side1, doms, timeout) and _same(last, side2, doms, timeout):
                return {"name": name, "status": "proved",
                        "method": "a chain of equalities runs from one side of the result to the other"}
    return {"name": name, "status": "unknown",
            "detail": "no chain of equalities in the derivation runs from one side of the result to the other"}


def _same(expr, side, domains, timeout) -> bool:
    """``expr`` is ``side`` as written, up to the assumptions and algebra (expand, cancel) but
    no rewriting of functions: "up to what the engine can prove" would accept any expression
    equal to the other side, so any chain starting at one side would pass."""
    status, value, _ = run_bounded(_same_in_worker, (expr, side, domains), {}, timeout)
    return status == "done" and value is True


def _same_in_worker(expr, side, domains, progress=None) -> bool:
    from ..engine.assumptions import parse_assumptions
    from ..engine.equivalence import apply_domains

    a, b, _ = apply_domains(expr, side, parse_assumptions(domains))
    if a == b:
        return True
    try:
        return sp.cancel(sp.expand(a - b)) == 0
    except (TypeError, ValueError, sp.PolynomialError):
        return False


def _renamings(lhs, rhs, domains, first, last, limit: int = 3):
    """The proof's sides (and assumptions) with its free symbols renamed to the chain's: a
    result about ``a`` is the same result about ``z`` (the names are bound by "for all")."""
    from itertools import permutations

    theirs = sorted((x for x in (lhs - rhs).free_symbols if isinstance(x, sp.Symbol)), key=str)
    ours = sorted((x for x in (first - last).free_symbols if isinstance(x, sp.Symbol)), key=str)
    yield lhs, rhs, domains
    if {x.name for x in theirs} == {x.name for x in ours} or len(theirs) != len(ours) or len(ours) > limit:
        return
    for perm in permutations(ours):
        mapping = {a: sp.Symbol(b.name, **a.assumptions0) for a, b in zip(theirs, perm)}
        renamed = dict(domains)
        for a, b in zip(theirs, perm):
            if a.name in domains:
                renamed[b.name] = domains[a.name]
                if a.name not in {x.name for x in perm}:
                    renamed.pop(a.name, None)
        yield substitute(lhs, mapping), substitute(rhs, mapping), renamed


def grade(path, against: Optional[str] = None, timeout: float = 10.0, proofs_path=None) -> GradeReport:
    """Grade one ``.tex`` file."""
    path = Path(path)
    return grade_text(read_source(path), file=str(path), against=against, timeout=timeout,
                      proofs_path=proofs_path)
