r"""LaTeX out: expressions through SymPy's printer, proofs as solution sheets.

Expressions are printed by :class:`DerivePrinter`, a subclass of SymPy's ``LatexPrinter``
(one ``_print_<Class>`` per node; activations hook in through their ``_latex`` methods).
The printer also lays a long formula out on lines that fit the page (:meth:`layout`:
breaks at the top-level ``+``, ``-`` and products, continuation lines indented under the
relation, brackets kept as tall as their whole content), and prints a large matrix as a
few entries with dots, writing the whole of it into an :class:`Appendix`.

Why not ``breqn``'s ``dmath``: it breaks lines too, but it re-reads the formula's tokens
(it redefines ``\left``/``\right`` and the relation symbols), cannot break inside
``\left( ... \right)`` — where most of our long terms are — and does not align a chain of
steps with its reasons; the printer knows the expression tree and breaks where a reader
expects. A proof becomes a solution: its statement, assumptions, the chain in ``align*``
with each reason flush right (``\tag*``; under the line when the line is long), the
refuted lines with their counterexample and the two values there, and the result.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterable, Optional

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE

from ..engine.assumptions import parse_assumptions
from ..errors import DeriveError
from ..calculus.notation import latex_name
from .relations import RELATIONS
from .texwidth import tex_width


class DerivePrinter(LatexPrinter):
    """SymPy's LaTeX printer with the notation of deep learning."""

    printmethod = "_latex"

    def _print_Heaviside(self, expr, exp=None):
        arg, h0 = (expr.args + (None,))[:2]
        if h0 == 0:
            text = r"\left[%s > 0\right]" % self._print(arg)
        elif h0 == 1:
            text = r"\left[%s \geq 0\right]" % self._print(arg)
        else:
            return super()._print_Heaviside(expr, exp)
        return text if exp is None else "%s^{%s}" % (text, exp)

    def _print_Symbol(self, expr, style="plain"):
        text = latex_name(expr.name)
        return "{%s}" % text if text is not None else super()._print_Symbol(expr, style)

    def _print_IndexedBase(self, expr):
        text = latex_name(str(expr.label))
        if text is None:
            return super()._print_IndexedBase(expr)
        return text.replace("_{%s}", "").replace("%s", "")

    def _print_Indexed(self, expr):
        base = latex_name(str(expr.base.label))
        if base is None:
            return super()._print_Indexed(expr)
        idx = [self._print(i) for i in expr.indices]
        sep = "" if all(len(t) == 1 for t in idx) else ","
        if "%s" in base:
            return "{%s}" % (base % sep.join(idx))
        return "{%s_{%s}}" % (base, sep.join(idx))

    def _print_KroneckerDelta(self, expr, exp=None):
        i, j = expr.args[:2]
        text = r"\delta_{%s %s}" % (self._print(i), self._print(j))
        return text if exp is None else r"\left(%s\right)^{%s}" % (text, exp)

    def _print_MatMul(self, expr):
        # a scalar factor first, as a textbook writes it: \frac{1}{2} (w - w^*)^T H (w - w^*)
        if expr.args and expr.args[0].is_number and len(expr.args) > 1:
            rest = sp.MatMul(*expr.args[1:], evaluate=False) if len(expr.args) > 2 else expr.args[1]
            coeff = expr.args[0]
            sign = "- " if coeff.could_extract_minus_sign() else ""
            coeff = -coeff if sign else coeff
            head = "" if coeff == 1 else self._print(coeff) + " "
            return sign + head + self.parenthesize(rest, PRECEDENCE["Mul"]) if not isinstance(rest, sp.MatMul) \
                else sign + head + self._print(rest)
        return super()._print_MatMul(expr)

    def _print_DiagMatrix(self, expr):
        return r"\mathrm{diag}\left(%s\right)" % self._print(expr.args[0])

    # --- large matrices: a few entries, the whole object in the appendix ---------------------

    def _print_MatrixBase(self, expr):
        appendix = self._settings["appendix"]
        rows, cols = expr.shape
        if appendix is None or rows * cols <= 1:
            return super()._print_MatrixBase(expr)
        big = rows > self._settings["max_rows"] or cols > self._settings["max_cols"]
        if not big:
            tex = super()._print_MatrixBase(expr)
            if tex_width(tex) <= self._settings["max_width"]:
                return tex
            tex = self._matrix_tex(expr, list(range(rows)), list(range(cols)), elide=False)
            if tex is not None and tex_width(tex) <= self._settings["max_width"]:
                return tex  # every entry shown, the long ones on lines of their own
        label = appendix.add(expr)
        tex = self._matrix_tex(expr, _kept(rows, self._settings["max_rows"]),
                               _kept(cols, self._settings["max_cols"]), elide=True)
        return tex + r"^{\,[\mathrm{%s}]}" % label

    def _matrix_tex(self, expr, keep_r, keep_c, elide: bool):
        """The matrix with the rows and columns kept (None: a row or column of dots); an entry
        too wide for its column is broken onto lines, or (``elide``) shown as dots; None when
        an entry does not fit and nothing may be elided."""
        budget = self._settings["max_width"] / max(1, len(keep_c)) - 1.0
        lines = []
        for r in keep_r:
            cells = []
            for c in keep_c:
                if r is None:
                    cells.append(r"\ddots" if c is None else r"\vdots")
                    continue
                if c is None:
                    cells.append(r"\cdots")
                    continue
                cell = self._print(expr[r, c])
                if tex_width(cell) > budget:
                    broken = self.layout(expr[r, c], budget, budget - 1.0)
                    if all(tex_width(b) <= budget for b in broken):
                        cell = r"\begin{aligned}&%s\end{aligned}" % r"\\&\quad ".join(broken)
                    elif elide:
                        cell = r"\cdots"
                    else:
                        return None
                cells.append(cell)
            lines.append(" & ".join(cells))
        gap = r"\\[1ex]" if any(r"\begin{aligned}" in line for line in lines) else r"\\"
        return r"\left[\begin{matrix}%s\end{matrix}\right]" % gap.join(lines)

    # --- breaking a long formula at its top-level +, - and products --------------------------

    def _pieces(self, expr):
        """``(join inside a line, join at a line break, subexpression, needs brackets)`` for the
        top-level terms of a sum or factors of a product; [] when ``expr`` is neither."""
        if isinstance(expr, sp.Add):
            out = []
            for n, term in enumerate(self._as_ordered_terms(expr, order=None)):
                if n == 0:
                    out.append(("", "", term, False))
                elif term.could_extract_minus_sign():
                    out.append((" - ", "{} - ", -term, self._needs_add_brackets(-term)))
                else:
                    out.append((" + ", "{} + ", term, self._needs_add_brackets(term)))
            return out
        if isinstance(expr, sp.MatMul) and len(expr.args) > 1:
            from sympy.printing.precedence import precedence_traditional

            args = list(expr.args)
            out = []
            if args[0].is_number:
                coeff = args.pop(0)
                out.append(("", "", coeff, False))
            prec = precedence_traditional(expr)
            for f in args:
                bracket = self.parenthesize(f, prec, False) != self._print(f)
                out.append((" " if out else "", r"{} \cdot " if out else "", f, bracket))
            return out if len(out) > 1 else []
        if isinstance(expr, sp.Mul):  # after MatMul, a subclass of Mul
            from sympy.simplify import fraction

            if any(isinstance(a, sp.Number) for a in expr.args[1:]) or expr.args[0] is sp.S.One:
                return []  # an unevaluated product of numbers: printed as written
            sign = ""
            if expr.could_extract_minus_sign():
                sign, expr = "- ", -expr
                if not isinstance(expr, sp.Mul):
                    return []
            if fraction(expr, exact=True)[1] != 1:
                return []
            factors = expr.as_ordered_factors()
            out = []
            for n, f in enumerate(factors):
                bracket = self._needs_mul_brackets(f, first=n == 0, last=n == len(factors) - 1)
                out.append((sign if n == 0 else " ", sign if n == 0 else r"{} \cdot ", f, bracket))
            return out
        if isinstance(expr, sp.MatrixBase) and expr.shape == (1, 1):
            return [("", "", expr[0, 0], "[")]
        return []

    def _bracketed(self, sub, bracket):
        tex = self._print(sub)
        if bracket == "[":
            return r"\left[%s\right]" % tex
        return r"\left(%s\right)" % tex if bracket else tex

    def layout(self, expr, first: float, rest: Optional[float] = None) -> list[str]:
        """``expr`` as lines of at most ``first`` ems (the first) and ``rest`` ems (the others,
        which start with the operator they continue: ``{} + t``, ``{} \\cdot t``)."""
        rest = first if rest is None else rest
        tex = self._print(expr)
        if tex_width(tex) <= first:
            return [tex]
        pieces = self._pieces(expr)
        if len(pieces) < 2 and not (pieces and pieces[0][3] == "["):
            return [tex]
        lines: list[str] = []
        cur = ""
        for n, (inline, at_break, sub, bracket) in enumerate(pieces):
            t = self._bracketed(sub, bracket)
            room = first if not lines else rest
            if n and tex_width(cur + inline + t) <= room:
                cur += inline + t
                continue
            if n and cur.strip():
                lines.append(cur)
                room = rest
            start = at_break if n else inline
            if tex_width(start + t) <= room:
                cur = start + t
                continue
            inner = self._layout_piece(sub, bracket, room - tex_width(start), rest - tex_width(start))
            if len(inner) == 1:
                cur = start + inner[0]
                continue
            lines.append(start + inner[0])
            lines.extend(inner[1:-1])
            cur = inner[-1]
        lines.append(cur)
        return lines

    def _layout_piece(self, sub, bracket, first, rest):
        if not bracket:
            return self.layout(sub, first, rest)
        opening, closing = ("[", "]") if bracket == "[" else ("(", ")")
        inner = self.layout(sub, first - 1.0, rest - 1.0)
        if len(inner) == 1:
            return [r"\left%s%s\right%s" % (opening, inner[0], closing)]
        # each line's brackets as tall as the whole: a zero-width phantom of it in every line
        tall = r"\vphantom{%s}" % self._print(sub)
        out = [r"\left%s%s %s\right." % (opening, tall, inner[0])]
        out += [r"\left.%s %s\right." % (tall, line) for line in inner[1:-1]]
        out.append(r"\left.%s %s\right%s" % (tall, inner[-1], closing))
        return out


