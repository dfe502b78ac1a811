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
COLOUR = {"proved": "ForestGreen", "given": "black", "refuted": "red", "unknown": "orange", "unparsed": "gray"}


def positive_number(text: str) -> float:
    """An argparse type: a positive, finite number (``nan``, ``inf`` and ``-1`` are usage errors)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a positive, finite number")
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
    p.add_argument("--latex", metavar="OUT.tex", help="write the derivation back with every line marked")
    p.add_argument("--timeout", type=positive_number, default=10.0, help="seconds per step (default 10)")
    p.add_argument("--file-timeout", type=positive_number, default=300.0,
                   help="seconds per file in a folder; a file still running then is stopped (default 300)")
    p.add_argument("--file-memory", type=positive_number, default=2048.0, metavar="MB",
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
        if s.message:
            out.write(f"              {s.message}\n")
    n = len([s for s in report.steps if s.status != "given"])
    good = len([s for s in report.steps if s.status == "proved"])
    out.write(f"{good} of {n} steps proved" + (f"; first error at line {report.steps[first].line}"
                                               if first is not None else "") + "\n")
    if report.against:
        out.write(f"against {report.against['name']}: {report.against['status']}\n")
    return out.getvalue()


def marked_latex(report) -> str:
    """The derivation written back, each line coloured by its verdict with a margin note."""
    from ..proofs.latex import escape_text

    lines = [r"\documentclass[11pt]{article}", r"\usepackage{amsmath,amssymb}",
             r"\usepackage[dvipsnames]{xcolor}", r"\usepackage[margin=2cm,marginparwidth=5cm,right=6.5cm]{geometry}",
             r"\begin{document}", r"\section*{Derivation checked by \texttt{derive}}",
             r"\noindent File: \texttt{%s}\par" % escape_text(report.file)]
    if report.assume:
        lines.append(r"\noindent Assumptions: " + escape_text(", ".join(f"{k} {v}" for k, v in report.assume.items()))
                     + r"\par")
    for s in report.steps:
        colour = COLOUR[s.status]
        note = s.status
        if s.status == "refuted" and s.counterexample is not None:
            note += ": " + (", ".join(f"{k} = {v}" for k, v in s.counterexample.items()) or "the values differ")
        elif s.status == "unparsed":
            note += ": " + s.message
        elif s.relation in ("=>", "<=>"):
            note += " (" + {"=>": "implication only", "<=>": "equivalence"}[s.relation] + ")"
        body = s.read_as if s.read_as and s.status != "unparsed" else None
        math = (r"\[ {\color{%s} %s} \]" % (colour, body.replace("definition: ", ""))) if body else \
            r"\begin{center}\color{gray}\texttt{%s}\end{center}" % escape_text(s.latex[:300])
        lines.append(r"\marginpar{\small\color{%s} line %d: %s%s}" % (
            colour, s.line, escape_text(note[:300]),
            (r"\\ \textit{" + escape_text(s.reason[:200]) + "}") if s.reason else ""))
        lines.append(math)
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"


def _grade_one(path, args):
    from .grade import grade

    return grade(path, against=args.against, timeout=args.timeout, proofs_path=args.path)


def cmd_grade(args) -> int:
    target = Path(args.target)
    if target.is_dir():
        return _grade_dir(target, args)
    from .filepool import limit_memory

    limit_memory(args.file_memory)  # inherited by the decision worker, started on first need
    report = _grade_one(target, args)
    if args.latex:
        from ..proofs.latex import write_atomic

        write_atomic(Path(args.latex), marked_latex(report))
    if args.json:
        json.dump(report.to_json(), sys.stdout, indent=1)
        sys.stdout.write("\n")
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
               "message": r.steps[r.first_error].method if r.first_error is not None else ""}
    except DeriveError as exc:
        row = _empty_row(path, "unreadable", str(exc))
    except MemoryError:
        raise  # the file pool reports the memory bound
    except Exception as exc:  # one bad file never stops the rest
        row = _empty_row(path, "failed", f"{type(exc).__name__}: {exc}")
    row["seconds"] = round(time.perf_counter() - t0, 3)
    return row


def _grade_dir(folder: Path, args) -> int:
    from functools import partial

    from .filepool import run_files

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
        print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{len(files)}", end="", file=sys.stderr,
              flush=True)
    print(file=sys.stderr)
    out = Path(args.out)
    from ..proofs.latex import write_atomic

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
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
