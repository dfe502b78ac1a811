r"""A graded derivation handed back: the student's own lines, each with its mark.

``derive grade FILE --latex OUT.tex`` writes what a marker would hand back: every line of
display math as the student wrote it (their LaTeX, typeset; shown as source text when it
uses a command this document cannot typeset), a mark in its own column — ✓ proved,
✗ refuted, ? unknown, — not read — and a note: for ✗ the counterexample and the values of
both sides there, for ? why it is undecided, for — why the line could not be read, and
"read as" only where the reading differs from what was written. ``--latex DIR`` on a
folder writes one such file per answer and a class summary page.

The same marks make the notebook views of a :class:`~derive.grading.grade.GradeReport`
(``_repr_latex_``, ``_repr_html_``).
"""
from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Optional

from ..proofs.latex import counterexample_sentence, escape_text, name_text

#: the mark of each status in the marked document, and in plain text
MARK_TEX = {"proved": r"\textcolor{ForestGreen}{$\checkmark$}", "refuted": r"\textcolor{red}{$\boldsymbol{\times}$}",
            "unknown": r"\textcolor{orange}{\textbf{?}}", "unparsed": r"\textcolor{gray}{---}", "given": ""}
MARK = {"proved": "✓", "refuted": "✗", "unknown": "?", "unparsed": "—", "given": ""}

PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage{amsmath,amssymb,bm}
\usepackage[dvipsnames]{xcolor}
\usepackage{graphicx,longtable,array}
\usepackage[margin=2cm]{geometry}
\setlength{\emergencystretch}{3em}
\renewcommand{\arraystretch}{1.6}
\newsavebox{\derivebox}
% a line of the student's math, shrunk to the column only when it is wider
\newcommand{\studentmath}[1]{\sbox{\derivebox}{$\displaystyle #1$}%
  \ifdim\wd\derivebox>\linewidth\resizebox{\linewidth}{!}{\usebox{\derivebox}}\else\usebox{\derivebox}\fi
  \rule[-\dp\derivebox]{0pt}{\dimexpr\ht\derivebox+\dp\derivebox\relax}}
"""

#: commands a student's line may use and this document typesets (amsmath, amssymb, bm)
SAFE = set("""
alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi varpi rho
varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi
Psi Omega frac dfrac tfrac cfrac sqrt partial nabla sum prod int left right big Big bigg Bigg bigl bigr Bigl
Bigr biggl biggr cdot times div pm mp ast star circ bullet odot oplus otimes leq geq le ge neq ne approx
equiv sim simeq propto to mapsto rightarrow Rightarrow leftarrow Leftarrow iff implies impliedby
Leftrightarrow leftrightarrow infty dots ldots cdots vdots ddots exp log ln sin cos tan tanh sinh cosh
sec csc cot arcsin arccos arctan max min sup inf lim det operatorname mathrm mathbf mathit mathcal
mathbb mathsf mathtt boldsymbol bm text textrm textit textbf mbox hat widehat tilde widetilde bar
overline underline vec dot ddot prime top intercal quad qquad lfloor rfloor lceil rceil langle rangle
lvert rvert lVert rVert vert Vert mid in notin subset subseteq cup cap setminus forall exists neg land lor
because therefore colon displaystyle textstyle begin end limits nolimits binom ell imath jmath hbar
underbrace overbrace stackrel overset underset substack cases aligned matrix pmatrix bmatrix vmatrix
gathered split smallmatrix tag label nonumber notag
""".split()) | {",", ";", ":", "!", " ", "{", "}", "|", "\\", "_", "%", "#", "&", "$"}


def _typesettable(text: str, defined: set) -> bool:
    """True when every command of ``text`` is one this document knows and its braces balance."""
    names = re.findall(r"\\([A-Za-z]+|.)", text)
    depth = 0
    for ch in re.sub(r"\\[{}]", "", text):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0 and all(n in SAFE or n in defined for n in names) and "$" not in text


def _definitions(text: str) -> tuple[list, set]:
    """The student's own ``\\newcommand``/``\\DeclareMathOperator`` lines (kept, so their lines
    typeset as they wrote them) and the names they define."""
    lines, names = [], set()
    for line in text.splitlines():
        m = re.match(r"\s*\\(newcommand|renewcommand|providecommand|DeclareMathOperator)\*?\{?\\([A-Za-z]+)\}?",
                     line)
        if m and _typesettable(line.split("%")[0], set(names) | {m.group(2), "newcommand", "renewcommand",
                                                                   "providecommand", "DeclareMathOperator"}):
            lines.append(line.split("%")[0].replace(r"\renewcommand", r"\providecommand")
                         .replace(r"\newcommand", r"\providecommand"))
            names.add(m.group(2))
    return lines, names


def source_row(lines: list[str], line: int) -> str:
    """The row of display math that starts on ``line`` (1-based), as written: from that line
    to its ``\\\\`` (at most four lines), without the alignment marks and labels."""
    out = []
    for n in range(line - 1, min(len(lines), line + 3)):
        text = re.sub(r"(?<!\\)%.*$", "", lines[n])
        out.append(text)
        if "\\\\" in text or "\\end{" in text or "\\]" in text or "$$" in text:
            break
    row = " ".join(out)
    row = re.sub(r"\\(begin|end)\{(align|equation|gather|multline|eqnarray|displaymath)\*?\}", " ", row)
    row = re.sub(r"\\(label|tag)\*?\{[^{}]*\}|\\nonumber|\\notag|\\\[|\\\]|\$\$", " ", row)
    row = re.sub(r"\\\\(\[[^\]]*\])?\s*$", "", row.strip())
    return row.replace("&&", r"\qquad ").replace("&", " ").strip()


def _normal(text: str) -> str:
    """A reading's text without what does not change its meaning, to tell if it differs."""
    text = re.sub(r"\\(left|right|big|Big|bigl|bigr|Bigl|Bigr|displaystyle)\b|\\[,;:! ]|\\cdot|\s|[{}*]", "",
                  text)
    return text.replace("\\mathrm", "").replace("\\operatorname", "")