def _kept(n: int, most: int) -> list:
    """Which rows (or columns) an elided matrix shows: the first two, a gap (None), the last."""
    return list(range(n)) if n <= most else [0, 1, None, n - 1]


class Appendix:
    """The full objects that a sheet shows elided, numbered A.1, A.2, ... in order of use."""

    def __init__(self):
        self.items: list = []
        self.context = ""

    def add(self, matrix) -> str:
        for label, _, m in self.items:
            if m == matrix:
                return label
        label = f"A.{len(self.items) + 1}"
        self.items.append((label, self.context, matrix))
        return label

    def to_latex(self, heading: str = "section") -> str:
        if not self.items:
            return ""
        out = [f"\\{heading}{{Appendix: the full matrices}}",
               r"\noindent Each matrix shown with $\cdots$ in the text is written out here, entry by entry."]
        printer = DerivePrinter(DEFAULT_SETTINGS)
        for label, context, m in self.items:
            out.append(f"\n\\paragraph{{{label}}} {name_text(context)} "
                       f"(a ${m.rows} \\times {m.cols}$ matrix).")
            cells = [(f"{r + 1}" if m.cols == 1 else f"{r + 1},{c + 1}", m[r, c])
                     for r in range(m.rows) for c in range(m.cols)]
            texts = [printer.doprint(e) for _, e in cells]
            if max(tex_width(t) for t in texts) <= 10.0:
                # short entries (names, abbreviations): a paragraph of them, several to a line
                out.append("{\\setlength{\\lineskiplimit}{1ex}\\setlength{\\lineskip}{1ex}"
                           + ",\\quad\n".join(f"$({where})\\colon\\ \\displaystyle {t}$"
                                                for (where, _), t in zip(cells, texts)) + ".\\par}")
                continue
            rows = []
            for where, e in cells:
                lines = printer.layout(e, LINE - 6.0, LINE - 8.0)
                rows.append(f"({where})\\colon\\quad & {lines[0]}")
                rows += [f"& \\qquad {line}" for line in lines[1:]]
            out.append("\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}")
        return "\n".join(out) + "\n"


