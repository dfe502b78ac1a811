"""STACK's ``AlgEquiv`` answer-test fixtures (``../shared/benchmarks/stack_algequiv.json``):
``equal()`` and the two SymPy baselines on every case translated to SymPy.

The translations are benchmark data written by us, not user input, so they are read with
SymPy's own parser here (a user's text never is). Free symbols are real for every system
(STACK's convention and ours): the baselines are the "-real" rows of ``stack_algequiv.md``.
Scored against ``true_mark``: ``equal()`` proved = says equal, refuted = says different,
unknown = undecided; ``simplify(a-b) == 0`` False counts as "says different".
"""
from __future__ import annotations

import json
from pathlib import Path

from bench.steps import SYSTEMS, outcome

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks" / "stack_algequiv.json"


def load(path: Path = DATA) -> list:
    import sympy as sp

    cases = []
    for c in json.loads(path.read_text()):
        if not (c["sa_sympy"] and c["ta_sympy"]) or c["true_mark"] is None:
            continue
        sa, ta = sp.sympify(c["sa_sympy"]), sp.sympify(c["ta_sympy"])  # trusted benchmark data
        cases.append({**c, "sa": sa, "ta": ta})
    return cases


def _outcome(said: str, mark: int) -> str:
    return outcome(said, mark == 1)


def run(timeout: float = 10.0, progress=print, limit: int | None = None) -> dict:
    from bench.cases import Case
    from bench.steps import decide

    rows = []
    cases = load()
    if limit:
        cases = cases[::max(1, len(cases) // limit)]
    for n, c in enumerate(cases, 1):
        case = Case(f"#{c['id']}", "stack", c["sa"], c["ta"], {}, c["true_mark"] == 1)
        row = {"id": c["id"], "test": c["test"], "sa": c["sa_sympy"], "ta": c["ta_sympy"], "mark": c["true_mark"],
               "caveat": bool(c["caveat"]), "stack_correct": not c["stack_fails"]}
        for system in SYSTEMS:
            said, seconds, how = decide(system, case, timeout)
            row[system] = (said, seconds, how)
            row[system + " outcome"] = _outcome(said, c["true_mark"])
        rows.append(row)
        if n % 40 == 0:
            progress(f"  stack: {n}/{len(cases)}")
    return {"rows": rows, "summary": summarise(rows)}


def summarise(rows) -> dict:
    out = {}
    for subset, pick in (("AlgEquiv", lambda r: r["test"] == "AlgEquiv"),
                         ("AlgEquiv without caveats", lambda r: r["test"] == "AlgEquiv" and not r["caveat"]),
                         ("AlgEquivNouns", lambda r: r["test"] == "AlgEquivNouns")):
        sel = [r for r in rows if pick(r)]
        per = {"n": len(sel), "STACK": {"correct": sum(r["stack_correct"] for r in sel)}}
        for system in SYSTEMS:
            outcomes = [r[system + " outcome"] for r in sel]
            per[system] = {k: outcomes.count(k) for k in ("correct", "false equal", "false different", "undecided")}
        out[subset] = per
    return out


def table(summary) -> str:
    lines = []
    for subset, per in summary.items():
        lines += [f"**{subset}**, n = {per['n']}", "",
                  "| checker | correct | false equal | false different | undecided |", "|---|---|---|---|---|",
                  f"| STACK itself (fixture labels) | {per['STACK']['correct']} | | | |"]
        for system in SYSTEMS:
            s = per[system]
            lines.append(f"| `{system}` (free symbols real) | {s['correct']} | {s['false equal']} | "
                         f"{s['false different']} | {s['undecided']} |")
        lines.append("")
    return "\n".join(lines)
