"""Reading LaTeX as people write it: how much is read, what is refused, and what reading costs.

On every display row of the project's corpus (``tests/corpus``) and of the derivations written
by others (``../shared/benchmarks/external``: a PRML solution manual, textbook and course notes),
each formula of the row is read in this process: a row is *read* when all its formulas are,
*refused* when the reader declines one with a located message (the construct it names is
counted), *failed* when anything else went wrong. The cost of a row is measured in three
parts: the tokenizer and tree alone, the whole reading, and the share of it spent in
latex2sympy2 reading the arithmetic leaves. Math-Verify's 47 formula pairs are read and
compared with ``equal``. Nothing in the shared folder is copied or written.

Usage: ``python -m bench.reading [--reps 3] [--no-mathverify]``. Writes
``bench/results/reading.md``.
"""
from __future__ import annotations

import argparse
import collections
import json
import re
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "benchmarks" / "external"
RESULTS = ROOT / "bench" / "results"
SETS = {"corpus": ROOT / "tests" / "corpus", "prml": SHARED / "prml", "textbooks": SHARED / "textbooks"}


def _construct(message: str) -> str:
    """The construct a refusal names, without its place."""
    m = re.sub(r"\s*\(line \d+, column \d+\)", "", message)
    m = re.sub(r"'[^']*'", "'…'", m)
    return m.split(":")[0][:70]


def read_set(folder: Path, reps: int) -> dict:
    """Rows read / refused / failed, the refusals by construct, and per-row costs (seconds)."""
    from derive.errors import DeriveError, LatexParseError
    from derive.reading.document import read_document
    from derive.reading.notation import Context, _latex2sympy, read
    from derive.reading.tokens import Source, tokenize
    from derive.reading.tree import parse_tree

    out = {"files": 0, "rows": 0, "read": 0, "refused": 0, "failed": 0, "file_errors": 0,
           "constructs": collections.Counter(), "token_s": [], "read_s": [], "leaf_s": [], "read_first_s": [],
           "examples": {}}
    for path in sorted(folder.glob("*.tex")):
        text = path.read_text(encoding="utf-8")
        out["files"] += 1
        try:
            doc = read_document(text, str(path))
        except DeriveError as exc:
            out["file_errors"] += 1
            out["constructs"]["(file) " + _construct(str(exc).split(": ", 1)[-1])] += 1
            continue
        for row in doc.rows:
            out["rows"] += 1
            if row.error is not None:
                out["refused"] += 1
                out["constructs"][_construct(row.error.message)] += 1
                continue
            status, message = "read", ""
            tok_t, read_t, leaf_t = [0.0] * reps, [0.0] * reps, [0.0] * reps
            for rel, chunk in row.parts:
                if not chunk.text.strip():
                    continue
                ctx = Context(set(doc.functions), {}, str(path), row.line, assume=doc.assume, bound=doc.bound,
                              positions=chunk.positions)
                for rep in range(reps):
                    if rep:
                        _latex2sympy.cache_clear()    # later readings: the parser warm, nothing cached
                    t0 = time.perf_counter()
                    src = Source(chunk.text, ctx.file, positions=ctx.positions)
                    try:
                        parse_tree(src, tokenize(src))
                    except LatexParseError:
                        pass
                    tok_t[rep] += time.perf_counter() - t0
                    t0 = time.perf_counter()
                    try:
                        _, leaf = read(chunk.text, ctx)
                        leaf_t[rep] += leaf
                    except LatexParseError as exc:
                        status, message = "refused", exc.message
                    except Exception as exc:  # noqa: BLE001  (a failure of the reader is what is measured)
                        status, message = "failed", f"{type(exc).__name__}: {exc}"
                    read_t[rep] += time.perf_counter() - t0
            out["token_s"].append(tok_t[-1])
            out["read_s"].append(read_t[-1])
            out["leaf_s"].append(leaf_t[-1])
            out["read_first_s"].append(read_t[0])
            out[status] += 1
            if status != "read":
                key = _construct(message)
                out["constructs"][key] += 1
                out["examples"].setdefault(key, f"{path.name}:{row.line}: {row.text[:90]}")
    return out