DEFAULT_SETTINGS = {"ln_notation": True}
DerivePrinter._default_settings = {**LatexPrinter._default_settings, "appendix": None, "max_width": 38.0,
                                   "max_rows": 4, "max_cols": 4}

#: the width of a line of the sheet in ems as :func:`tex_width` counts them: A4 with 2.2 cm margins
#: at 11 pt is 43.1 em, and the estimate runs up to 11 % short on long rows (measured against TeX)
LINE = 38.5


def latex(expr, **settings) -> str:
    """LaTeX for one expression."""
    return DerivePrinter({**DEFAULT_SETTINGS, **settings}).doprint(expr)


def layout(expr, first: float = LINE, rest: Optional[float] = None, **settings) -> list[str]:
    """``expr`` broken into lines that fit (see :meth:`DerivePrinter.layout`)."""
    return DerivePrinter({**DEFAULT_SETTINGS, **settings}).layout(expr, first, rest)


_TEXT_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "#": r"\#", "&": r"\&",
                  "%": r"\%", "_": r"\_", "^": r"\^{}", "~": r"\~{}", "<": r"\textless{}",
                  ">": r"\textgreater{}", "|": r"\textbar{}"}


def escape_text(text: str) -> str:
    """Plain text for ``\\text{}``; ``$...$`` segments are kept as math."""
    parts = re.split(r"(\$[^$]*\$)", text)
    out = []
    for part in parts:
        if len(part) >= 2 and part.startswith("$") and part.endswith("$"):
            out.append(part)
        else:
            out.append("".join(_TEXT_SPECIALS.get(c, c) for c in part).replace("$", r"\$"))
    return "".join(out)


