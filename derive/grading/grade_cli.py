"""``derive grade FILE|DIR``: the terminal view, the JSON object, the marked-up LaTeX, whole classes.

One file: each line marked with its status and how it was read ("read as ..."), the
first error highlighted with its counterexample. A folder: every ``.tex`` file under it,
graded ``--jobs`` at a time (one worker process each), a progress line, a summary table
and ``derive-grades.csv`` / ``derive-grades.json`` with one row per file; a bad file is a
row marked as such, never the end of the run. Input files are only read.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import sys
import time
from pathlib import Path

from ..errors import DeriveError

MARK = {"given": " ", "proved": "✓", "refuted": "✗", "unknown": "?", "unparsed": "!"}


def positive_number(text: str) -> float:
    """An argparse type: a positive, finite number (``nan``, ``inf`` and ``-1`` are usage errors)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a positive, finite number")
    return value


#: the least --file-memory (MB): below it Python and SymPy cannot even start to read a file
MIN_FILE_MEMORY = 256.0


def memory_mb(text: str) -> float:
    """An argparse type: a memory bound in MB, at least :data:`MIN_FILE_MEMORY`."""
    value = positive_number(text)
    if value < MIN_FILE_MEMORY:
        raise argparse.ArgumentTypeError(f"{text!r}: give at least {MIN_FILE_MEMORY:g} MB "
                                         f"(Python and SymPy alone need about that much)")
    return value


def positive_int(text: str) -> int:
    """An argparse type: a positive whole number."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a positive whole number")
    return value


def add_grade_parser(sub) -> None:
    p = sub.add_parser("grade", help="check a person's LaTeX derivation line by line")
    p.add_argument("target", metavar="FILE|DIR", help="a .tex file, or a folder of them")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--against", metavar="NAME", help="also compare the result with a built-in proof's")
    p.add_argument("--latex", metavar="OUT.tex|DIR",
                   help="write the derivation back with every line marked (a folder: one file per answer "
                        "and class-summary.tex)")
    p.add_argument("--pdf", action="store_true", help="with --latex, also compile the marked files with pdflatex")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="no progress bar; for one file, only the summary line")
    p.add_argument("--timeout", type=positive_number, default=10.0, help="seconds per step (default 10)")
    p.add_argument("--file-timeout", type=positive_number, default=300.0,
                   help="seconds per file in a folder; a file still running then is stopped (default 300)")
    p.add_argument("--file-memory", type=memory_mb, default=2048.0, metavar="MB",
                   help="address-space bound per grading process (and its worker), in MB (default 2048)")
    p.add_argument("-j", "--jobs", type=positive_int, default=None, help="files graded at once (default: one per core)")
    p.add_argument("--out", default=".", help="folder for derive-grades.csv/.json when grading a folder")
    p.add_argument("--proofs", "--path", dest="path", metavar="PATH",
                   help="a proof file or folder for --against (default: derive's built-in proofs; "
                        "./proofs is never read unless named here)")
    p.set_defaults(func=cmd_grade)


def _terminal(report) -> str:
    out = io.StringIO()
    first = report.first_error
    out.write(f"{report.file}\n")
    if report.assume:
        out.write("  assuming " + ", ".join(f"{k} {v}" for k, v in report.assume.items()) + "\n")
    for s in report.steps:
        flag = ">>" if s.index == first else "  "
        rel = f" [{s.relation}]" if s.relation not in ("=", "", "equation") else ""
        out.write(f"{flag}{MARK[s.status]} line {s.line:>3}  {s.status:<8}{rel}  {s.latex}\n")
        if s.read_as and s.status != "unparsed":
            out.write(f"              read as {s.read_as}\n")
        if s.reason:
            out.write(f"              stated reason: {s.reason}\n")
        if s.status == "refuted" and s.counterexample is not None:
            point = ", ".join(f"{k} = {v}" for k, v in s.counterexample.items()) or "(no free symbols)"
            out.write(f"              counterexample: {point}" + (f"; {s.detail}" if s.detail else "") + "\n")
        if s.status in ("proved", "unknown") and s.method:
            ranges = [a for a in s.assumptions if "<=" in a]  # index ranges a derivative relied on
            out.write(f"              {s.method}" + (f" (for {', '.join(ranges)})" if ranges else "") + "\n")
        if s.status == "proved" and s.conditions:
            out.write(f"              valid for {', '.join(s.conditions)}\n")
        if s.message:
            out.write(f"              {s.message}\n")
    n = len([s for s in report.steps if s.status != "given"])
    good = len([s for s in report.steps if s.status == "proved"])
    out.write(f"{good} of {n} steps proved" + (f"; first error at line {report.steps[first].line}"
                                               if first is not None else "") + "\n")
    if report.against:
        out.write(f"against {report.against['name']}: {report.against['status']}\n")
    return out.getvalue()


def _grade_one(path, args):
    from .grade import grade

    return grade(path, against=args.against, timeout=args.timeout, proofs_path=args.path)


def marked_latex(report) -> str:
    """The marked document of a graded file (see :mod:`derive.grading.marked`)."""
    from .marked import marked_latex as marked

    return marked(report)


def _write_marked(report, out: Path, pdf: bool) -> Path:
    from ..proofs.latex import compile_pdf, write_atomic

    write_atomic(out, marked_latex(report))
    if pdf:
        compile_pdf(out, out.parent)
    return out


def cmd_grade(args) -> int:
    target = Path(args.target)
    if target.is_dir():
        return _grade_dir(target, args)
    from .filepool import limit_memory

    limit_memory(args.file_memory)  # inherited by the decision worker, started on first need
    try:
        report = _grade_one(target, args)
    except DeriveError as exc:
        if not args.json:
            raise
        # --json promises one object on standard output, an unreadable file included
        json.dump({"file": str(target), "error": str(exc), "steps": [], "first_error": None}, sys.stdout, indent=1)
        sys.stdout.write("\n")
        print(f"derive: {exc}", file=sys.stderr)
        return 2
    if args.latex:
        _write_marked(report, Path(args.latex), args.pdf)
    if args.json:
        json.dump(report.to_json(), sys.stdout, indent=1)
        sys.stdout.write("\n")
    elif args.quiet:
        sys.stdout.write(_terminal(report).splitlines()[-1 if not report.against else -2] + "\n")
    else:
        sys.stdout.write(_terminal(report))
    return 0 if report.ok else 1


def _empty_row(path, status: str, message: str) -> dict:
    return {"file": str(path), "status": status, "steps": 0, "proved": 0, "refuted": 0, "unknown": 0,
            "unparsed": 0, "first_error_line": "", "message": message}


def _row_for(path, args) -> dict:
    """One file's row of the class table; a bad file is a row marked as such, never an exception."""
    t0 = time.perf_counter()
    try:
        r = _grade_one(path, args)
        steps = [s for s in r.steps if s.status != "given"]
        row = {"file": str(path), "status": "ok" if r.ok else "errors", "steps": len(steps),
               **{k: sum(s.status == k for s in steps) for k in ("proved", "refuted", "unknown", "unparsed")},
               "first_error_line": r.steps[r.first_error].line if r.first_error is not None else "",
               "message": _problem(r)}
        if getattr(args, "latex", None):
            row["marked"] = str(_write_marked(r, _marked_path(Path(args.latex), path, args), False))
    except DeriveError as exc:
        row = _empty_row(path, "unreadable", str(exc))
    except MemoryError:
        raise  # the file pool reports the memory bound
    except Exception as exc:  # one bad file never stops the rest
        row = _empty_row(path, "failed", f"{type(exc).__name__}: {exc}")
    row["seconds"] = round(time.perf_counter() - t0, 3)
    return row