def mathverify() -> dict:
    """Math-Verify's formula pairs (its own test cases): correct / false equal / undecided / unparsed."""
    from derive import equal
    from derive.errors import LatexParseError
    from derive.reading.parse import parse_latex

    cases = [c for c in json.loads((SHARED / "mathverify" / "cases.json").read_text())["cases"] if c.get("kept")]
    tally, rows = collections.Counter(), []
    for c in cases:
        try:
            g, p = parse_latex(c["derive_gold"]), parse_latex(c["derive_pred"])
        except LatexParseError as exc:
            tally["unparsed"] += 1
            rows.append((c["id"], "unparsed", exc.message[:60]))
            continue
        v = equal(g, p, timeout=10)
        if v.status == "unknown":
            verdict = "undecided"
        elif (v.status == "proved") == bool(c["expected"]):
            verdict = "correct"
        else:
            verdict = "false_equal" if v.status == "proved" else "false_different"
        tally[verdict] += 1
        rows.append((c["id"], verdict, f"{c['derive_gold'][:30]} vs {c['derive_pred'][:30]}"))
    return {"n": len(cases), "tally": tally, "rows": rows}


def _ms(xs) -> str:
    return f"{statistics.median(xs) * 1000:.2f}" if xs else "-"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=2,
                    help="readings of each formula: the first in this fresh process, the last with the parser warm")
    ap.add_argument("--no-mathverify", action="store_true")
    args = ap.parse_args(argv)
    lines = ["# Reading LaTeX: rows read, refusals by construct, cost per row", "",
             "Command: `.venv/bin/python -m bench.reading`" + (f" --reps {args.reps}" if args.reps != 2 else ""), "",
             "Median milliseconds per row: *first* = the first reading in a fresh process (the cost for one "
             "file graded alone); the other columns are a second reading with latex2sympy2's parser warm and "
             "nothing cached (the cost inside a grading run): tokens+tree alone, the whole reading, and the "
             "part of it spent in latex2sympy2 on the arithmetic leaves.", "",
             "| set | files | rows | read | refused | failed | files refused whole | read % | ms first | "
             "ms tokens+tree | ms whole | ms latex2sympy2 |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    all_sets = {}
    for name, folder in SETS.items():
        if not folder.is_dir():
            lines.append(f"| {name} | (missing: {folder}) |")
            continue
        r = read_set(folder, args.reps)
        all_sets[name] = r
        pct = 100.0 * r["read"] / r["rows"] if r["rows"] else 0.0
        lines.append(f"| {name} | {r['files']} | {r['rows']} | {r['read']} | {r['refused']} | {r['failed']} | "
                     f"{r['file_errors']} | {pct:.1f} | {_ms(r['read_first_s'])} | {_ms(r['token_s'])} | "
                     f"{_ms(r['read_s'])} | {_ms(r['leaf_s'])} |")
        print(lines[-1], flush=True)
    ext = [all_sets[k] for k in ("prml", "textbooks") if k in all_sets]
    if ext:
        rows = sum(r["rows"] for r in ext)
        got = sum(r["read"] for r in ext)
        allr = [x for r in all_sets.values() for x in r["read_s"]]
        lines += ["", f"External set (PRML + textbooks): {got} of {rows} rows read "
                      f"({100.0 * got / max(rows, 1):.1f} %). All sets: median {_ms(allr)} ms per row (warm)."]
    for name, r in all_sets.items():
        if r["constructs"]:
            lines += ["", f"## What is not read in {name} (rows, by the construct the message names)", "",
                      "| rows | construct | first example |", "|---|---|---|"]
            for c, k in r["constructs"].most_common():
                ex = r["examples"].get(c, "").replace("|", "\\|")
                lines.append(f"| {k} | {c.replace('|', '/')} | `{ex}` |")
    if not args.no_mathverify and (SHARED / "mathverify" / "cases.json").exists():
        mv = mathverify()
        t = mv["tally"]
        lines += ["", "## Math-Verify's formula pairs", "",
                  f"{mv['n']} pairs: correct {t['correct']}, false equal {t['false_equal']}, false different "
                  f"{t['false_different']}, undecided {t['undecided']}, unparsed {t['unparsed']}.", "",
                  "| case | verdict | detail |", "|---|---|---|"]
        lines += [f"| {i} | {v} | `{d.replace('|', '/')}` |" for i, v, d in mv["rows"] if v != "correct"]
        print(lines[-len(mv["rows"]) - 4] if mv["rows"] else "", flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "reading.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