def name_text(name: str) -> str:
    """An identifier such as ``tanh_sigmoid_networks_instantiated`` as text that may break
    after its underscores."""
    return escape_text(name).replace(r"\_", r"\_\allowbreak{}")


def assumptions_latex(assume) -> str:
    """The assumptions as a sentence: "for $z \\in \\mathbb{R}$, $0<y<1$"."""
    doms = parse_assumptions(assume)
    items = []
    for name, dom in doms.items():
        sym = latex(sp.Symbol(name))
        words = {"real": r"\in \mathbb{R}", "positive": "> 0", "negative": "< 0", "nonnegative": r"\geq 0",
                 "integer": r"\in \mathbb{Z}", "positive integer": r"\in \mathbb{N}",
                 "natural": r"\in \mathbb{N}", "complex": r"\in \mathbb{C}", "nonzero": r"\neq 0",
                 "nonnegative integer": r"\in \{0, 1, 2, \dots\}"}
        if dom.text == "index":
            items.append(f"${sym}$ a valid index")
            continue
        if dom.text in ("orthogonal", "symmetric", "diagonal", "invertible", "orthonormal columns"):
            items.append(f"${sym}$ {dom.text}" + (" ($U^T U = I$)" if dom.text == "orthogonal" else ""))
            continue
        if dom.text == "orthonormal":  # a group of vectors named "u_1,u_2": u_i^T u_j = delta_ij
            names = ", ".join(latex(sp.Symbol(x.strip())) for x in name.split(","))
            items.append(f"${names}$ orthonormal")
            continue
        if dom.text in words:
            items.append(f"${sym} {words[dom.text]}$")
        else:
            text = dom.text.replace("<=", r" \leq ").replace(">=", r" \geq ").replace(name, f" {sym} ")
            items.append(f"${text}$")
    return ", ".join(items)


# --- the solution sheet ------------------------------------------------------------------------

def _reason_tag(reason: str) -> tuple[str, float]:
    """A step's reason as a right-flush ``\\tag*`` and its width in ems; a long one wraps."""
    text = escape_text(reason)
    width = 0.9 * tex_width(r"\text{%s}" % text) + 1.0
    if width > 0.4 * LINE:
        return r"\tag*{\parbox[t]{0.4\linewidth}{\raggedleft\small %s}}" % text, 0.4 * LINE + 1.0
    return r"\tag*{\small %s}" % text, width


