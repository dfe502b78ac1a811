"""Regression tests of issue 10 that need real processes: bad input on the command line
(class 13), signals to a folder run (14), where ``--against`` takes proofs from (15) and
what it checks (16). Each case states its truth; processes are real (``ps``-style checks
through ``/proc`` and ``os.kill(pid, 0)``), nothing is mocked.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import mpmath
import pytest

from derive.grading.grade import grade_text

ROOT = Path(__file__).resolve().parents[1]
DERIVE = [sys.executable, "-m", "derive"]

TANH = "tanh_eq_two_sigmoid_two_mul_sub_one"
CORRECT = r"""% derive: assume z real
\begin{align*}
\tanh(z) &= \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}} \\
&= \frac{2}{1 + e^{-2z}} - 1 \\
&= 2\sigma(2z) - 1
\end{align*}
"""


def run(*args, cwd=None, timeout=300):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([*DERIVE, *args], capture_output=True, text=True, cwd=cwd, timeout=timeout, env=env)


# --- 13. every bad input: a located one-line error, exit 2 ---------------------------------------

BAD_FILES = [
    # (file text, what the one-line message names)
    ("% derive: assume x 1/0<x<2\n\\[ x = x \\]\n", ":1: the bound 1/0 divides by zero"),
    ("\\[ 1.5^{9999} = 2 \\]\n", ":1: a number with more than 1200 digits"),
    ("\\begin{align*}\ni &= 3 && \\text{let}\\\\\n\\sum_{i=1}^{n} x_i &= \\sum_{j=1}^{n} x_j\n\\end{align*}\n",
     ":3: i is defined above and used here as a bound variable"),
    ("% derive: assume x banana\n\\[ x = x \\]\n", ":1: cannot read the assumption"),
]


@pytest.mark.parametrize("text, message", BAD_FILES, ids=["zero-bound", "huge-power", "let-bound-index", "domain"])
def test_class13_bad_input_is_a_located_one_line_error(text, message, tmp_path):
    # truth: 1/0 is no number; 1.5^9999 has 1761 digits; i is both 3 and a summation index
    assert len(str(int(__import__("fractions").Fraction(3, 2) ** 9999))) > 1200
    path = tmp_path / "bad.tex"
    path.write_text(text)
    out = run("grade", str(path))
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) + message in lines[0], out.stderr
    assert "internal error" not in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("option, value", [("--timeout", "nan"), ("--timeout", "inf"), ("--timeout", "-1"),
                                           ("--file-timeout", "nan"), ("--jobs", "0")])
def test_class13_bad_option_values_exit_2(option, value, tmp_path):
    assert not (float("nan") > 0) and float("inf") == float("inf") + 1  # neither is a time bound
    path = tmp_path / "ok.tex"
    path.write_text("\\[ x = x \\]\n")
    out = run("grade", str(path), f"{option}={value}")
    assert out.returncode == 2
    assert option in out.stderr.strip().splitlines()[-1] and "Traceback" not in out.stderr


def test_class13_devices_and_pipes_are_refused_without_reading(tmp_path):
    fifo = tmp_path / "pipe.tex"
    os.mkfifo(fifo)  # nobody writes to it: opening it for reading would block forever
    for path in ("/dev/zero", str(fifo)):
        out = run("grade", path, timeout=60)
        assert out.returncode == 2
        assert out.stderr.strip() == f"derive: {path}: not a regular file (a device, pipe or socket is not read)"


# --- 14. signals to a folder run kill every child process group ---------------------------------

def _children() -> dict:
    kids: dict = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                ppid = int(Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d))
    return kids


def _descendants(root: int) -> list:
    kids, out, todo = _children(), [], [root]
    while todo:
        for c in kids.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def _alive(pid: int) -> bool:
    """Running (a zombie is dead: it only waits for its reaper)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=["TERM", "INT", "HUP"])
