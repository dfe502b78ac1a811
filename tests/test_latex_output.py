"""LaTeX out: the committed output/ is current, and every file compiles with the real pdflatex."""
import shutil

import pytest

from derive.proofs.export import render
from derive.proofs.latex import compile_pdf, escape_text, write_atomic
from tests.conftest import ROOT

OUTPUT = ROOT / "output"


def test_every_builtin_proof_is_proved(builtin_reports):
    failed = [e.name for e, r in builtin_reports if not r.ok]
    assert not failed


def test_committed_output_is_current(builtin_reports):
    files = render(builtin_reports)
    stale = [name for name, text in files.items()
             if not (OUTPUT / name).exists() or (OUTPUT / name).read_text() != text]
    extra = sorted(p.name for p in OUTPUT.glob("*.tex") if p.name not in files)
    assert not stale, f"output/ is stale for {stale}: run `derive latex`"
    assert not extra, f"output/ has files of no proof: {extra}"


def test_each_chain_is_an_align_with_reasons(builtin_reports):
    files = render(builtin_reports)
    for entry, report in builtin_reports:
        text = files[f"{entry.name}.tex"]
        assert r"\begin{align*}" in text and r"\text{" in text
        for step in report.proof.steps:
            if step.reason:
                assert escape_text(step.reason) in text


@pytest.mark.skipif(shutil.which("pdflatex") is None and __import__("os").environ.get("CI") != "true",
                    reason="pdflatex not installed (CI installs it and never skips)")
def test_every_output_file_compiles_with_pdflatex(tmp_path):
    tex_files = sorted(OUTPUT.glob("*.tex"))
    assert tex_files
    for tex in tex_files:
        pdf = compile_pdf(tex, tmp_path)
        assert pdf.exists() and pdf.stat().st_size > 1000
        log = (tmp_path / (tex.stem + ".log")).read_text(errors="replace")
        assert "LaTeX Error" not in log


def test_atomic_write_replaces_whole_files(tmp_path):
    target = tmp_path / "a.tex"
    write_atomic(target, "old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.tex"]
