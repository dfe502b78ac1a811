"""Reports in a notebook: a table of steps with their marks, as the terminal shows them.

``Report._repr_latex_`` and ``_repr_html_`` call these. The LaTeX is one ``array`` (what
MathJax renders); the HTML a table whose formulas are MathJax's ``\\( ... \\)``, every
text escaped. Large matrices are shown elided, as on the sheet.
"""
from __future__ import annotations

import html

#: the mark of each status, in LaTeX and in HTML (✓ proved, ✗ refuted, ? unknown)
MARKS_TEX = {"proved": r"\checkmark", "refuted": r"\times", "unknown": "?", "given": "", "unparsed": "-"}
MARKS = {"proved": "✓", "refuted": "✗", "unknown": "?", "given": "", "unparsed": "—"}


def _tex(expr) -> str:
    from .latex import Appendix, DerivePrinter, DEFAULT_SETTINGS
    from .texwidth import tex_width

    text = DerivePrinter({**DEFAULT_SETTINGS, "appendix": Appendix()}).doprint(expr)
    return text if tex_width(text) <= 60 else r"\dots"


def _rows(report):
    """``(mark, relation, expression, reason, status text)`` for the given and every step."""
    from .relations import RELATIONS

    proof = report.proof
    yield "", "", proof.shown_given, proof.given_reason, "given"
    for res in report.steps:
        st = res.step
        rel = r"\neq" if st.expect == "refuted" else RELATIONS[st.rel][1]
        status = res.status if res.ok or st.expect == "proved" else f"{res.status} (expected {st.expect})"
        if st.expect == "refuted" and res.ok:
            status = "refuted, as expected"
        mark = res.status if res.ok else ("unknown" if res.status == "unknown" else "refuted")
        yield mark, rel, st.display if st.display is not None else st.expr, st.reason, status


def report_latex(report) -> str:
    """``$$\\begin{array} ... $$``: mark, relation, expression, reason per line."""
    from .latex import escape_text

    rows = [r"\textbf{%s}: \text{%s} & & & " % (escape_text(report.proof.name).replace(r"\_", r"\_"),
                                                 escape_text(report.status))]
    for mark, rel, expr, reason, status in _rows(report):
        rows.append(f"{MARKS_TEX.get(mark, '')} & {rel} & {_tex(expr)} & \\text{{{escape_text(reason)}}}")
    return "$$\\begin{array}{cll l}\n" + " \\\\\n".join(rows) + "\n\\end{array}$$"


def report_html(report) -> str:
    """An HTML table: mark, relation and expression, reason, status per line."""
    head = (f"<p><b>{html.escape(report.proof.name)}</b>: {html.escape(report.status)}"
            f" ({len(report.steps)} steps, {report.seconds:.2f} s)</p>")
    out = [head, "<table>", "<tr><th></th><th>step</th><th>reason</th><th>status</th></tr>"]
    for mark, rel, expr, reason, status in _rows(report):
        out.append(f"<tr><td>{MARKS.get(mark, '')}</td><td>\\({html.escape(rel + ' ' + _tex(expr))}\\)</td>"
                   f"<td>{html.escape(reason)}</td><td>{html.escape(status)}</td></tr>")
    out.append("</table>")
    if not report.ok:
        out.append(f"<pre>{html.escape(report.failure_text())}</pre>")
    return "\n".join(out)
