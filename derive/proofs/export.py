"""Writing checked proofs to ``output/``: one standalone ``.tex`` per proof and one book.

Files are written atomically (a temporary file and a rename), so an interrupted run
leaves the previous files whole. The text depends only on the proofs and their
certificates, never on timings, so committed files can be tested for staleness.
"""
from __future__ import annotations

from pathlib import Path

from .latex import Appendix, compile_many, document, proof_latex, write_atomic

COMBINED = "derive-proofs"
TITLE = "Derivations of deep learning, machine-checked"


def render(reports, combined_title: str = TITLE, combined_name: str = COMBINED) -> dict:
    """``{file name: text}`` for every proof and, when a title is given, the combined document
    (one section per family, one appendix of full matrices at its end)."""
    files = {}
    families: dict = {}
    book = Appendix()
    for entry, report in reports:
        proof = report.proof
        own = Appendix()
        single = proof_latex(proof, report, heading="section*", appendix=own)
        files[f"{proof.name}.tex"] = document(proof.title, [("", [single])], toc=False, appendix=own)
        families.setdefault(entry.family, []).append(
            proof_latex(proof, report, heading="subsection", appendix=book))
    if combined_title:
        files[f"{combined_name}.tex"] = document(combined_title, list(families.items()), toc=True, appendix=book)
    return files


def export(reports, out: Path, combined: bool = True, pdf: bool = False, title: str = TITLE,
           combined_name: str = COMBINED) -> list[Path]:
    """Write the LaTeX (and with ``pdf`` the PDFs in ``out/pdf``); return the paths written."""
    files = render(reports, combined_title=title if combined else "", combined_name=combined_name)
    written = []
    for name, text in files.items():
        path = out / name
        write_atomic(path, text)
        written.append(path)
    if pdf:
        written += compile_many(written, out / "pdf")
    return written