def test_class14_signal_kills_every_grading_process(signum, tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for k in range(40):
        (folder / f"f{k:02d}.tex").write_text(CORRECT.replace("2z", f"{k + 2}z / {k + 1}"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([*DERIVE, "grade", str(folder), "--jobs", "2", "--out", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    seen: set = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        seen |= set(_descendants(proc.pid))
        if len(seen) >= 4:  # two grading processes and their decision workers
            break
        time.sleep(0.1)
    assert proc.poll() is None and len(seen) >= 4, "the run ended before it could be signalled"
    proc.send_signal(signum)
    rc = proc.wait(60)
    assert rc == 128 + signum
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in seen):
        time.sleep(0.1)
    assert [p for p in seen if _alive(p)] == []


# --- 15. --against never imports ./proofs of the current folder --------------------------------

def test_class15_against_imports_nothing_from_the_working_folder(tmp_path):
    marker = tmp_path / "PWNED"
    (tmp_path / "proofs").mkdir()
    (tmp_path / "proofs" / "evil.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    (tmp_path / "answer.tex").write_text(CORRECT)
    out = run("grade", "answer.tex", "--against", TANH, "--json", cwd=tmp_path)
    assert not marker.exists()
    assert out.returncode == 0, out.stderr
    assert '"status": "proved"' in out.stdout.split('"against"', 1)[1]


def test_class15_explicit_proofs_path_is_used(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "mine.py").write_text(
        '"""Mine."""\nimport sympy as sp\nfrom derive import Proof, sigmoid\nz = sp.Symbol("z", real=True)\n'
        'mine = Proof("mine", "m", assume={"z": "real"}).given(sp.tanh(z)).step(2*sigmoid(2*z) - 1, "known")\n')
    (tmp_path / "answer.tex").write_text(CORRECT)
    out = run("grade", "answer.tex", "--against", "mine", "--proofs", "mine", cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    out = run("grade", "answer.tex", "--against", "mine", cwd=tmp_path)  # not a built-in proof
    assert out.returncode == 2 and "no proof named 'mine'" in out.stderr


# --- 16. --against checks the chain's ends are the result's sides -------------------------------

SIG2 = (lambda v: 2 / (1 + mpmath.exp(-2 * v)) - 1)  # 2 sigma(2z) - 1, the result's right side
AGAINST = [
    # (derivation, (first, last) of its chain in mpmath, one chain of "=" only?, expected)
    (CORRECT, (mpmath.tanh, SIG2), True, "proved"),
    ("\\begin{align*}\n2\\sigma(2z) - 1 &= \\frac{2}{1 + e^{-2z}} - 1 \\\\\n&= \\tanh(z)\n\\end{align*}\n",
     (SIG2, mpmath.tanh), True, "proved"),
    ("\\begin{align*}\n\\sigma(z)(1-\\sigma(z)) &= \\sigma(z) - \\sigma(z)^{2}\n\\end{align*}\n",
     (lambda v: 1 / (1 + mpmath.exp(-v)) * (1 - 1 / (1 + mpmath.exp(-v))),
      lambda v: 1 / (1 + mpmath.exp(-v)) - 1 / (1 + mpmath.exp(-v)) ** 2), True, "not proved"),
    ("\\[ \\tanh(z) = \\tanh(z) + 0 \\]\n\\[ 2\\sigma(2z) - 1 = 2\\sigma(2z) - 1 \\]\n",
     (mpmath.tanh, SIG2), False, "not proved"),  # two chains, never joined
    ("\\begin{align*}\n\\tanh(z) &\\geq \\tanh(z) - 1 \\\\\n&\\leq 2\\sigma(2z) - 1\n\\end{align*}\n",
     (mpmath.tanh, SIG2), False, "not proved"),  # not a chain of equalities
]


@pytest.mark.parametrize("text, ends, one_chain, expected", AGAINST,
                         ids=["forward", "reversed", "unrelated", "two-chains", "inequalities"])
def test_class16_against_needs_the_results_two_sides(text, ends, one_chain, expected):
    first, last = ends
    points = [mpmath.mpf(t) for t in ("0.3", "-1.7")]
    is_side = lambda f: all(abs(f(t) - mpmath.tanh(t)) < 1e-12 for t in points)  # noqa: E731
    assert (one_chain and is_side(first) and is_side(last)) == (expected == "proved")
    report = grade_text(text, against=TANH, timeout=20)
    assert (report.against["status"] == "proved") == (expected == "proved"), report.against


@pytest.mark.parametrize("planted", ["sympy.py", "derive.py", "derive/__init__.py", "mpmath.py"])
def test_class15_no_module_of_the_graded_folder_is_imported(planted, tmp_path):
    # the derive console script (not python -m, which puts the folder on the path by Python's rule)
    script = Path(sys.executable).parent / "derive"
    marker = tmp_path / "ran"
    target = tmp_path / planted
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"open({str(marker)!r}, 'w').write('x')\n")
    (tmp_path / "answer.tex").write_text("% derive: assume z real\n\\[ \\sigma(-z) = 1 - \\sigma(z) \\]\n")
    out = subprocess.run([str(script), "grade", "answer.tex"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=300)
    assert not marker.exists(), out.stdout + out.stderr
    assert out.returncode == 0 and "proved" in out.stdout
