"""Grading a person's derivation: which lines follow, which do not, and why.

A document is read into rows (display math split at ``\\\\``, chains ``a = b = c``,
``&=`` continuations), each row's ``\\text{...}`` kept as its stated reason, ``let``
and ``:=`` rows turned into definitions, and a ``% derive:`` header read for
assumptions and function letters. Every step is then checked against the previous
expression by :func:`derive.equal`; rows joined by ``\\Rightarrow`` or ``\\iff`` are
equations, and the later one is checked to follow from the earlier (an equivalence
when one is a non-zero multiple of the other, an implication when it holds after
solving the earlier for one of its symbols).

The document is read by :mod:`derive.reading.document` (displays, rows, side remarks,
formulas with their places). One display is one chain. A row that cannot be read is
"unparsed" and ends the chain: the next readable row starts a new one, so a line garbled by
OCR is never the reason a correct line is called wrong, and no row is compared with one the
author did not relate it to.
"""
from __future__ import annotations

import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import sympy as sp

from ..engine.equivalence import Verdict, equal
from ..errors import DeriveError, LatexParseError
from ..engine.traverse import substitute
from ..engine.worker import run_bounded
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
    """The file's text, or a DeriveError naming what is wrong with it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DeriveError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise DeriveError(f"{path}: {len(data)} bytes; derivations up to {MAX_FILE_BYTES} bytes are graded")
    if b"\x00" in data:
        at = data.index(b"\x00")
        line = data[:at].count(b"\n") + 1
        raise DeriveError(f"{path}:{line}: binary data (a NUL byte at byte {at}), not LaTeX")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise DeriveError(f"{path}:{line}: not UTF-8 text (byte {exc.start})") from None


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
                      bound=set(extra.get("bound", ())), positions=tuple(extra.get("positions", ())))
        expr, leaf = read(text, ctx)
        # what the caller will get: unpickling rebuilds (and so evaluates: factorial(99999))
        # every node, so rebuild here, under this worker's bound, and check what comes out
        expr = pickle.loads(pickle.dumps(expr))
        _check_size(expr)
        return ("ok", expr, leaf)
    except LatexParseError as exc:
        return ("error", exc.message, exc.line, exc.column)
    except RecursionError:
        return ("error", "too deeply nested", None, None)
    except (ValueError, TypeError, AttributeError, NotImplementedError, OverflowError, IndexError, KeyError) as exc:
        return ("error", f"cannot read this formula ({type(exc).__name__})", None, None)


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
        if isinstance(node, sp.Integer) and abs(node.p).bit_length() > MAX_BITS:
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

def _unfold(expr, definitions):
    for _ in range(6):
        new = substitute(expr, definitions) if definitions else expr
        if new == expr:
            return new
        expr = new
    return expr


def _implication(prev_eq, eq, assume, timeout):
    """Does ``eq`` follow from ``prev_eq``? Returns (Verdict, relation name)."""
    d1 = prev_eq[0] - prev_eq[1]
    d2 = eq[0] - eq[1]
    try:
        ratio = sp.cancel(sp.together(d2 / d1)) if d1 != 0 else None
    except (TypeError, ValueError, ZeroDivisionError, sp.PolynomialError):
        ratio = None
    if ratio is not None and ratio.is_number and ratio != 0 and ratio.is_finite:
        v = equal(d2, ratio * d1, assume=assume, timeout=timeout)
        if v.status == "proved":
            return v, "<=>"
    for s in sorted(d1.free_symbols, key=str):
        try:
            sols = sp.solve(sp.Eq(prev_eq[0], prev_eq[1]), s, dict=False)
        except (NotImplementedError, TypeError, ValueError):
            continue
        if isinstance(sols, list) and len(sols) == 1 and not isinstance(sols[0], (dict, tuple)):
            v = equal(eq[0].subs(s, sols[0]), eq[1].subs(s, sols[0]), assume=assume, timeout=timeout)
            if v.status in ("proved", "refuted"):
                return v, "=>"
    v = equal(eq[0], eq[1], assume=assume, timeout=timeout)
    return v, "=" if v.status != "proved" else "holds"


def grade_text(text: str, file: str = "<input>", against: Optional[str] = None, timeout: float = 10.0,
               proofs_path=None) -> GradeReport:
    """Grade a derivation given as LaTeX text."""
    from ..proofs.latex import latex

    start = time.perf_counter()
    if not text.strip():
        raise DeriveError(f"{file}:1: empty input")
    doc = read_document(text, file)
    assume, functions, rows = doc.assume, doc.functions, doc.rows
    if not rows:
        raise DeriveError(f"{file}: no display math found")
    extra = {"assume": assume, "bound": sorted(doc.bound)}

    def read_chunk(chunk, line):
        return parse_row(chunk.text, functions, definitions, file, line, timeout,
                         {**extra, "positions": chunk.positions})
    report = GradeReport(file=file, assume=assume, functions=functions)
    definitions: dict = {}
    prev = None          # the expression the next step is compared with
    prev_eq = None       # the last equation, for => and <=> steps
    parsed_any = False
    first_expr = last_expr = None
    index = 0
    display = None

    for row in rows:
        if row.display != display:     # one display is one chain
            display, prev, prev_eq = row.display, None, None
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
            if lhs is not None and rhs is not None and isinstance(lhs, (sp.Symbol, sp.Indexed, sp.Function)):
                definitions[lhs] = rhs
                report.steps.append(GradedStep(index, row.line, row.text, "given", read_as=f"definition: "
                                               f"{latex(lhs)} := {latex(rhs)}", reason=row.reason))
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
                        prev_eq = (_unfold(e, definitions), _unfold(e2, definitions))
                        parsed_any = True
                    else:
                        eq = (_unfold(e, definitions), _unfold(e2, definitions))
                        v, how = _implication(prev_eq, eq, assume, timeout)
                        report.steps.append(_from_verdict(index, row, shown, v, f"{latex(e)} = {latex(e2)}",
                                                          relation=how if v.status == "proved" else rel))
                        prev_eq = eq
                        parsed_any = True
                    index += 1
                    k += 2
                    continue
            shown = parts[k][1].strip() if k < len(parts) else ""
            if rel == "" and k == 0 and e is not None and k + 1 < len(exprs) and exprs[k + 1][0] == "=" \
                    and exprs[k + 1][1] is not None and _is_name(e) and e not in definitions \
                    and not exprs[k + 1][1].has(e):
                # "y_k = ..." at the start of a chain names the right side: a definition, not a claim
                e2 = exprs[k + 1][1]
                definitions[e] = e2
                report.steps.append(GradedStep(index, row.line, f"{shown} = {parts[k + 1][1].strip()}", "given",
                                               read_as=f"definition: {latex(e)} := {latex(e2)}", reason=row.reason))
                prev = _unfold(e2, definitions)
                first_expr = first_expr if first_expr is not None else prev
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
                prev = _unfold(e, definitions)
                first_expr = first_expr if first_expr is not None else prev
                parsed_any = True
            else:
                cur = _unfold(e, definitions)
                step_assume = _assume_for(assume, prev, cur)
                if rel in ("=", "~"):
                    v = equal(prev, cur, assume=step_assume, timeout=timeout)
                elif rel in ("<=", ">=", "<", ">"):
                    from ..engine.equivalence import compare

                    v = compare(prev, cur, {"<": "<=", ">": ">="}.get(rel, rel), assume=step_assume,
                                timeout=timeout)
                elif rel == "propto":
                    v = Verdict("unknown", "\\propto (proportional to) is not checkable: the factor is not written")
                else:
                    v = Verdict("unknown", f"the relation {rel} is not checked")
                report.steps.append(_from_verdict(index, row, shown, v, latex(e), relation=rel,
                                                  compared=(prev, cur, step_assume, rel)))
                prev = cur
                last_expr = cur
                parsed_any = True
            index += 1
            k += 1
    checked = any(s.status in ("proved", "refuted", "unknown") for s in report.steps)
    if not checked and any(s.status == "unparsed" for s in report.steps) or not parsed_any:
        # nothing could be checked: the input itself is the problem, not a step of it
        bad = next((s for s in report.steps if s.status == "unparsed"), None)
        where = f"{file}:{bad.line}: " if bad else f"{file}: "
        raise DeriveError(where + (f"{bad.message}: {bad.latex[:80]}" if bad else "nothing could be read"))
    if against:
        report.against = _against(against, first_expr, last_expr, assume, timeout, proofs_path)
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


def _assume_for(assume: dict, *exprs) -> dict:
    """The header's assumptions, plus "index" for every symbol the text uses only as a subscript."""
    extra = {s.name: "index" for s in _index_only_symbols(*exprs) if s.name not in assume}
    return {**assume, **extra} if extra else assume