def problem(step) -> str:
    """The problem with a step in one line of plain text (for tables and CSV files)."""
    where = f"line {step.line}: "
    if step.status == "refuted":
        point = ", ".join(f"{k} = {v}" for k, v in (step.counterexample or {}).items())
        vals = _values(step)
        there = f" (left {vals[1]}, right {vals[2]})" if vals else ""
        return where + (f"refuted at {point}" if point else "refuted: the two sides are different numbers") + there
    if step.status == "unknown":
        return where + f"not decided ({step.method or 'no certificate'})"
    if step.status == "unparsed":
        return where + f"not read: {step.message or 'unreadable'}"
    return ""


def _values(step):
    from ..proofs.pointvalues import values_at

    if step.compared is None or step.counterexample is None:
        return None
    return values_at(step.compared[0], step.compared[1], step.counterexample)


def _note(step) -> str:
    """The note beside a mark: LaTeX text with its math in ``$...$``."""
    parts = []
    if step.status == "refuted":
        if step.compared is not None and step.counterexample is not None:
            parts.append(counterexample_sentence(step.counterexample, step.compared[0], step.compared[1]))
        elif step.counterexample:
            parts.append("At " + ", ".join(f"${escape_text(k)} = {escape_text(str(v))}$"
                                            for k, v in step.counterexample.items()) + " the sides differ.")
        else:
            parts.append("The two sides are different numbers.")
    elif step.status == "unknown":
        parts.append("Not decided: " + escape_text(step.method or "no certificate") + ".")
    elif step.status == "unparsed":
        parts.append("Not read: " + escape_text(step.message or "unreadable") + ".")
    elif step.status == "proved" and step.relation in ("=>", "<=>"):
        parts.append({"=>": "Follows (an implication only).", "<=>": "Equivalent."}[step.relation])
    if step.status == "proved" and getattr(step, "conditions", ()):
        parts.append("Valid for " + escape_text(", ".join(step.conditions)).replace("≠", r"$\neq$") + ".")
    if step.reason:
        parts.append(r"\textit{Reason given: " + escape_text(step.reason) + "}")
    read = step.read_as.replace("definition: ", "")
    if read and step.status != "unparsed" and _normal(read) != _normal(step.latex):
        math = read if _typesettable(read, set()) else None
        parts.append(r"{\color{gray}read as " + (f"${math}$" if math else r"\texttt{%s}" % escape_text(read[:200]))
                     + "}")
    return r" \newline ".join(parts)


