"""derive grade: exit codes, the JSON contract, the marked-up LaTeX, whole folders."""
import hashlib
import json
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "corpus"


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "derive", "grade", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def test_json_follows_the_contract():
    out = run(CORPUS / "seed002_sigmoid_neg_wrong.tex", "--json")
    assert out.returncode == 1
    data = json.loads(out.stdout)
    assert set(data) >= {"file", "steps", "first_error"}
    assert [s["index"] for s in data["steps"]] == list(range(len(data["steps"])))
    assert data["steps"][0]["status"] == "given"
    bad = data["steps"][data["first_error"]]
    assert bad["status"] == "refuted" and bad["counterexample"] and bad["line"] == 7


def test_terminal_view_shows_how_each_line_was_read():
    out = run(CORPUS / "seed004_tanh_sigmoid.tex")
    assert out.returncode == 0
    assert "read as" in out.stdout and "3 of 3 steps proved" in out.stdout


def test_against_a_builtin_proof():
    out = run(CORPUS / "seed004_tanh_sigmoid.tex", "--json", "--against", "tanh_eq_two_sigmoid_two_mul_sub_one")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["against"]["status"] == "proved"


@pytest.mark.parametrize("content, where", [
    (b"\\[ \\frac{1}{2 \\]", ":1: an unclosed '{' (line 1, column 12)"),
    (b"\x00\x01\x02junk", "binary data"),
    (b"", "empty input"),
    (b"\xff\xfe\\[ x \\]", "not UTF-8"),
    (b"\\[ \\foo{x} = 1 \\]", "unknown command \\foo"),
    (b"\\begin{align*} x &= 1", "not closed"),
    (b"% derive: assume z sometimes\n\\[ z = z \\]", ":1: cannot read the assumption"),
    (b"x" * (1024 * 1024), "bytes; derivations up to"),
])
def test_malformed_input_exits_2_with_a_located_message(tmp_path, content, where):
    f = tmp_path / "bad.tex"
    f.write_bytes(content)
    out = run(f)
    assert out.returncode == 2, out.stdout + out.stderr
    assert where in out.stderr and "Traceback" not in out.stderr
    assert str(f) in out.stderr


def test_missing_file_exits_2():
    out = run("/no/such/file.tex")
    assert out.returncode == 2 and "cannot read" in out.stderr


@pytest.mark.skipif(shutil.which("pdflatex") is None and __import__("os").environ.get("CI") != "true",
                    reason="pdflatex not installed (CI installs it and never skips)")
def test_marked_latex_compiles(tmp_path):
    from derive.proofs.latex import compile_pdf

    target = tmp_path / "marked.tex"
    out = run(CORPUS / "seed002_logit.tex", "--latex", target)
    assert out.returncode == 1  # the OCR-garbled line is unparsed
    text = target.read_text()
    assert r"\studentmath{" in text and "Not read" in text
    assert compile_pdf(target, tmp_path).exists()


def test_a_folder_gives_one_row_per_file_and_leaves_the_inputs_alone(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for n, src in enumerate(sorted(CORPUS.glob("*.tex"))[:8]):
        shutil.copy(src, folder / f"student{n:02d}.tex")
    (folder / "broken.tex").write_bytes(b"\x00junk")
    (folder / "empty.tex").write_text("")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    out = run(folder, "--jobs", "2", "--out", tmp_path)
    assert out.returncode == 1
    rows = json.loads((tmp_path / "derive-grades.json").read_text())["rows"]
    assert len(rows) == 10
    status = {r["file"].rsplit("/", 1)[-1]: r["status"] for r in rows}
    assert status["broken.tex"] == "unreadable" and status["empty.tex"] == "unreadable"
    assert (tmp_path / "derive-grades.csv").read_text().count("\n") == 11
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    assert before == after


def test_an_unreadable_row_names_its_construct_and_place_and_ends_the_chain(tmp_path):
    f = tmp_path / "digits.tex"
    f.write_text("\\begin{align*}\n(x+1)^2 &= x^2 + 2x + 1 \\\\\n &= 1 000 \\\\\n &= x^2 + 2x + 1\n\\end{align*}\n")
    out = run(f, "--json")
    steps = json.loads(out.stdout)["steps"]
    assert [s["status"] for s in steps] == ["given", "proved", "unparsed", "given"]
    assert "two numbers side by side" in steps[2]["message"] and "(line 3, column 7)" in steps[2]["message"]


def test_a_file_with_only_inline_math_says_so(tmp_path):
    f = tmp_path / "inline.tex"
    f.write_text("We have $a = b$ and $b = c$.\n")
    out = run(f)
    assert out.returncode == 2 and "no display math" in out.stderr and "inline" in out.stderr


def test_read_as_never_shows_an_internal_placeholder():
    for path in sorted((ROOT / "tests" / "corpus").glob("reader_*.tex"))[:6]:
        out = run(path, "--json")
        text = json.dumps(json.loads(out.stdout))
        assert "Xi_" not in text and "dv0x" not in text and "mathit" not in text, path.name
