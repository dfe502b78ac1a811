"""Hostile input and interrupted runs: no code runs from any input, an interrupted write leaves
whole files, and a runaway file in a folder is stopped and reported while the rest go on."""
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT

MARKER = "derive_pwned_marker"
CODE = f"__import__('os').mkdir('{MARKER}')"  # run in the test's own folder

#: (where the payload goes, file name, file text)
PLACES = [
    ("math", "a.tex", f"\\[ {CODE} = x \\]"),
    ("text in math", "b.tex", f"\\[ x = x + \\text{{{CODE}}} \\]"),
    ("mathrm call", "c.tex", f"\\[ \\mathrm{{{CODE}}}(x) = 1 \\]"),
    ("reason column", "d.tex", f"\\begin{{align*}} x &= x && \\text{{{CODE}}} \\end{{align*}}"),
    ("assume header", "e.tex", f"% derive: assume x {CODE}\n\\[ x = x \\]"),
    ("assume header name", "f.tex", f"% derive: assume {CODE} real\n\\[ x = x \\]"),
    ("function header", "g.tex", f"% derive: function {CODE}\n\\[ x = x \\]"),
    ("file name", f"{CODE}.tex", "\\[ x + x = 2x \\]"),
    ("subscript", "h.tex", f"\\[ x_{{{CODE}}} = 1 \\]"),
]


@pytest.fixture
def no_code_from_input(monkeypatch, tmp_path):
    """Run the whole grader in this process (the worker's functions called directly) and record
    every compile/exec of source text and every sympify/parse_expr of a string holding the payload."""
    import sympy
    from sympy.parsing import sympy_parser

    import derive.engine.equivalence
    import derive.grading.grade
    import derive.engine.worker

    seen = []

    def hook(event, args):
        if event in ("compile", "exec") and args:
            code = args[0]
            text = repr(getattr(code, "co_consts", code)) + repr(getattr(code, "co_names", ""))
            if MARKER in text[:100000]:
                seen.append(event)

    sys.addaudithook(hook)  # audit hooks cannot be removed; this one only records the marker
    for mod, name in ((sympy, "sympify"), (sympy_parser, "parse_expr")):
        real = getattr(mod, name)
        monkeypatch.setattr(mod, name, lambda s, *a, _r=real, _n=name, **kw:
                            (seen.append(_n) if MARKER in str(s) else None) or _r(s, *a, **kw))

    def in_process(fn, args, kwargs, timeout):
        try:
            return "done", fn(*args, progress=lambda info: None, **kwargs), []
        except Exception as exc:
            return "error", f"{type(exc).__name__}: {exc}", []

    for mod in (derive.engine.worker, derive.engine.equivalence, derive.grading.grade):
        if hasattr(mod, "run_bounded"):
            monkeypatch.setattr(mod, "run_bounded", in_process)
    monkeypatch.chdir(tmp_path)
    yield seen
    assert not (tmp_path / MARKER).exists()


def test_the_detector_sees_code_when_there_is_some(no_code_from_input):
    import sympy

    sympy.sympify(f"x + {MARKER}")
    eval(compile(f"'{MARKER}'", "<control>", "eval"))
    assert {"sympify", "compile", "exec"} <= set(no_code_from_input)
    no_code_from_input.clear()


@pytest.mark.parametrize("where, name, text", PLACES, ids=[p[0] for p in PLACES])
def test_no_path_from_input_reaches_code(where, name, text, tmp_path, no_code_from_input):
    from derive.errors import DeriveError
    from derive.grading.grade import grade

    path = tmp_path / name
    path.write_text(text)
    try:
        report = grade(path, against=CODE if where == "file name" else None, proofs_path=ROOT / "proofs")
    except DeriveError as exc:
        assert str(path) in str(exc) or "no proof named" in str(exc)
    else:
        assert report.steps
    assert no_code_from_input == []


