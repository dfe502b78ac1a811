"""Grading a person's derivation: which lines follow, which do not, and why.

A document is read into rows (display math split at ``\\\\``, chains ``a = b = c``,
``&=`` continuations), each row's ``\\text{...}`` kept as its stated reason, ``let``
and ``:=`` rows turned into definitions, and a ``% derive:`` header read for
assumptions and function letters. Every step is then checked against the previous
expression by :func:`derive.equal`; rows joined by ``\\Rightarrow`` or ``\\iff`` are
equations, and the later one is checked to follow from the earlier (an equivalence
when one is a non-zero multiple of the other, an implication when it holds after
solving the earlier for one of its symbols).

A row that cannot be read is "unparsed" and the chain goes on from the last row that
was read: a line garbled by OCR is never the reason a correct line is called wrong.
"""
from __future__ import annotations

import pickle
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import sympy as sp

from ..engine.assumptions import parse_domain
from ..engine.equivalence import Verdict, equal
from ..errors import DeriveError, LatexParseError
from ..engine.traverse import substitute
from ..engine.worker import run_bounded
from .approx import rounded
from .search import grid_refute

MAX_FILE_BYTES = 256 * 1024
ENVIRONMENTS = "align|align\\*|equation|equation\\*|gather|gather\\*|multline|multline\\*|eqnarray|eqnarray\\*|displaymath"


@dataclass
class Row:
    """One line of display math: where it is, its formula text, its stated reason."""

    line: int
    text: str
    reason: str = ""
    definition: bool = False


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


def read_header(text: str, file: str, table=None):
    """``% derive: assume z real; assume y 0<y<1; function g; index j in 1..M; size M;
    vector x (D); matrix W (M x D)`` lines (the last kinds go to the symbol ``table``)."""
    from ..reading.symbols import SymbolTable, canonical_name

    table = table if table is not None else SymbolTable()
    assume, functions = {}, []
    for n, line in enumerate(text.splitlines(), start=1):
        m = re.match(r"\s*%\s*derive:\s*(.*)$", line)
        if not m:
            continue
        for part in filter(None, (p.strip() for p in m.group(1).split(";"))):
            words = part.split(None, 2)
            if words[0] == "assume" and len(words) == 3:
                if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_^(){}]*", words[1]):
                    raise DeriveError(f"{file}:{n}: cannot read the symbol name {words[1]!r}")
                try:
                    parse_domain(words[1], words[2])
                except ValueError as exc:
                    raise DeriveError(f"{file}:{n}: {exc}") from None
                name = canonical_name(words[1])  # w^{(2)}, x_i: the reader's names, the family
                assume[name] = words[2].replace(words[1], name) if name != words[1] else words[2]
            elif words[0] in ("function", "functions") and len(words) >= 2:
                names = [w.strip() for w in " ".join(words[1:]).replace(",", " ").split()]
                if not all(re.fullmatch(r"[A-Za-z]+", w) for w in names):
                    raise DeriveError(f"{file}:{n}: function names are letters")
                functions += names
            elif words[0] in ("expect",):
                continue
            elif table.read(part, n) is not None:
                problem = table.read(part, n)
                if problem:
                    raise DeriveError(f"{file}:{n}: {problem}")
            else:
                raise DeriveError(f"{file}:{n}: unknown directive {part!r} (use 'assume NAME DOMAIN', "
                                  f"'function NAME', 'index j in 1..M', 'size M', 'vector x (D)' or "
                                  f"'matrix W (M x D)')")
    return assume, functions


def _strip_comments(text: str) -> str:
    return "\n".join(re.sub(r"(?<!\\)%.*$", "", line) for line in text.splitlines())


def _blocks(text: str, file: str = "<input>"):
    """``(start offset, body)`` of every display-math block; the whole text when there is none."""
    pat = re.compile(r"\\begin\{(%s)\}(.*?)\\end\{\1\}|\\\[(.*?)\\\]|\$\$(.*?)\$\$" % ENVIRONMENTS, re.S)
    found = []
    for m in pat.finditer(text):
        for g in (2, 3, 4):
            if m.group(g) is not None:
                found.append((m.start(g), m.group(g)))
    if found:
        return found
    if re.search(r"\\begin\{|\\end\{", text):
        m = re.search(r"\\begin\{|\\end\{", text)
        line = text[:m.start()].count("\n") + 1
        raise DeriveError(f"{file}:{line}: an environment that is not closed (or not display math)")
    return [(0, text)]