def marked_latex(report, source: Optional[str] = None) -> str:
    """The marked document of one graded file (``source``: its text; read from
    ``report.file`` when not given)."""
    if source is None:  # the file was read (and checked) when it was graded
        source = Path(report.file).read_text(encoding="utf-8", errors="replace")
    lines = source.splitlines()
    defs, defined = _definitions(source)
    out = [PREAMBLE] + defs + [r"\begin{document}", r"\section*{Marked answer}",
                                         r"{\raggedright\noindent File: \texttt{%s}\par}" % _path_text(report.file)]
    if report.assume:
        out.append(r"\noindent Assumed: " + escape_text(", ".join(f"{k} {v}" for k, v in report.assume.items()))
                   + r".\par")
    out.append(r"\noindent " + summary_sentence(report) + r"\par")
    out.append(r"\begin{longtable}{@{}r>{\raggedright}p{0.5\linewidth}c>{\raggedright\arraybackslash}"
               r"p{0.3\linewidth}@{}}")
    out.append(r"\emph{line} & \emph{as written} & & \emph{note} \\ \hline \endhead")
    groups: dict = {}
    for step in report.steps:  # a chain a = b = c on one line: one row, every step's mark
        groups.setdefault(step.line, []).append(step)
    for line, steps in groups.items():
        row = source_row(lines, line) if 0 < line <= len(lines) else steps[0].latex
        readable = _typesettable(row, defined) and all(s.status != "unparsed" for s in steps)
        text = (r"\studentmath{%s}" % row) if readable else r"\texttt{%s}" % escape_text(row[:300])
        first = any(s.index == report.first_error for s in steps)
        label = (r"\textbf{%d}" if first else "%d") % line
        marks = r"\,".join(MARK_TEX[s.status] for s in steps if MARK_TEX[s.status])
        notes = r" \newline ".join(n for n in (_note(s) for s in steps) if n)
        out.append(f"{label} & {text} & {marks} & {{\\small {notes}}} \\\\[0.4em]")
    out.append(r"\end{longtable}")
    if report.against:
        out.append(r"\noindent Compared with the built-in result \texttt{%s}: %s.\par" % (
            name_text(report.against["name"]), escape_text(report.against["status"])))
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"


def _path_text(path: str) -> str:
    """A file path as text that may break after its slashes and underscores."""
    return name_text(str(path)).replace("/", r"/\allowbreak{}")


def summary_sentence(report) -> str:
    steps = [s for s in report.steps if s.status != "given"]
    good = sum(s.status == "proved" for s in steps)
    first = report.first_error
    text = f"{good} of {len(steps)} steps proved"
    if first is not None:
        text += f"; the first error is on line {report.steps[first].line}"
    return escape_text(text) + "."


def class_summary_latex(rows: list[dict], folder: str) -> str:
    """One page for the class: a row per file with its counts and its first problem."""
    out = [PREAMBLE, r"\begin{document}", r"\section*{Class summary}", r"{\raggedright\noindent Folder: \texttt{%s}\par}" % _path_text(folder),
           r"\noindent %d files; %d with every step proved.\par" % (
               len(rows), sum(r["status"] == "ok" for r in rows)),
           r"\begin{longtable}{@{}>{\raggedright}p{0.3\linewidth}lrrrr>{\raggedright\arraybackslash}"
           r"p{0.3\linewidth}@{}}",
           r"\emph{file} & \emph{status} & $\checkmark$ & $\times$ & ? & --- & \emph{first problem} \\ \hline \endhead"]
    for r in rows:
        out.append(f"\\texttt{{{name_text(Path(r['file']).name)}}} & {escape_text(r['status'])} & {r['proved']} & "
                   f"{r['refuted']} & {r['unknown']} & {r['unparsed']} & {{\\small {escape_text(r['message'][:200])}}}"
                   r" \\")
    out += [r"\end{longtable}", r"\end{document}"]
    return "\n".join(out) + "\n"


# --- notebook views of a GradeReport -------------------------------------------------------

def report_latex(report) -> str:
    """``$$\\begin{array}$$``: line, mark, the reading, status — what MathJax shows."""
    rows = [r"\text{line} & & & \text{status} \\ \hline"]
    for s in report.steps:
        read = s.read_as.replace("definition: ", "") if s.status != "unparsed" else ""
        math = read if read and _typesettable(read, set()) else r"\text{%s}" % escape_text(s.latex[:80])
        mark = {"proved": r"\checkmark", "refuted": r"\times", "unknown": "?", "unparsed": "-"}.get(s.status, "")
        rows.append(f"{s.line} & {mark} & {math} & \\text{{{escape_text(s.status)}}}")
    return "$$\\begin{array}{rcll}\n" + " \\\\\n".join(rows) + "\n\\end{array}$$"


def report_html(report) -> str:
    """An HTML table: line, mark, what was written, the note — as the terminal shows it."""
    out = [f"<p><b>{html.escape(report.file)}</b>: {html.escape(summary_sentence(report).replace(chr(92), ''))}</p>",
           "<table>", "<tr><th>line</th><th></th><th>as written</th><th>note</th></tr>"]
    for s in report.steps:
        note = problem(s) or (s.method if s.status == "proved" else s.status)
        out.append(f"<tr><td>{s.line}</td><td>{MARK[s.status]}</td><td>\\({html.escape(s.latex)}\\)</td>"
                   f"<td>{html.escape(note)}</td></tr>")
    out.append("</table>")
    return "\n".join(out)