def _chain_rows(proof, report, printer) -> list[str]:
    """The ``align*`` rows of the chain: the given, then each proved step with its reason
    beside it (or under it when the line is long); continuation lines indented."""
    given = printer.doprint(proof.shown_given)
    rows: list[str] = []
    if tex_width(given) <= 0.3 * LINE:
        left, left_w = given, tex_width(given)
    else:  # a long given stands on its own lines; the relations align under its start
        glines = printer.layout(proof.shown_given, LINE - 2.0, LINE - 4.0)
        reason = f" {_reason_tag(proof.given_reason)[0]}" if proof.given_reason else ""
        rows.append(f"& {glines[0]}{reason}")
        rows += [f"& \\qquad {line}" for line in glines[1:]]
        left, left_w = "", 0.0
    results = report.steps if report is not None else [None] * len(proof.steps)
    for st, res in zip(proof.steps, results):
        if st.expect != "proved":
            continue
        rel = RELATIONS[st.rel][1]
        shown = st.display if st.display is not None else st.expr
        first_room = LINE - left_w - 2.0
        lines = printer.layout(shown, first_room, first_room - 2.0)
        mark = ""
        if res is not None and not res.ok:
            mark = r"\ \text{(%s)}" % res.status
        elif res is not None and res.verdict.conditions:  # proved where both sides are defined
            mark = r"\ \text{(valid for %s)}" % escape_text(", ".join(res.verdict.conditions)).replace("≠", r"$\neq$")
        tag, tag_w = _reason_tag(st.reason) if st.reason else ("", 0.0)
        beside = left_w + 2.0 + tex_width(lines[0]) + tag_w <= LINE
        rows.append(f"{left} &{rel} {lines[0]}{mark}" + (f" {tag}" if tag and beside else ""))
        rows += [f"& \\qquad {line}" for line in lines[1:]]
        if tag and not beside:
            rows.append(f"& {tag}")
        left = ""
    return rows


def _refutation(proof, st, res, prev, printer) -> str:
    """A deliberately wrong line: the mistake, why it is wrong, and the counterexample."""
    shown = st.display if st.display is not None else st.expr
    prev_shown = proof.shown_given if prev is proof.given_expr else prev
    left = printer.layout(prev_shown, LINE - 2.0, LINE - 4.0)
    right = printer.layout(shown, LINE - 4.0, LINE - 6.0)
    rows = [f"& {left[0]}"] + [f"& \\qquad {line}" for line in left[1:]]
    rows += [f"&\\neq {right[0]}"] + [f"& \\qquad {line}" for line in right[1:]]
    out = [f"\\noindent\\textit{{{escape_text(st.reason) or 'A wrong line'}}}: refuted.",
           "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"]
    if res is None:
        return "\n".join(out)
    if res.status != "refuted":
        out.append(f"\\noindent{{\\small NOT refuted: {escape_text(res.status)}.}}")
        return "\n".join(out)
    out.append("\\noindent{\\small " + counterexample_sentence(
        res.verdict.counterexample, proof.unfold(prev), proof.unfold(st.expr)) + "}\\par\n")
    return "\n".join(out)


def counterexample_sentence(point, lhs, rhs) -> str:
    """"At $a = 3/4$ the left side is $0.635$ and the right side $0.358$." (LaTeX text)."""
    from .pointvalues import values_at

    if point:
        names = ", ".join(f"${_point_name(k)} = {latex(_number(v))}$" for k, v in point.items())
        text = f"At {names}"
    else:
        text = "As numbers"
    vals = values_at(lhs, rhs, point)
    if vals is None:
        return text + " the two sides differ (checked at high precision)."
    where, a, b = vals
    of = f" {where} of" if where else ""
    return text + f"{',' if point else ''}{of} the left side is ${latex(a)}$ and the right side ${latex(b)}$."


def _number(text):
    """A counterexample value as SymPy: an exact rational, a matrix (rows of entries), or a name."""
    from fractions import Fraction

    if isinstance(text, str) and text.startswith("["):  # a matrix, as the engine reports it
        import ast

        try:
            text = ast.literal_eval(text)  # literals only: never evaluates code
        except (ValueError, SyntaxError):
            return sp.Symbol(text)
    if isinstance(text, (list, tuple)):
        rows = [row if isinstance(row, (list, tuple)) else [row] for row in text]
        return sp.Matrix([[_number(v) for v in row] for row in rows])
    try:
        f = Fraction(str(text))
        return sp.Rational(f.numerator, f.denominator)
    except ValueError:
        return sp.Symbol(str(text))