def _take_braced(s: str, start: int):
    depth = 0
    for n in range(start, len(s)):
        if s[n] == "{":
            depth += 1
        elif s[n] == "}":
            depth -= 1
            if depth == 0:
                return s[start + 1:n], n + 1
    return None


def _split_rows(body: str):
    """Rows at ``\\\\`` of brace depth 0, with their offsets."""
    rows, depth, start, n = [], 0, 0, 0
    while n < len(body):
        ch = body[n]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif body.startswith("\\\\", n) and depth == 0:
            rows.append((start, body[start:n]))
            n += 2
            start = n
            continue
        n += 1
    rows.append((start, body[start:]))
    return rows


def read_rows(text: str, file: str = "<input>") -> list[Row]:
    """Every row of display math, with its line number and stated reason."""
    clean = _strip_comments(text)
    rows = []
    for offset, body in _blocks(clean, file):
        for roff, raw in _split_rows(body):
            line = clean[:offset + roff].count("\n") + 1 + (len(raw) - len(raw.lstrip("\n"))
                                                           and raw[:len(raw) - len(raw.lstrip())].count("\n"))
            reason, math = [], raw
            if "&&" in math:  # in align, the columns after && are annotations
                math, note = math.split("&&", 1)
                reason.append(re.sub(r"\\(text|textrm|mbox|textit)\{([^{}]*)\}", r"\2", note).replace("&", " ").strip())
            for cmd in ("\\text", "\\textrm", "\\mbox", "\\intertext", "\\textit", "\\mathrm{\\ }"):
                while cmd in math:
                    at = math.index(cmd)
                    got = _take_braced(math, at + len(cmd))
                    if got is None:
                        break
                    reason.append(got[0].strip())
                    math = math[:at] + " " + math[got[1]:]
            math = re.sub(r"\\(label|tag|eqref|ref)\{[^{}]*\}|\\nonumber|\\notag", " ", math)
            math = math.replace("&", " ").strip().rstrip(",.;")
            if not math:
                continue
            why = " ".join(r for r in reason if r)
            defn = bool(re.match(r"\s*(let|where|define|with|set)\b", why, re.I)) or ":=" in math \
                or "\\triangleq" in math or "\\coloneqq" in math
            rows.append(Row(line, math, why, defn))
            rows[-1].display = offset  # which display the row belongs to (definitions shadow across them)
    return rows


# --- parsing in the bounded worker --------------------------------------------------------------

def _parse_in_worker(text, functions, definitions, file, line, progress=None):
    """Parse one formula where a runaway parse can be killed; errors come back as data."""
    from ..reading.parse import Context, parse_latex

    try:
        expr = parse_latex(text, Context(set(functions), dict(definitions), file, line, leibniz=True))
        # what the caller will get: unpickling rebuilds (and so evaluates: factorial(99999))
        # every node, so rebuild here, under this worker's bound, and check what comes out
        expr = pickle.loads(pickle.dumps(expr))
        _check_size(expr)
        return ("ok", expr)
    except LatexParseError as exc:
        return ("error", exc.message, exc.column)
    except RecursionError:
        return ("error", "too deeply nested", None)
    except (ValueError, TypeError, AttributeError, NotImplementedError, OverflowError) as exc:
        return ("error", f"cannot read this formula ({type(exc).__name__})", None)


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


def parse_row(text: str, functions, definitions, file, line, timeout: float):
    t0 = time.perf_counter()
    try:
        return _parse_row(text, functions, definitions, file, line, timeout)
    finally:
        PARSE_CLOCK[0] += time.perf_counter() - t0


