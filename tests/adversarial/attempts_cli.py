"""Hostile inputs and command lines for ``derive grade``: every one must end in a verdict or a
located one-line error (exit 0/1/2, no traceback) within its time bound, and no code from the
input or the graded folder may run (each payload would create a marker file in the temp dir).
"""
import os
import tempfile
from pathlib import Path

from .model import cli

TMP = Path(tempfile.gettempdir())
OK_TEX = "% derive: assume z real\n\\[ \\sigma(-z) = 1 - \\sigma(z) \\]\n"
TANH_TEX = "\\[ \\tanh(a) = 2\\sigma(2a) - 1 \\]\n"


def _marker(name):
    return f"derive_adv_{name}"


def _payload(name):
    """Python that would create the marker if it ever ran."""
    return f"__import__('os').system('touch {TMP / _marker(name)}')"


def _fifo(folder: Path) -> Path:
    p = folder / "pipe.tex"
    os.mkfifo(p)
    return p


def _dev_zero_link(folder: Path) -> Path:
    p = folder / "zero.tex"
    p.symlink_to("/dev/zero")
    return p


def _folder_with_fifo(folder: Path) -> Path:
    d = folder / "class"
    d.mkdir()
    (d / "a.tex").write_text(OK_TEX)
    os.mkfifo(d / "b.tex")
    (d / "c.tex").symlink_to("/dev/zero")
    return d


def _evil_proofs(folder: Path) -> Path:
    """A folder whose ./proofs/*.py would run code if derive imported it."""
    (folder / "proofs").mkdir()
    (folder / "proofs" / "evil.py").write_text(
        f'"""evil family"""\nimport os\nos.system("touch {TMP / _marker("proofs_import")}")\n')
    p = folder / "answer.tex"
    p.write_text(TANH_TEX)
    return p


def _evil_file(name):
    """A folder holding ``name`` (derive.py, sitecustomize.py, conftest.py, ...) that would create
    the marker if Python ever imported it while grading a file of that folder."""
    def setup(folder: Path) -> Path:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f'import os\nos.system("touch {TMP / _marker("cwd_" + name.replace("/", "_"))}")\n')
        p = folder / "answer.tex"
        p.write_text(OK_TEX)
        return p
    setup.__name__ = f"evil_{name}"
    return setup


def _symlink_loop(folder: Path) -> Path:
    d = folder / "loop"
    d.mkdir()
    (d / "self").symlink_to(d)
    (d / "a.tex").write_text(OK_TEX)
    return d


def _many_files(folder: Path) -> Path:
    d = folder / "many"
    d.mkdir()
    for k in range(40):
        (d / f"s{k:02d}.tex").write_text(OK_TEX if k % 2 else TANH_TEX)
    return d


def _unreadable(folder: Path) -> Path:
    p = folder / "secret.tex"
    p.write_text(OK_TEX)
    p.chmod(0)
    return p


def _directory_named_tex(folder: Path) -> Path:
    p = folder / "dir.tex"
    p.mkdir()
    return p


def _bad_outdir(folder: Path) -> Path:
    p = folder / "a.tex"
    p.write_text(OK_TEX)
    return p


DEEP_BRACES = "\\[ " + "{" * 5000 + "x" + "}" * 5000 + " = x \\]\n"
DEEP_FRAC = "\\[ " + "\\frac{1}{" * 400 + "x" + "}" * 400 + " = x \\]\n"
DEEP_PAREN = "\\[ " + "\\left(" * 800 + "x" + "\\right)" * 800 + " = x \\]\n"
DEEP_SQRT = "\\[ " + "\\sqrt{" * 600 + "x" + "}" * 600 + " = x \\]\n"
DEEP_POW = "\\[ " + "2^{" * 60 + "2" + "}" * 60 + " = 4 \\]\n"
LONG_SUM = "\\[ " + " + ".join(f"x_{{{k}}}" for k in range(6000)) + " = 0 \\]\n"
MANY_ROWS = "\\begin{align*}\nx &= x \\\\\n" + "&= x \\\\\n" * 3000 + "&= x\n\\end{align*}\n"
LONG_NUMBER = "\\[ " + "9" * 200000 + " = 1 \\]\n"
HUGE_POWER = "\\[ 10^{10^{10^{10}}} = 10^{10^{10^{10}}} + 1 \\]\n"
FACT = "\\[ 100000! = 100000! + 1 \\]\n"

