"""Writing checked proofs to ``output/``: one standalone ``.tex`` per proof and one book.

Files are written atomically (a temporary file and a rename), so an interrupted run
leaves the previous files whole. The text depends only on the proofs and their
certificates, never on timings, so committed files can be tested for staleness.
"""
from __future__ import annotations

from pathlib import Path

from .latex import compile_pdf, document, proof_latex, write_atomic

COMBINED = "derive-proofs"


def render(reports, combined_title: str = "Derivations of deep learning, machine-checked") -> dict:
    """``{file name: text}`` for every proof and, when asked, the combined document."""
    files = {}
    families: dict = {}
    for entry, report in reports:
        proof = report.proof
        single = proof_latex(proof, report, heading="section*")
        files[f"{proof.name}.tex"] = document(proof.title, [("", [single])], toc=False)
        families.setdefault(entry.family, []).append(proof_latex(proof, report, heading="subsection"))
    if combined_title:
        files[f"{COMBINED}.tex"] = document(combined_title, list(families.items()), toc=True)
    return files


def export(reports, out: Path, combined: bool = True, pdf: bool = False) -> list[Path]:
    """Write the LaTeX (and with ``pdf`` the PDFs in ``out/pdf``); return the paths written."""
    files = render(reports, combined_title="Derivations of deep learning, machine-checked" if combined else "")
    written = []
    for name, text in files.items():
        path = out / name
        write_atomic(path, text)
        written.append(path)
    if pdf:
        for path in list(written):
            written.append(compile_pdf(path, out / "pdf"))
    return written