def _from_verdict(index, row, shown, v: Verdict, read_as, relation="=", compared=None) -> GradedStep:
    return GradedStep(index, row.line, shown, v.status, read_as=read_as, method=v.method, reason=row.reason,
                      relation=relation, counterexample=v.counterexample, detail=v.detail,
                      assumptions=v.assumptions, compared=compared)


def _against(name, first, last, assume, timeout, proofs_path):
    """Compare the derivation's result (first = last) with a built-in proof's result."""
    from ..proofs.discover import DEFAULT_PATH, discover, select

    entry = select(discover([proofs_path or DEFAULT_PATH]), [name])[0]
    proof = entry.build()
    if first is None or last is None:
        return {"name": name, "status": "unknown", "detail": "the derivation has no result to compare"}
    lhs, rhs = proof.unfold(proof.given_expr), proof.unfold(proof.steps[-1].expr)
    v = equal(first - last, lhs - rhs, assume={**proof.assume, **assume}, timeout=timeout)
    if v.status != "proved":
        v2 = equal(last, rhs, assume={**proof.assume, **assume}, timeout=timeout)
        if v2.status == "proved":
            v = v2
    return {"name": name, "status": v.status, "method": v.method, **(
        {"counterexample": v.counterexample} if v.counterexample else {})}


def grade(path, against: Optional[str] = None, timeout: float = 10.0, proofs_path=None) -> GradeReport:
    """Grade one ``.tex`` file."""
    path = Path(path)
    return grade_text(read_source(path), file=str(path), against=against, timeout=timeout,
                      proofs_path=proofs_path)
