"""LaTeX out: expressions through SymPy's printer, proofs as ``align*`` chains.

Expressions are printed by :class:`DerivePrinter`, a subclass of SymPy's
``LatexPrinter`` (one ``_print_<Class>`` per node; activations hook in through their
``_latex`` methods). Proofs become an ``align*`` environment with one line per step
and its reason in ``\\text{...}``; documents wrap them for ``pdflatex``.
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

from ..engine.assumptions import parse_assumptions
from ..errors import DeriveError
from ..calculus.notation import latex_name
from .relations import RELATIONS


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


DEFAULT_SETTINGS = {"ln_notation": True}


def latex(expr, **settings) -> str:
    """LaTeX for one expression."""
    return DerivePrinter({**DEFAULT_SETTINGS, **settings}).doprint(expr)


_TEXT_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "#": r"\#", "&": r"\&",
                  "%": r"\%", "_": r"\_", "^": r"\^{}", "~": r"\~{}"}


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


def _chain_lines(proof, report) -> list[str]:
    lhs = latex(proof.shown_given)
    lines = []
    results = report.steps if report is not None else [None] * len(proof.steps)
    first = True
    for st, res in zip(proof.steps, results):
        mark = ""
        if res is not None:
            mark = r"\ \checkmark" if res.ok and st.expect == "proved" else ""
            if st.expect == "refuted":
                mark = r"\ \text{(wrong: refuted)}" if res.ok else r"\ \text{(NOT refuted)}"
            elif not res.ok:
                mark = r"\ \text{(%s)}" % res.status
            if res.ok and st.expect == "proved" and res.verdict.conditions:
                mark += r"\ \text{(valid for %s)}" % escape_text(", ".join(res.verdict.conditions).replace("≠", r"$\neq$"))

        rel = r"\neq" if st.expect == "refuted" else RELATIONS[st.rel][1]
        left = lhs if first else ""
        reason = escape_text(st.reason) if st.reason else ""
        if len(st.reason) > 45:  # a long reason wraps in its own column instead of running off the page
            reason = r"\parbox[t]{0.3\textwidth}{\raggedright\small %s}" % reason
        shown = st.display if st.display is not None else st.expr
        lines.append(f"{left} &{rel} {latex(shown)} && \\text{{{reason}}}{mark}")
        if st.expect == "proved":
            first = False
    return lines


def proof_latex(proof, report=None, standalone_math: bool = False, heading: str = "subsection") -> str:
    """A proof as LaTeX: heading, statement, assumptions, the ``align*`` chain, the result."""
    chain = " \\\\\n".join(_chain_lines(proof, report))
    body = "\\begin{align*}\n" + chain + "\n\\end{align*}"
    if standalone_math:
        return body
    parts = [f"\\{heading}{{{escape_text(proof.title)}}}", f"\\label{{proof:{proof.name}}}",
             f"\\noindent\\textbf{{Result}} (\\texttt{{{escape_text(proof.name)}}}).\\quad "
             + (f"${latex(proof.result.lhs)} {proof.result_relation} {latex(proof.result.rhs)}$"
                if proof.result_relation is not None  # a chain mixing >= and <= has no result
                else r"none: the chain mixes $\geq$ and $\leq$ steps")]
    if proof.assume:
        parts.append(f"\n\\noindent\\textbf{{Assumptions.}}\\quad {assumptions_latex(proof.assume)}.")
    if proof.define:
        defs = ", ".join(f"${latex(k)} = {latex(v)}$" for k, v in proof.define.items())
        parts.append(f"\n\\noindent\\textbf{{Where}}\\quad {defs}.")
    if proof.note:
        parts.append(f"\n\\noindent {escape_text(proof.note)}")
    parts.append("\n\\noindent\\textbf{Proof.}")
    parts.append(body)
    if proof.appendix:
        parts.append(proof.appendix)
    if report is not None:
        methods = sorted(set(report.methods()))
        status = "every step proved" if report.ok else f"NOT proved: {report.status}"
        parts.append(f"\\noindent{{\\small Checked by \\texttt{{derive}}: {status}; "
                     f"certificates: {escape_text('; '.join(methods))}.}}")
    return "\n".join(parts) + "\n"


PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage{amsmath,amssymb}
\usepackage[margin=2.2cm]{geometry}
\allowdisplaybreaks
\setlength{\parskip}{0.5em}
"""


def document(title: str, sections: Iterable[tuple[str, list[str]]], toc: bool = True) -> str:
    """A standalone document: title, optional contents, one section per family."""
    out = [PREAMBLE, f"\\title{{{escape_text(title)}}}", r"\author{generated by \texttt{derive}}",
           r"\date{}", r"\begin{document}", r"\maketitle"]
    if toc:
        out.append(r"\tableofcontents")
    for section, bodies in sections:
        if section:
            out.append(f"\\section{{{escape_text(section)}}}")
        out.extend(bodies)
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