ATTEMPTS = [
    # files that are not derivations
    cli("cl-binary", "hostile_files", content=bytes(range(256)) * 64),
    cli("cl-empty", "hostile_files", content=b""),
    cli("cl-nul-middle", "hostile_files", content=b"\\[ x = x \\]\n\x00\\[ y = y \\]\n"),
    cli("cl-huge-300k", "hostile_files", content=("\\[ x = x \\]\n" * 30000).encode()),
    cli("cl-huge-20m", "hostile_files", content=b"%" * (20 * 1024 * 1024)),
    cli("cl-dev-zero", "hostile_files", setup=lambda d: Path("/dev/zero"), time_bound=30,
        located=r"/dev/zero", why="not a regular file: refuse without reading it"),
    cli("cl-dev-zero-link", "hostile_files", setup=_dev_zero_link, time_bound=30, located=r"zero\.tex"),
    cli("cl-fifo", "hostile_files", setup=_fifo, time_bound=30, located=r"pipe\.tex",
        why="a named pipe with no writer: open() would block for ever"),
    cli("cl-folder-fifo", "hostile_files", setup=_folder_with_fifo, args=("--out", "{dir}"), time_bound=120,
        located=r"class"),
    cli("cl-symlink-loop", "hostile_files", setup=_symlink_loop, args=("--out", "{dir}"), time_bound=120,
        located=r"loop"),
    cli("cl-unreadable", "hostile_files", setup=_unreadable, located=r"secret\.tex"),
    cli("cl-dir-named-tex", "hostile_files", setup=_directory_named_tex, located=r"dir\.tex"),
    cli("cl-missing", "hostile_files", setup=lambda d: d / "nope.tex", located=r"nope\.tex"),
    cli("cl-utf16", "hostile_files", content="\\[ x = x \\]\n".encode("utf-16")),
    cli("cl-latin1", "hostile_files", content="% café\n\\[ x = x \\]\n".encode("latin-1")),
    cli("cl-bom", "hostile_files", content="\ufeff\\[ \\sigma(-z) = 1 - \\sigma(z) \\]\n".encode()),
    cli("cl-crlf", "hostile_files", content=b"% derive: assume z real\r\n\\[ \\sigma(-z) = \\sigma(z) \\]\r\n",
        truth="false", claim=None, why="CRLF line ends; the refutation must name line 2"),
    cli("cl-cr-only", "hostile_files", content=b"\\[ x = x \\]\r\\[ y = 2y \\]\r"),
    cli("cl-rtl", "hostile_files", content="\\[ x \u202e = x \\]\n".encode()),
    cli("cl-zwsp", "hostile_files", content="\\[ x\u200b + 1 = x + 1 \\]\n".encode()),
    cli("cl-surrogate", "hostile_files", content=b"\\[ x = \xed\xa0\x80 \\]\n"),
    # nesting and size
    cli("cl-deep-braces", "hostile_files", content=DEEP_BRACES, time_bound=60),
    cli("cl-deep-frac", "hostile_files", content=DEEP_FRAC, time_bound=60),
    cli("cl-deep-paren", "hostile_files", content=DEEP_PAREN, time_bound=60),
    cli("cl-deep-sqrt", "hostile_files", content=DEEP_SQRT, time_bound=60),
    cli("cl-power-tower", "hostile_files", content=DEEP_POW, time_bound=60, args=("--timeout", "3"),
        truth="false", why="2^2^...^2 (61 twos) is not 4"),
    cli("cl-long-sum", "hostile_files", content=LONG_SUM, time_bound=90, args=("--timeout", "3")),
    cli("cl-many-rows", "hostile_files", content=MANY_ROWS, time_bound=180, args=("--timeout", "2")),
    cli("cl-long-number", "hostile_files", content=LONG_NUMBER, time_bound=60, truth="false",
        why="a 200000-digit number is not 1"),
    cli("cl-huge-power", "hostile_files", content=HUGE_POWER, time_bound=60, args=("--timeout", "3"),
        truth="false", why="a + 1 != a"),
    cli("cl-factorial", "hostile_files", content=FACT, time_bound=60, args=("--timeout", "3"), truth="false"),
    cli("cl-unclosed-env", "hostile_files", content=b"\\begin{align*}\nx &= x\n"),
    cli("cl-unbalanced", "hostile_files", content=b"\\[ \\frac{1}{2 = x \\]\n"),
    cli("cl-only-text", "hostile_files", content=b"Just some prose, no math at all.\n"),
    cli("cl-math-in-comment", "hostile_files", content=b"% \\[ x = 2x \\]\n\\[ x = x \\]\n"),
    # code payloads in the text
    cli("cl-input", "code_payload", content=b"\\input{/etc/passwd}\n\\[ x = x \\]\n"),
    cli("cl-input-math", "code_payload", content=b"\\[ \\input{/etc/passwd} = x \\]\n"),
    cli("cl-include", "code_payload", content=b"\\include{secret}\n\\[ x = x \\]\n"),
    cli("cl-write18", "code_payload", marker=_marker("write18"),
        content=f"\\immediate\\write18{{touch {TMP / _marker('write18')}}}\n\\[ x = x \\]\n"),
    cli("cl-write18-math", "code_payload", marker=_marker("write18m"),
        content=f"\\[ \\write18{{touch {TMP / _marker('write18m')}}} x = x \\]\n"),
    cli("cl-py-in-math", "code_payload", marker=_marker("pymath"),
        content=f"\\[ {_payload('pymath')} = 1 \\]\n"),
    cli("cl-py-in-text", "code_payload", marker=_marker("pytext"),
        content=f"\\[ x = x \\quad \\text{{{_payload('pytext')}}} \\]\n"),
    cli("cl-py-in-header", "code_payload", marker=_marker("pyhead"),
        content=f"% derive: assume x {_payload('pyhead')}\n\\[ x = x \\]\n"),
    cli("cl-py-in-range", "code_payload", marker=_marker("pyrange"),
        content=f"% derive: assume x 0<x<{_payload('pyrange')}\n\\[ x = x \\]\n"),
    cli("cl-py-function-name", "code_payload", marker=_marker("pyfunc"),
        content=f"% derive: function {_payload('pyfunc')}\n\\[ x = x \\]\n"),
    cli("cl-py-operatorname", "code_payload", marker=_marker("pyop"),
        content=f"\\[ \\operatorname{{eval}}(\\text{{{_payload('pyop')}}}) = 1 \\]\n"),
    cli("cl-py-mathrm", "code_payload", marker=_marker("pyrm"),
        content="\\[ \\mathrm{exec}(x) = \\mathrm{os.system}(x) \\]\n"),
    cli("cl-lambda", "code_payload", content=b"\\[ lambda = x \\]\n"),
    cli("cl-dunder", "code_payload", content=b"\\[ x.__class__ = x \\]\n"),
    cli("cl-sympify-payload", "code_payload", marker=_marker("sympify"),
        content=f"\\[ Symbol('x') + {_payload('sympify')} = 0 \\]\n"),
    cli("cl-def", "code_payload", content=b"\\def\\x{y}\n\\newcommand{\\foo}{x}\n\\[ \\foo = \\x \\]\n"),
    cli("cl-catcode", "code_payload", content=b"\\catcode`\\$=11\n\\[ x = x \\]\n"),
    cli("cl-proofs-import", "code_payload", setup=_evil_proofs, marker=_marker("proofs_import"),
        args=("--against", "tanh_eq_two_sigmoid_two_mul_sub_one"),
        why="./proofs/evil.py of the graded folder must never be imported (issue class 15)"),
    cli("cl-cwd-derive", "code_payload", setup=_evil_file("derive.py"),
        marker=_marker("cwd_derive.py"),
        why="derive.py in the graded (working) folder must never be imported"),
    cli("cl-cwd-sympy", "code_payload", setup=_evil_file("sympy.py"),
        marker=_marker("cwd_sympy.py"),
        why="sympy.py in the graded (working) folder must never be imported"),
    cli("cl-cwd-sitecustomize", "code_payload", setup=_evil_file("sitecustomize.py"),
        marker=_marker("cwd_sitecustomize.py"),
        why="sitecustomize.py in the graded (working) folder must never be imported"),
    cli("cl-cwd-conftest", "code_payload", setup=_evil_file("conftest.py"),
        marker=_marker("cwd_conftest.py"),
        why="conftest.py in the graded (working) folder must never be imported"),
    cli("cl-cwd-derive-__init__", "code_payload", setup=_evil_file("derive/__init__.py"),
        marker=_marker("cwd_derive___init__.py"),
        why="derive/__init__.py in the graded (working) folder must never be imported"),
    # command-line values
    cli("cl-timeout-nan", "cli_flags", content=OK_TEX, args=("--timeout", "nan"), located=r"timeout"),
    cli("cl-timeout-inf", "cli_flags", content=OK_TEX, args=("--timeout", "inf"), located=r"timeout"),
    cli("cl-timeout-neg", "cli_flags", content=OK_TEX, args=("--timeout", "-1"), located=r"timeout"),
    cli("cl-timeout-zero", "cli_flags", content=OK_TEX, args=("--timeout", "0"), located=r"timeout"),
    cli("cl-timeout-1e309", "cli_flags", content=OK_TEX, args=("--timeout", "1e309"), located=r"timeout"),
    cli("cl-timeout-word", "cli_flags", content=OK_TEX, args=("--timeout", "soon"), located=r"timeout"),
    cli("cl-jobs-zero", "cli_flags", setup=_many_files, args=("--jobs", "0", "--out", "{dir}"),
        located=r"jobs", time_bound=300),
    cli("cl-jobs-neg", "cli_flags", setup=_many_files, args=("--jobs", "-3", "--out", "{dir}"),
        located=r"jobs", time_bound=300),
    cli("cl-file-memory-1", "cli_flags", content=OK_TEX, args=("--file-memory", "1"), located=r"memory"),
    cli("cl-file-timeout-nan", "cli_flags", setup=_many_files, args=("--file-timeout", "nan", "--out", "{dir}"),
        located=r"file-timeout", time_bound=300),
    cli("cl-against-missing", "cli_flags", content=TANH_TEX, args=("--against", "no_such_proof", "--path", "{root}/proofs"),
        located=r"no_such_proof"),
    cli("cl-against-path", "cli_flags", content=TANH_TEX, args=("--against", "../../etc/passwd", "--path", "{root}/proofs"),
        located=r"passwd"),
    cli("cl-against-builtin-elsewhere", "cli_flags", content=TANH_TEX, truth="true",
        args=("--json", "--against", "tanh_eq_two_sigmoid_two_mul_sub_one"), expect_rc=(0,),
        why="built-in proofs come from the installed package, from any working folder (issue class 15)"),
    cli("cl-latex-bad-dir", "cli_flags", content=OK_TEX, args=("--latex", "/nonexistent/dir/out.tex"),
        located=r"nonexistent"),
    cli("cl-latex-overwrite-input", "cli_flags", setup=_bad_outdir, args=("--latex", "{dir}/a.tex"),
        located=r"a\.tex", why="writing the marked copy over the input itself"),
    cli("cl-out-is-file", "cli_flags", setup=_many_files, args=("--out", "/etc/passwd"), located=r"passwd",
        time_bound=300),
    # --against: a derivation of something else must not pass
    cli("ag-other-identity", "against", content=OK_TEX, truth="false",
        args=("--json", "--against", "tanh_eq_two_sigmoid_two_mul_sub_one", "--path", "{root}/proofs"),
        why="sigma(-z) = 1 - sigma(z) is not tanh(a) = 2 sigma(2a) - 1"),
    cli("ag-trivial", "against", content="\\[ x = x \\]\n", truth="false",
        args=("--json", "--against", "tanh_eq_two_sigmoid_two_mul_sub_one", "--path", "{root}/proofs")),
    cli("ag-tanh-vs-sigmaneg", "against", content=TANH_TEX, truth="false",
        args=("--json", "--against", "sigmoid_neg", "--path", "{root}/proofs")),
    cli("ag-right", "against", content=TANH_TEX, truth="true",
        args=("--json", "--against", "tanh_eq_two_sigmoid_two_mul_sub_one", "--path", "{root}/proofs")),
    cli("ag-swapped", "against", content="\\[ 2\\sigma(2a) - 1 = \\tanh(a) \\]\n", truth="true",
        args=("--json", "--against", "tanh_eq_two_sigmoid_two_mul_sub_one", "--path", "{root}/proofs"), why="either order of the sides"),
    cli("ag-renamed", "against", content="\\[ \\tanh(x) = 2\\sigma(2x) - 1 \\]\n", truth="true",
        args=("--json", "--against", "tanh_eq_two_sigmoid_two_mul_sub_one", "--path", "{root}/proofs"),
        why="the same statement in another variable"),
    cli("ag-half-of-it", "against", content="\\[ \\tanh(a) = \\tanh(a) \\]\n", truth="false",
        args=("--json", "--against", "tanh_eq_two_sigmoid_two_mul_sub_one", "--path", "{root}/proofs")),
    cli("ag-wrong-derivation", "against", content="\\[ \\tanh(a) = 2\\sigma(a) - 1 \\]\n", truth="false",
        args=("--json", "--against", "tanh_eq_two_sigmoid_two_mul_sub_one", "--path", "{root}/proofs")),
]