def _parse_row(text: str, functions, definitions, file, line, timeout: float):
    status, *rest = run_bounded(_parse_in_worker, (text, tuple(functions), definitions, file, line), {},
                                timeout)
    if status == "timeout":
        return None, "reading this formula ran out of time"
    if status != "done":
        return None, f"the parser failed: {rest[0]}"
    value = rest[0]
    if value[0] == "ok":
        return value[1], ""
    col = f" (column {value[2]})" if value[2] else ""
    return None, value[1] + col


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
    from ..reading.document import Document

    doc = Document()
    assume, functions = read_header(text, file, doc.table)
    rows = read_rows(text, file)
    if not rows:
        raise DeriveError(f"{file}: no display math found")
    report = GradeReport(file=file, assume=assume, functions=functions)
    doc.start(assume, functions, rows, lambda chunk, line: parse_row(chunk, functions, {}, file, line, timeout))
    assume = doc.assume
    prev = None          # the expression the next step is compared with
    prev_eq = None       # the last equation, for => and <=> steps
    parsed_any = False
    first_expr = last_expr = None
    index = 0
    from ..reading.parse import split_relations

    for row in rows:
        doc.display = getattr(row, "display", None)
        parts = split_relations(row.text)
        if row.definition and len(parts) == 2 and parts[1][0] in ("=", ":="):
            lhs, msg1 = doc.parse(parts[0][1], row.line)
            rhs, msg2 = doc.parse(parts[1][1], row.line)
            if lhs is not None and rhs is not None and doc.definable(lhs, rhs):
                note = doc.define(lhs, rhs, row.line)
                report.steps.append(GradedStep(index, row.line, row.text, "given", read_as=f"definition: "
                                               f"{latex(lhs)} := {latex(rhs)}" + note, reason=row.reason))
                index += 1
                parsed_any = True
                continue
        exprs = []
        unreadable = ""
        if len(parts) > 1 and parts[0][0] == "" and not parts[0][1].strip():
            parts = parts[1:]  # "&= ..." continues the chain of the row before
        for rel, chunk in parts:
            if not chunk.strip():
                exprs.append((rel, None, "an empty side"))
                continue
            e, msg = doc.parse(chunk, row.line)
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
                    elif prev_eq is None or rel == "":
                        report.steps.append(GradedStep(index, row.line, shown, "given", reason=row.reason,
                                                       read_as=f"{latex(e)} = {latex(e2)}", relation="equation"))
                        prev_eq = (doc.unfold(e), doc.unfold(e2))
                        parsed_any = True
                    else:
                        eq = (doc.unfold(e), doc.unfold(e2))
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
                    and exprs[k + 1][1] is not None and _is_name(e) and not doc.known(e, row) \
                    and not exprs[k + 1][1].has(e):
                # "y_k = ..." at the start of a chain names the right side: a definition, not a claim
                e2 = exprs[k + 1][1]
                note = doc.define(e, e2, row.line)
                report.steps.append(GradedStep(index, row.line, f"{shown} = {parts[k + 1][1].strip()}", "given",
                                               read_as=f"definition: {latex(e)} := {latex(e2)}" + note,
                                               reason=row.reason))
                prev = doc.unfold(e2)
                first_expr = first_expr if first_expr is not None else prev
                parsed_any = True
                index += 1
                k += 2
                continue
            if e is None:
                report.steps.append(GradedStep(index, row.line, shown, "unparsed", reason=row.reason,
                                               message=msg, relation=rel))
            elif (rel == "" and k == 0) or prev is None:
                # a row that starts with an expression (or a chain with nothing before it) starts anew
                report.steps.append(GradedStep(index, row.line, shown, "given", read_as=latex(e),
                                               reason=row.reason))
                prev = doc.unfold(e)
                first_expr = first_expr if first_expr is not None else prev
                parsed_any = True
            else:
                cur = doc.unfold(e)
                step_assume = doc.assume_for(_assume_for(assume, prev, cur), prev, cur)
                written = doc.decimals(parts[k][1]) if rel in ("=", "~") else None
                if written is not None:
                    v = rounded(prev, cur, written, rel, step_assume, timeout)
                elif rel in ("=", "~"):
                    v = equal(prev, cur, assume=step_assume, timeout=timeout)
                    if v.status == "unknown":  # a claim wrong on one sign pattern of its gates
                        found = grid_refute(prev, cur, step_assume)
                        v = found if found is not None else v
                elif rel in ("<=", ">=", "<", ">"):
                    from ..engine.equivalence import compare

                    v = compare(prev, cur, {"<": "<=", ">": ">="}.get(rel, rel), assume=step_assume,
                                timeout=timeout)
                else:
                    v = Verdict("unknown", f"the relation {rel} is not checked")
                if v.status == "refuted" and doc.unrelated_partials(prev, cur):
                    v = Verdict("unknown", "derivatives of one unknown quantity that the definitions do not "
                                           "relate: no network stands behind a counterexample",
                                detail=f"not a counterexample: {v.counterexample}")
                report.steps.append(_from_verdict(index, row, shown, v, latex(e), relation=rel,
                                                  compared=(prev, cur, step_assume, rel)))
                used = doc.ranges_used(prev, cur)
                if used:  # the derivative w.r.t. w_j exists for the valid j only: say so
                    report.steps[-1].assumptions = tuple(report.steps[-1].assumptions) + used
                if v.status == "refuted":  # the counterexample as a network (the derived values too)
                    net = doc.network(v.counterexample)
                    step = report.steps[-1]
                    step.detail = "; ".join(filter(None, (step.detail, net)))
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