@pytest.mark.parametrize("where, name, text", PLACES[:3] + PLACES[-2:], ids=[p[0] for p in PLACES[:3] + PLACES[-2:]])
def test_the_real_command_runs_no_code_either(where, name, text, tmp_path):
    path = tmp_path / name
    path.write_text(text)
    out = subprocess.run([sys.executable, "-m", "derive", "grade", str(path), "--json"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode in (0, 1, 2) and "Traceback" not in out.stderr
    assert not (tmp_path / MARKER).exists()


# --- interrupted writes ---------------------------------------------------------------------

def test_an_interrupted_atomic_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    from derive.proofs import latex as latex_mod

    target = tmp_path / "proof.tex"
    target.write_text("old and whole\n")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(latex_mod.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        latex_mod.write_atomic(target, "new " * 100000)
    assert target.read_text() == "old and whole\n"
    assert os.listdir(tmp_path) == ["proof.tex"]


def _old_versions(folder):
    """Fill ``folder`` with whole, recognisably old versions of the committed output."""
    folder.mkdir()
    old = {}
    for p in (ROOT / "output").glob("*.tex"):
        old[p.name] = p.read_text() + "% an older version\n"
        (folder / p.name).write_text(old[p.name])
    return old


def _whole(folder, old):
    """Every file is its old version or the new one in full; no stray visible file."""
    for p in folder.glob("*.tex"):
        text = p.read_text()
        assert text == old.get(p.name) or text == (ROOT / "output" / p.name).read_text(), p.name
    return sum(p.read_text() != old.get(p.name) for p in folder.glob("*.tex"))


def test_derive_latex_killed_while_writing_leaves_every_file_whole(tmp_path):
    out = tmp_path / "out"
    old = _old_versions(out)
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    proc = subprocess.Popen([sys.executable, "-m", "derive", "latex", "proofs/activations.py",
                             "proofs/small_results.py", "-q", "--out", str(out)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while proc.poll() is None:  # kill at the first sign of writing
            if any(p.name not in before or p.stat().st_mtime_ns != before[p.name] for p in out.iterdir()):
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.0005)
        proc.wait(120)
    finally:
        if proc.poll() is None:
            proc.kill()
    _whole(out, old)  # whatever moment the kill hit, no file is half-written


def test_derive_latex_interrupted_while_checking_leaves_the_old_files(tmp_path):
    out = tmp_path / "out"
    old = _old_versions(out)
    proc = subprocess.Popen([sys.executable, "-m", "derive", "latex", "-q", "--out", str(out)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert _whole(out, old) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(old)  # no temporary left behind


def test_grade_latex_interrupted_keeps_the_previous_marked_file(tmp_path):
    src = tmp_path / "slow.tex"
    src.write_text("\\begin{align*} (2x+2y+2z+2w+2)^{40} &= 2^{40}(x+y+z+w+1)^{40} \\end{align*}\n")
    marked = tmp_path / "marked.tex"
    marked.write_text("previous marked file\n")
    proc = subprocess.Popen([sys.executable, "-m", "derive", "grade", str(src), "--latex", str(marked),
                             "--timeout", "60"], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    time.sleep(3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "Traceback" not in err
    assert marked.read_text() == "previous marked file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["marked.tex", "slow.tex"]


# --- resource bounds in a folder --------------------------------------------------------------

PATHOLOGICAL = {
    # its steps alone would run for minutes: stopped at the file's bound
    "runaway.tex": ("\\begin{align*} (2x+2y+2z+2w+2)^{40} &= 2^{40}(x+y+z+w+1)^{40} \\\\\n"
                    "&= 2^{40}(w+x+y+z+1)^{40} \\\\\n&= 2^{40}(1+w+x+y+z)^{40} \\end{align*}\n",
                    ["--timeout", "120", "--file-timeout", "8"], "killed", "stopped"),
    # expanding it needs gigabytes: stopped by the memory bound, long before its 200 s bounds
    "memory.tex": ("\\[ (x+1)^{30000} = (x^2+2x+1)^{15000} \\]\n",
                   ["--timeout", "200", "--file-timeout", "200", "--file-memory", "300"], "errors", "memory"),
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_a_pathological_file_is_stopped_and_the_folder_goes_on(name, tmp_path):
    text, options, status, message = PATHOLOGICAL[name]
    folder = tmp_path / "class"
    folder.mkdir()
    normal = ["seed002_logit.tex", "style_u7.tex", "seed004_tanh_sigmoid.tex"]
    for other in normal:
        shutil.copy(ROOT / "tests" / "corpus" / other, folder / other)
    (folder / name).write_text(text)
    digest = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    out = subprocess.run([sys.executable, "-m", "derive", "grade", str(folder), "--json", "--out", str(tmp_path),
                          "-j", "2", *options], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert "Traceback" not in out.stderr
    rows = {os.path.basename(r["file"]): r for r in json.loads(out.stdout)["rows"]}
    assert rows[name]["status"] == status and message in rows[name]["message"]
    assert rows["style_u7.tex"]["status"] == "ok" and rows["seed004_tanh_sigmoid.tex"]["status"] == "ok"
    assert all(rows[n]["steps"] > 0 for n in normal)
    assert out.returncode == 1
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()} == digest