def _problem(report) -> str:
    """The CSV's message: the problem at the first error (never the method of a proved step)."""
    from .marked import problem

    if report.first_error is not None:
        return problem(report.steps[report.first_error])
    if report.against and report.against.get("status") != "proved":
        return f"against {report.against['name']}: {report.against['status']}"
    return ""


def _marked_path(out: Path, path: Path, args) -> Path:
    """Where the marked copy of ``path`` goes under the ``--latex`` folder (its relative path, flattened)."""
    rel = Path(path).resolve().relative_to(Path(args.target).resolve())
    return out / ("__".join(rel.with_suffix("").parts) + "-marked.tex")


def _grade_dir(folder: Path, args) -> int:
    from functools import partial

    from ..proofs.latex import write_atomic

    from .filepool import run_files

    out = Path(args.out)
    if out.exists() and not out.is_dir():  # checked before any grading: nothing is written
        raise DeriveError(f"{out}: --out names an existing file; it must be a folder")
    files = sorted(p for p in folder.rglob("*.tex") if p.is_file())
    if not files:
        raise DeriveError(f"{folder}: no .tex files")
    jobs = max(1, args.jobs or os.cpu_count() or 1)
    start = time.perf_counter()
    rows = [None] * len(files)
    # one long-lived process per job (reading a file is Python work: threads would share one
    # interpreter lock), each with its own bounded worker; a file past its time or memory bound
    # is stopped and reported, and the rest go on
    results = run_files(partial(_row_for, args=args), files, jobs, args.file_timeout, args.file_memory)
    for done, (n, status, value) in enumerate(results, start=1):
        if status == "done":
            rows[n] = value
        else:
            message = {"memory": f"memory bound of {args.file_memory:g} MB reached"}.get(status, value)
            rows[n] = {**_empty_row(files[n], "killed" if status in ("killed", "memory") else "failed",
                                    message), "seconds": None}
        filled = int(30 * done / len(files))
        if not args.quiet:
            print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{len(files)}", end="", file=sys.stderr,
                  flush=True)
    if not args.quiet:
        print(file=sys.stderr)
    if args.latex:
        from ..proofs.latex import compile_many
        from .marked import class_summary_latex

        summary_tex = Path(args.latex) / "class-summary.tex"
        write_atomic(summary_tex, class_summary_latex(rows, str(folder)))
        if args.pdf:
            marked = [Path(r["marked"]) for r in rows if r.get("marked")] + [summary_tex]
            compile_many(marked, Path(args.latex), runs=1, jobs=jobs)
    out = Path(args.out)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(out / "derive-grades.csv", buf.getvalue())
    summary = {"folder": str(folder), "files": len(rows), "seconds": round(time.perf_counter() - start, 2),
               "rows": rows}
    write_atomic(out / "derive-grades.json", json.dumps(summary, indent=1) + "\n")
    if args.json:
        json.dump(summary, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        w = max(len(r["file"]) for r in rows)
        print(f"{'file':<{w}}  {'status':<10} {'steps':>5} {'proved':>6} {'refuted':>7} {'unknown':>7} "
              f"{'unparsed':>8}  first error")
        for r in rows:
            print(f"{r['file']:<{w}}  {r['status']:<10} {r['steps']:>5} {r['proved']:>6} {r['refuted']:>7} "
                  f"{r['unknown']:>7} {r['unparsed']:>8}  {r['first_error_line'] or r['message'][:60]}")
        print(f"{len(rows)} files in {summary['seconds']} s; wrote {out / 'derive-grades.csv'} and "
              f"{out / 'derive-grades.json'}")
    return 0 if all(r["status"] == "ok" for r in rows) else 1
