"""Marked answers: the student's own lines back with a mark each, one file per answer in a
folder and a class summary; the grade command's small promises (-q, --json on a bad file, CSV)."""
import csv
import json
import shutil
import subprocess
import sys

import pytest

from derive.grading.marked import _normal, source_row
from derive.proofs.latex import compile_many, overfull_boxes
from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "corpus"
PDFLATEX = pytest.mark.skipif(shutil.which("pdflatex") is None and __import__("os").environ.get("CI") != "true",
                              reason="pdflatex not installed (CI installs it and never skips)")


def run(*args):
    return subprocess.run([sys.executable, "-m", "derive", "grade", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("lines, line, row", [
    ([r"\begin{align*}", r"\sigma(-z) &= \frac{1}{1+e^{z}} \\"], 2, r"\sigma(-z)  = \frac{1}{1+e^{z}}"),
    ([r"&= \sigma(z) - 1 && \text{by definition}"], 1, r"= \sigma(z) - 1 \qquad  \text{by definition}"),
    ([r"\[ a = b \label{eq:1} \]"], 1, "a = b"),
    ([r"a &= b + c % a comment", r"  + d \\"], 1, r"a  = b + c    + d"),
])
def test_source_rows_are_the_lines_as_written(lines, line, row):
    assert source_row(lines, line) == row


@pytest.mark.parametrize("read, written, same", [
    (r"\sigma\left(z\right)", r"\sigma(z)", True),
    (r"2 \sigma\left(2 a\right) - 1", r"2\sigma(2a)-1", True),
    (r"\frac{1}{e^{z} + 1}", r"\frac{1}{1+e^{z}}", False),
])
def test_read_as_is_shown_only_where_it_differs(read, written, same):
    assert (_normal(read) == _normal(written)) is same


@PDFLATEX
def test_marked_answer_shows_the_students_lines_marks_and_the_counterexample(tmp_path):
    target = tmp_path / "marked.tex"
    out = run(CORPUS / "seed002_sigmoid_neg_wrong.tex", "--latex", target, "--pdf", "-q")
    assert out.returncode == 1
    assert out.stdout.strip() == "2 of 3 steps proved; first error at line 7"  # -q: the summary line only
    text = target.read_text()
    # the student's own source, not SymPy's normal form
    assert r"\studentmath{\sigma(-z)  = \frac{1}{1+e^{z}}}" in text
    assert r"\studentmath{= 1 - \frac{1}{1+e^{-z}}}" in text
    assert text.count(r"\checkmark") == 2 and text.count(r"\boldsymbol{\times}") == 1
    # the refuted line: the point and both values there, as math
    assert r"At $z = \frac{3}{4}$, the left side is $0.320821$ and the right side $-0.320821$." in text
    assert "Reason given: by definition" in text
    log = (tmp_path / "marked.log").read_text(errors="replace")
    assert (tmp_path / "marked.pdf").exists() and not overfull_boxes(log)


@PDFLATEX
def test_a_folder_gives_one_marked_file_per_answer_and_a_class_summary(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("seed002_sigmoid_neg_wrong.tex", "seed001_sigmoid_deriv.tex", "seed002_logit.tex"):
        shutil.copy(CORPUS / name, folder / name)
    (folder / "broken.tex").write_bytes(b"\x00junk")
    marked = tmp_path / "marked"
    out = run(folder, "--jobs", "2", "--out", tmp_path, "--latex", marked, "--pdf", "-q")
    assert out.returncode == 1 and out.stderr.strip() == ""  # -q: no progress bar
    names = sorted(p.name for p in marked.glob("*.tex"))
    assert names == ["class-summary.tex", "seed001_sigmoid_deriv-marked.tex", "seed002_logit-marked.tex",
                     "seed002_sigmoid_neg_wrong-marked.tex"]
    assert all((marked / n.replace(".tex", ".pdf")).exists() for n in names)
    summary = (marked / "class-summary.tex").read_text()
    assert "broken.tex" in summary and "4 files; 1 with every step proved" in summary
    # the CSV's message is the problem at the first error, not the method of a step
    rows = {r["file"].rsplit("/", 1)[-1]: r for r in csv.DictReader((tmp_path / "derive-grades.csv").open())}
    assert rows["seed002_sigmoid_neg_wrong.tex"]["message"].startswith("line 7: refuted at z = 3/4 (left 0.320821")
    assert rows["seed002_logit.tex"]["message"].startswith("line 6: not read:")
    assert rows["seed001_sigmoid_deriv.tex"]["message"] == ""


def test_json_on_an_unreadable_file_is_still_one_object(tmp_path):
    bad = tmp_path / "bad.tex"
    bad.write_bytes(b"\x00junk")
    out = run(bad, "--json")
    assert out.returncode == 2
    data = json.loads(out.stdout)
    assert data["file"] == str(bad) and "binary data" in data["error"] and data["steps"] == []
    assert "binary data" in out.stderr


def test_grade_report_in_a_notebook():
    from derive.grading.grade import grade

    r = grade(CORPUS / "seed002_sigmoid_neg_wrong.tex")
    assert not r and not r.ok
    html = r._repr_html_()
    assert "✗" in html and "✓" in html and "refuted at z = 3/4" in html
    assert r._repr_latex_().startswith("$$\\begin{array}") and r"\times" in r._repr_latex_()