def _point_name(name: str) -> str:
    """A counterexample's name (``w^(1)[1, 0]``, ``x[2]``, ``lambda_j``) as LaTeX."""
    m = re.fullmatch(r"(.+?)\[(.+)\]", name)
    if m:
        base = latex_name(m.group(1))
        idx = m.group(2).replace(" ", "")
        if base is not None and "%s" in base:
            return base % idx
        return f"{base or latex(sp.Symbol(m.group(1)))}_{{{idx}}}"
    return latex(sp.Symbol(name))


def _claim_latex(proof, printer) -> str:
    """The statement proved, ``lhs = rhs``: inline when short, else a broken display."""
    rel = proof.result_relation
    lhs, rhs = printer.doprint(proof.result.lhs), printer.doprint(proof.result.rhs)
    room = LINE - 8.0 - 0.53 * len(proof.name)  # what "Claim (name)." in typewriter type leaves
    if tex_width(f"{lhs} {rel} {rhs}") <= room and "\\begin" not in lhs + rhs:
        return f"${lhs} {rel} {rhs}$."
    rows = []
    if tex_width(lhs) <= 0.3 * LINE:
        lines = printer.layout(proof.result.rhs, LINE - tex_width(lhs) - 2.0, LINE - tex_width(lhs) - 4.0)
        rows.append(f"{lhs} &{rel} {lines[0]}")
    else:
        llines = printer.layout(proof.result.lhs, LINE - 2.0, LINE - 4.0)
        rows += [f"& {llines[0]}"] + [f"& \\qquad {line}" for line in llines[1:]]
        lines = printer.layout(proof.result.rhs, LINE - 4.0, LINE - 6.0)
        rows.append(f"&{rel} {lines[0]}")
    rows += [f"& \\qquad {line}" for line in lines[1:]]
    return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"


def proof_latex(proof, report=None, standalone_math: bool = False, heading: str = "subsection",
                appendix: Optional[Appendix] = None) -> str:
    """A proof as a solution: statement, assumptions, the chain with its reasons, the refuted
    lines with their counterexamples, and the result. Matrices too large for the page are
    elided and written out in full in ``appendix`` (a private one when none is given)."""
    appendix = appendix if appendix is not None else Appendix()
    printer = DerivePrinter({**DEFAULT_SETTINGS, "appendix": appendix})
    appendix.context = f"{proof.title} ({proof.name})"
    body = "\\begin{align*}\n" + " \\\\\n".join(_chain_rows(proof, report, printer)) + "\n\\end{align*}"
    if standalone_math:
        return body
    if not any(st.expect == "proved" for st in proof.steps):  # a refutation only
        claim = "the line below is wrong: the checker refutes it with a point."
    elif proof.result_relation is None:  # a chain mixing >= and <= has no result
        claim = r"none: the chain mixes $\geq$ and $\leq$ steps."
    else:
        claim = _claim_latex(proof, printer)
    parts = [f"\\{heading}{{{escape_text(proof.title)}}}", f"\\label{{proof:{proof.name}}}",
             f"\\noindent\\textbf{{Claim}} (\\texttt{{{name_text(proof.name)}}}).\\quad " + claim]
    if proof.assume:
        parts.append(f"\n\\noindent\\textbf{{Assumptions.}}\\quad {assumptions_latex(proof.assume)}.")
    if proof.define:
        defs = ", ".join(f"${latex(k)} = {latex(v)}$" for k, v in proof.define.items())
        parts.append(f"\n\\noindent\\textbf{{Where}}\\quad {defs}.")
    if proof.note:
        parts.append(f"\n\\noindent {escape_text(proof.note)}")
    if any(st.expect == "proved" for st in proof.steps):
        parts.append("\n\\noindent\\textbf{Proof.}")
        parts.append(body)
    results = report.steps if report is not None else [None] * len(proof.steps)
    wrong = [(st, res, prev) for (_, st, prev), res in zip(proof.links(), results) if st.expect == "refuted"]
    if wrong:
        parts.append("\n\\noindent\\textbf{Wrong lines, refuted.}")
        parts += [_refutation(proof, st, res, prev, printer) for st, res, prev in wrong]
    if report is not None:
        methods = sorted(set(m for m in report.methods() if m))
        status = "every step checked" if report.ok else f"NOT proved: {report.status}"
        parts.append(f"\n{{\\raggedright\\noindent\\textbf{{Result.}} {status}"
                     + (f" (certificates: {escape_text('; '.join(methods))})" if methods else "")
                     + ".\\hfill$\\square$\\par}")
    if proof.appendix:
        parts.append(proof.appendix)
    return "\n".join(parts) + "\n"


