"""The ``derive`` command: list, check and export proofs; grade a person's derivation.

Exit codes: 0 every step proved; 1 some step refuted or unknown; 2 a usage error or
unreadable / unparsable input, with a message naming the place. With ``--json``
standard output holds one JSON object and nothing else; progress goes to stderr.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

from .errors import DeriveError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _entries(targets: list[str], path: str | None):
    """Resolve ``[PATH | NAME ...]`` into proof entries."""
    from .proofs.discover import DEFAULT_PATH, discover, select

    paths = [t for t in targets if Path(t).exists() and (Path(t).is_dir() or t.endswith(".py"))]
    names = [t for t in targets if t not in paths]
    roots = paths or [path or DEFAULT_PATH]
    entries = discover(roots)
    return select(entries, names) if names else entries


def cmd_list(args) -> int:
    entries = _entries(args.targets, args.path)
    width = max([len(e.name) for e in entries] + [5])
    print(f"{'proof':<{width}}  {'steps':>5}  family / title")
    for e in entries:
        # a builder (instantiated networks) runs only with --steps: listing stays instant
        steps = len(e.build().steps) if (e.built or args.steps) else "-"
        print(f"{e.name:<{width}}  {steps:>5}  {e.family} / {e.title}")
    print(f"{len(entries)} proofs")
    return EXIT_OK


def _check_all(entries, timeout, quiet=False, jobs=None):
    """Check every proof, ``jobs`` at a time (one worker process each); reports in input order."""
    from concurrent.futures import ThreadPoolExecutor

    from .engine.worker import set_workers

    jobs = jobs or os.cpu_count() or 1
    set_workers(jobs)
    total, done = len(entries), [0]
    lock = threading.Lock()

    def one(e):
        proof = e.build()
        report = proof.check(timeout=timeout)  # None: the proof's own bound (10 s unless it says)
        with lock:
            done[0] += 1
            if not quiet:
                _err(f"[{done[0]}/{total}] {e.name}: {report.status} in {report.seconds:.2f} s")
        return e, report

    with ThreadPoolExecutor(max_workers=jobs) as ex:
        return list(ex.map(one, entries))


def cmd_check(args) -> int:
    entries = _entries(args.targets, args.path)
    start = time.perf_counter()
    reports = _check_all(entries, args.timeout, quiet=args.quiet, jobs=args.jobs)
    ok = all(r.ok for _, r in reports)
    if args.json:
        json.dump({"proofs": [r.to_json() for _, r in reports]}, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return EXIT_OK if ok else EXIT_FAILED
    width = max([len(e.name) for e, _ in reports] + [5])
    print(f"{'proof':<{width}}  {'steps':>5}  {'status':<8}  {'time':>8}")
    for e, r in reports:
        print(f"{e.name:<{width}}  {len(r.steps):>5}  {r.status:<8}  {r.seconds:>6.2f} s")
        if not r.ok:
            print(r.failure_text())
    n_ok = sum(r.ok for _, r in reports)
    print(f"{len(reports)} proofs: {n_ok} proved, {len(reports) - n_ok} not "
          f"({time.perf_counter() - start:.1f} s)")
    return EXIT_OK if ok else EXIT_FAILED


def cmd_latex(args) -> int:
    from .proofs.export import export

    entries = _entries(args.targets, args.path)
    out = Path(args.out)
    reports = _check_all(entries, args.timeout, quiet=args.quiet, jobs=args.jobs)
    # the combined sheet of what was asked for: the whole book under its usual name, a selection
    # (``derive latex proofs/activations.py``) as sheet.tex, so the committed book is not replaced
    name = args.combined or ("derive-proofs" if not args.targets else "sheet")
    title = args.title or ("Derivations of deep learning, machine-checked" if not args.targets
                           else "Derivations, machine-checked")
    written = export(reports, out, combined=True, pdf=args.pdf, title=title, combined_name=name)
    for p in written:
        print(p)
    return EXIT_OK if all(r.ok for _, r in reports) else EXIT_FAILED


def _positive_number(text: str) -> float:
    from .grading.grade_cli import positive_number

    return positive_number(text)


def _positive_int(text: str) -> int:
    from .grading.grade_cli import positive_int

    return positive_int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="derive", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p):
        p.add_argument("targets", nargs="*", metavar="PATH|NAME",
                       help="proof files or folders (default ./proofs), or proof names")
        p.add_argument("--path", help="where to look for proofs named on the command line")
        p.add_argument("--timeout", type=_positive_number, default=None,
                       help="seconds per step (default: the proof's own bound, 10 s unless it sets one)")
        p.add_argument("-q", "--quiet", action="store_true", help="no progress on standard error")
        p.add_argument("-j", "--jobs", type=_positive_int, default=None,
                       help="proofs checked at once, one worker process each (default: one per core)")

    p = sub.add_parser("list", help="list the proofs")
    p.add_argument("targets", nargs="*", metavar="PATH")
    p.add_argument("--path")
    p.add_argument("--steps", action="store_true", help="build every proof to count its steps (slower)")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("check", help="check proofs step by step")
    common(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("latex", help="export proofs as LaTeX (and PDF)")
    common(p)
    p.add_argument("--out", default="output", help="folder for the .tex files (default output/)")
    p.add_argument("--pdf", action="store_true", help="also compile with pdflatex")
    p.add_argument("--title", help="the title of the combined sheet")
    p.add_argument("--combined", metavar="NAME",
                   help="file name (without .tex) of the combined sheet (default derive-proofs, or sheet "
                        "when proofs are named)")
    p.set_defaults(func=cmd_latex)

    try:
        from .grading.grade_cli import add_grade_parser
    except ImportError:  # pragma: no cover - grading not installed
        pass
    else:
        add_grade_parser(sub)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code not in (0, None) else EXIT_OK
    try:
        return args.func(args)
    except DeriveError as exc:
        _err(f"derive: {exc}")
        return EXIT_USAGE
    except KeyboardInterrupt as exc:  # ^C, or SIGTERM/SIGHUP while grading a folder (filepool.Stopped)
        _err("derive: interrupted" + (f" ({exc})" if str(exc) else ""))
        return 128 + getattr(exc, "signum", 2)
    except BrokenPipeError:
        return EXIT_FAILED
    except MemoryError:
        bound = getattr(args, "file_memory", None)
        _err("derive: out of memory" + (f": the memory bound of {bound:g} MB (--file-memory) was reached"
                                         if bound else ""))
        return EXIT_USAGE
    except Exception as exc:  # a bug of ours: one line, not a traceback (DERIVE_DEBUG=1 shows it)
        if os.environ.get("DERIVE_DEBUG"):
            raise
        _err(f"derive: internal error: {type(exc).__name__}: {str(exc)[:300]} (run with DERIVE_DEBUG=1 "
             f"for the traceback, and please report it)")
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
