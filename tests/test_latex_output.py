"""LaTeX out: the committed output/ is current, and every file compiles with the real pdflatex."""
import shutil

import pytest

from derive.proofs.export import render
from derive.proofs.latex import compile_many, escape_text, overfull_boxes, write_atomic
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
        assert r"\begin{align*}" in text
        for step in report.proof.steps:
            if step.reason:
                assert escape_text(step.reason) in text
        if any(s.reason and s.expect == "proved" for s in report.proof.steps):
            assert r"\tag*{" in text  # the reasons flush right beside (or under) their lines


@pytest.mark.skipif(shutil.which("pdflatex") is None and __import__("os").environ.get("CI") != "true",
                    reason="pdflatex not installed (CI installs it and never skips)")
def test_every_output_file_compiles_and_fits_the_page(tmp_path):
    """The real pdflatex on every committed file (two at a time: one run each, which is enough for
    errors and overfull lines): no error, and no line more than 1 pt wider than the page."""
    tex_files = sorted(OUTPUT.glob("*.tex"))
    assert tex_files
    pdfs = compile_many(tex_files, tmp_path, runs=1, jobs=2)
    too_wide = {}
    for tex, pdf in zip(tex_files, pdfs):
        assert pdf.exists() and pdf.stat().st_size > 1000
        log = (tmp_path / (tex.stem + ".log")).read_text(errors="replace")
        assert "LaTeX Error" not in log
        boxes = overfull_boxes(log, tolerance=1.0)
        if boxes:
            too_wide[tex.name] = boxes[:3]
    assert not too_wide, f"lines run off the page: {too_wide}"


def test_overfull_boxes_are_read_from_the_log():
    log = ("Overfull \\hbox (26.9124pt too wide) in paragraph at lines 133--133\n"
           "Overfull \\hbox (0.5pt too wide) detected at line 9\n")
    assert overfull_boxes(log) == [(26.9124, "in paragraph at lines 133--133")]


def test_a_vacuous_chain_fails_with_its_reason():
    from sympy import Mul, Pow, Rational, Symbol, sqrt

    from derive import Proof

    c, lam = Symbol("c", positive=True), Symbol("lambda_j", positive=True)
    # what the contour proof once was: SymPy evaluates every line to c as it is built
    collapsed = (Proof("collapsed").given(Rational(1, 2) * lam * sqrt(2 * c / lam) ** 2)
                 .step(Rational(1, 2) * lam * (2 * c / lam), "(sqrt t)^2 = t").step(c, "cancel"))
    report = collapsed.check()
    assert not report.ok and not report and report.status == "vacuous"
    assert "every step is the given expression" in report.vacuous
    circular = Proof("circular").given(c + 1).step(Mul(1, c + 1, evaluate=False), "times one").step(c + 1, "back")
    assert "x = x" in circular.check().vacuous
    # built unevaluated, the same chain shows the mathematics and is proved
    two_c = Mul(2, c, Pow(lam, -1, evaluate=False), evaluate=False)
    fine = (Proof("fine").given(Mul(Rational(1, 2), lam, Pow(Pow(two_c, Rational(1, 2), evaluate=False), 2,
                                                                 evaluate=False), evaluate=False))
            .step(Mul(Rational(1, 2), lam, two_c, evaluate=False), "(sqrt t)^2 = t").step(c, "cancel"))
    assert fine.check().ok


def test_no_builtin_proof_is_vacuous():
    from derive.proofs.discover import discover

    vacuous = {e.name: p.vacuity() for e in discover([ROOT / "proofs"]) for p in [e.build()] if p.vacuity()}
    assert not vacuous


def test_atomic_write_replaces_whole_files(tmp_path):
    target = tmp_path / "a.tex"
    write_atomic(target, "old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.tex"]