def equations_latex(pairs, relation: str = "=") -> str:
    """``align*`` rows ``lhs = rhs`` for ``(lhs, rhs)`` pairs of expressions (or a pair whose
    right side is ``(expr, tail)``, LaTeX appended to the last line), broken to fit."""
    printer = DerivePrinter(DEFAULT_SETTINGS)
    rows = []
    for lhs, rhs in pairs:
        tail = ""
        if isinstance(rhs, tuple):
            rhs, tail = rhs
        ltex = printer.doprint(lhs)
        room = LINE - tex_width(ltex) - 2.0
        lines = printer.layout(rhs, room - tex_width(tail), room - 2.0 - tex_width(tail))
        lines[-1] += tail
        rows.append(f"{ltex} &{relation} {lines[0]}")
        rows += [f"& \\qquad {line}" for line in lines[1:]]
    return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"


PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage{amsmath,amssymb}
\usepackage[margin=2.2cm]{geometry}
\allowdisplaybreaks
\setlength{\parskip}{0.5em}
\setlength{\emergencystretch}{3em}
"""


def document(title: str, sections: Iterable[tuple[str, list[str]]], toc: bool = True,
             appendix: Optional[Appendix] = None) -> str:
    """A standalone document: title, optional contents, one section per family, the appendix."""
    out = [PREAMBLE, f"\\title{{{escape_text(title)}}}", r"\author{generated by \texttt{derive}}",
           r"\date{}", r"\begin{document}", r"\maketitle"]
    if toc:
        out.append(r"\tableofcontents")
    for section, bodies in sections:
        if section:
            out.append(f"\\section{{{escape_text(section)}}}")
        out.extend(bodies)
    if appendix is not None and appendix.items:
        out.append(appendix.to_latex("section" if toc else "section*"))
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file and a rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class PdfLatexError(DeriveError):
    """pdflatex failed; the message holds the first error lines of its log."""


def compile_pdf(tex: Path, outdir: Optional[Path] = None, runs: int = 2) -> Path:
    """Compile ``tex`` with the real ``pdflatex``; raise :class:`PdfLatexError` with its errors."""
    exe = shutil.which("pdflatex")
    if exe is None:
        raise PdfLatexError("pdflatex is not installed (Debian: texlive-latex-base texlive-latex-recommended)")
    outdir = Path(outdir or tex.parent)
    outdir.mkdir(parents=True, exist_ok=True)
    for _ in range(runs):
        proc = subprocess.run([exe, "-interaction=nonstopmode", "-halt-on-error", "-output-directory",
                               str(outdir), str(tex)], capture_output=True, text=True, timeout=300,
                              stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            log = proc.stdout.splitlines()
            errors = [i for i, line in enumerate(log) if line.startswith("!")]
            excerpt = "\n".join(log[errors[0]: errors[0] + 6]) if errors else "\n".join(log[-15:])
            raise PdfLatexError(f"pdflatex failed on {tex}:\n{excerpt}")
    return outdir / (tex.stem + ".pdf")


def compile_many(texs, outdir: Path, runs: int = 2, jobs: Optional[int] = None) -> list[Path]:
    """Compile several files, ``jobs`` ``pdflatex`` processes at a time (default: one per core)."""
    from concurrent.futures import ThreadPoolExecutor

    texs = list(texs)
    jobs = jobs or os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(texs) or 1))) as ex:
        return list(ex.map(lambda t: compile_pdf(Path(t), outdir, runs=runs), texs))


_OVERFULL = re.compile(r"^Overfull \\hbox \(([0-9.]+)pt too wide\) (.*)$", re.M)


def overfull_boxes(log: str, tolerance: float = 1.0) -> list[tuple[float, str]]:
    """``(points too wide, where)`` for every overfull line in a ``pdflatex`` log wider than
    ``tolerance`` points: text that runs off the page."""
    return [(float(pt), where) for pt, where in _OVERFULL.findall(log) if float(pt) > tolerance]
