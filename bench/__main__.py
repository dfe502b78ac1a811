"""``python -m bench``: derive against the baselines a user would reach for, in one run.

Sections: the step corpus (built-in proofs, grading corpus, mutants) under ``equal()``,
``simplify(a - b) == 0`` and ``a.equals(b)``, each in its own process; STACK's AlgEquiv
fixtures; whole commands (start-up, ``derive check``, ``derive grade``). Writes
``bench/results/report.md``, ``bench/results/report.json`` and PNG plots, and prints the
summary. ``--quick`` runs a small slice (a smoke test of the benchmark itself).
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from bench import stack, startup, steps

RESULTS = Path(__file__).resolve().parent / "results"


def _ms(s: float) -> str:
    return f"{s * 1000:.1f} ms"


def goals(step_sum, stack_sum, start) -> list:
    eq = step_sum["equal()"]
    simp = "simplify(a - b) == 0"
    ratio = eq[f"ratio of medians vs {simp}"]
    st = stack_sum["AlgEquiv"]["equal()"]
    caveat_free = stack_sum["AlgEquiv without caveats"]["equal()"]["false equal"]
    cmds = {r["command"]: r for r in start["rows"]}
    check = next(r for c, r in cmds.items() if c == "derive check")
    return [
        ("zero false \"equal\" on the step corpus", f"{eq['false equal']}", eq["false equal"] == 0),
        ("proves every true step either baseline proves", f"missed {len(step_sum['missed'])}",
         not step_sum["missed"]),
        ("median time at most 1/5 of plain simplify's (ratio of medians)", f"{ratio:.3f}", ratio <= 0.2),
        ("total time at most 1/5 of plain simplify's (ratio of totals)", f"{eq[f'ratio of totals vs {simp}']:.3f}",
         eq[f"ratio of totals vs {simp}"] <= 0.2),
        ("median per-pair ratio at most 1/5, pairs where either takes >= 1 ms",
         f"{eq[f'median ratio (either >= 1 ms) vs {simp}']:.3f}", eq[f"median ratio (either >= 1 ms) vs {simp}"] <= 0.2),
        ("refutations: median under 5 ms", _ms(eq["median refutation"]), eq["median refutation"] < 0.005),
        ("STACK AlgEquiv: no false \"equal\" outside the caveat cases", f"{caveat_free}", caveat_free == 0),
        ("STACK AlgEquiv: at least 141 of 156 correct", f"{st['correct']} of {stack_sum['AlgEquiv']['n']}",
         st["correct"] >= 141),
        ("`derive --help` under 1 s (median)", f"{cmds['derive --help']['median']:.2f} s",
         cmds["derive --help"]["median"] < 1),
        ("`derive list` under 1 s (median)", f"{cmds['derive list']['median']:.2f} s",
         cmds["derive list"]["median"] < 1),
        ("`derive check` of every built-in proof under 8 s", f"{check['median']:.1f} s", check["median"] < 8),
    ]


def _save(plt, fig, name: str) -> Path:
    fig.tight_layout()
    path = RESULTS / name
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plots(step_res, stack_res, start_res) -> list:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    rows = step_res["rows"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for ax, truth, title in ((axes[0], True, "true steps"), (axes[1], False, "false steps (wrong lines, mutants)")):
        for system in steps.SYSTEMS:
            ts = sorted(r[system][1] * 1000 for r in rows if r["truth"] == truth)
            ax.plot(ts, [i / len(ts) for i in range(1, len(ts) + 1)], label=system)
        ax.set_xscale("log")
        ax.set_xlabel("time per step (ms, log scale)")
        ax.set_title(title)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("share of steps done within (any verdict)")
    axes[0].legend()
    written.append(_save(plt, fig, "steps_time_cdf.png"))

    fig, ax = plt.subplots(figsize=(9.5, 4))
    kinds = ("correct", "false equal", "false different", "undecided")
    summ = stack_res["summary"]["AlgEquiv"]
    names = ["STACK"] + list(steps.SYSTEMS)
    left = [0] * len(names)
    for kind, colour in zip(kinds, ("tab:green", "tab:red", "tab:orange", "tab:gray")):
        vals = [summ["STACK"]["correct"] if kind == "correct" else (summ["n"] - summ["STACK"]["correct"]
                                                                     if kind == "false different" else 0)]
        vals += [summ[s][kind] for s in steps.SYSTEMS]
        ax.barh(names, vals, left=left, color=colour, label=kind)
        left = [a + b for a, b in zip(left, vals)]
    ax.axvline(141, color="black", ls="--", lw=1, label="STACK's 141")
    ax.set_xlabel(f"STACK AlgEquiv cases (n = {summ['n']})")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    written.append(_save(plt, fig, "stack_algequiv.png"))

    fig, ax = plt.subplots(figsize=(8, 3))
    labels = [r["command"].replace(" tests/corpus/", " ") for r in start_res["rows"]]
    ax.barh(labels, [r["median"] for r in start_res["rows"]],
            xerr=[[r["median"] - r["min"] for r in start_res["rows"]], [r["max"] - r["median"] for r in start_res["rows"]]],
            color="tab:blue")
    ax.set_xscale("log")
    ax.set_xlabel("wall time, s (median; bars: min to max)")
    written.append(_save(plt, fig, "startup.png"))
    return written


#: Figures measured before this benchmark's round of work (commit 8e0e8ce, 2026-11-21, same
#: machine), for the before/after table: what each was, and the command that measured it.
BEFORE = [
    ("`derive --help`, median of 3", "0.41 s", "`/usr/bin/time derive --help` (imported SymPy at start)"),
    ("`derive list`, median of 3", "3.05 s", "`/usr/bin/time derive list` (built every proof to count steps)"),
    ("STACK AlgEquiv correct, `equal()`", "123 of 156", "`equal()` on the translated cases, 10 s bound"),
    ("built-in proof steps: median `equal()` / `simplify`", "9.3 ms / 24.8 ms",
     "`python -m bench.equal_vs_simplify` (session 1; proof steps only)"),
    ("`derive check`, all built-in proofs", "16.5-17.5 s",
     "`/usr/bin/time -v derive check -q` (session 1). The machine's load varies by a third: run back to back "
     "on 2026-11-21 09:40, commit 8e0e8ce took 23.4 and 25.3 s, this code 17.7 and 18.8 s"),
]


def before_after(step_res, stack_res, start_res) -> list:
    cmds = {r["command"]: r for r in start_res["rows"]}
    proof_rows = [r for r in step_res["rows"] if r["source"] == "proof"]
    med = lambda system: statistics.median(r[system][1] for r in proof_rows) * 1000  # noqa: E731
    now = [f"{cmds['derive --help']['median']:.2f} s", f"{cmds['derive list']['median']:.2f} s",
           f"{stack_res['summary']['AlgEquiv']['equal()']['correct']} of {stack_res['summary']['AlgEquiv']['n']}",
           f"{med('equal()'):.1f} ms / {med('simplify(a - b) == 0'):.1f} ms",
           f"{cmds['derive check']['median']:.1f} s"]
    lines = ["| measure | before | now (this run) | how before was measured |", "|---|---|---|---|"]
    for (what, before, how), after in zip(BEFORE, now):
        lines.append(f"| {what} | {before} | {after} | {how} |")
    return lines


def stack_reading(stack_res) -> list:
    """What the AlgEquiv cases that equal() gets wrong are, counted from this run's rows."""
    wrong = [r for r in stack_res["rows"] if r["test"] == "AlgEquiv" and r["equal() outcome"] != "correct"]
    refuted = [r for r in wrong if r["equal()"][0] == "different"]
    equal_caveat = [r for r in wrong if r["equal()"][0] == "equal" and r["caveat"]]
    undecided = [r for r in wrong if r["equal()"][0] == "undecided"]
    false_equal = [r for r in wrong if r["equal()"][0] == "equal" and not r["caveat"]]
    return [
        f"Of the {len(wrong)} AlgEquiv cases `equal()` does not get right, {len(refuted)} are refuted at the "
        "point shown below, where the two sides differ with every symbol real (the fixture's label holds only "
        "for positive, or integer, or natural-number variables, which STACK assumes and `equal()` does not unless "
        "told, e.g. `assume={\"x\": \"positive\"}`); "
        f"{len(equal_caveat)} are \"equal\" on caveat cases (infinity arithmetic, `452` vs `4.52*10^2` read as "
        f"exact decimals); {len(undecided)} are undecided. " + (
            "No \"equal\" verdict is wrong outside the caveat cases." if not false_equal else
            "Wrong \"equal\" outside the caveat cases: " + ", ".join(f"#{r['id']}" for r in false_equal) + ".")]


def report(step_res, stack_res, start_res, seconds: float, command: str) -> str:
    ss = step_res["summary"]
    eq = ss["equal()"]
    lines = [
        "# derive against the baselines", "",
        f"Machine: {platform.machine()}, {platform.system()}, CPython {platform.python_version()}, "
        f"2 cores shared with other work; date {date.today()}. Command: `{command}` ({seconds / 60:.1f} min). "
        "Every figure below comes from this one run.", "",
        "## Goals", "", "| goal | measured | met |", "|---|---|---|",
    ]
    for goal, value, met in goals(ss, stack_res["summary"], start_res):
        lines.append(f"| {goal} | {value} | {'yes' if met else '**no**'} |")
    lines += [
        "", "## The step corpus", "",
        f"{eq['cases']} cases: {ss['sources']['proof']} steps of the built-in proofs (proofs whose own bound is "
        f"over 10 s, the 2-D residual gradients, left out), {ss['sources']['corpus']} checked steps of the grading "
        f"corpus, and {ss['sources']['mutant']} mutants of the true ones (at most 4 a step, each confirmed "
        f"non-equivalent by evaluation at other points; {step_res['equivalent_mutants']} equivalent mutants "
        f"dropped). {ss['true cases']} cases are true. Each system decides each case in its own worker process "
        f"with a bound of {step_res['timeout']:g} s; `simplify(a - b) == 0` being False counts as \"says "
        "different\", `equals` returning None as undecided.", "",
        steps.table(ss), "",
        f"- Median per-case ratio of `equal()`'s time to `simplify`'s: "
        f"{eq['median ratio vs simplify(a - b) == 0']:.3f}; to `equals`'s: {eq['median ratio vs a.equals(b)']:.3f}.",
        f"- Ratio of total times, `equal()` / `simplify`: {eq['ratio of totals vs simplify(a - b) == 0']:.3f}; "
        f"median per-pair ratio on the pairs where either takes at least 1 ms: "
        f"{eq['median ratio (either >= 1 ms) vs simplify(a - b) == 0']:.3f}.",
        f"- Ratio of medians, `equal()` / `simplify`: {eq['ratio of medians vs simplify(a - b) == 0']:.3f}; "
        f"`equal()` / `equals`: {eq['ratio of medians vs a.equals(b)']:.3f}.",
        f"- `equal()`'s refutations: median {_ms(eq['median refutation'])}.",
        f"- True steps a baseline proves and `equal()` does not: {', '.join(ss['missed']) or 'none'}.",
    ]
    for system, labels in ss["false equal"].items():
        if labels:
            lines.append(f"- False \"equal\" by `{system}`: {', '.join(labels[:20])}")
    lines += ["", "![time per step](steps_time_cdf.png)", "",
              "## STACK's AlgEquiv answer tests", "",
              "Free symbols are real for every system (STACK's convention and ours), so the baselines here are "
              "the `-real` rows of `shared/benchmarks/stack_algequiv.md`.", "",
              stack.table(stack_res["summary"]), "", *stack_reading(stack_res), "",
              "Every case `equal()` does not get right:", "",
              "| id | test | student | teacher | true mark | equal() | how | caveat |", "|---|---|---|---|---|---|---|---|"]
    for r in stack_res["rows"]:
        if r["equal() outcome"] != "correct":
            said, _, how = r["equal()"]
            lines.append(f"| {r['id']} | {r['test']} | `{r['sa'][:50]}` | `{r['ta'][:50]}` | {r['mark']} | {said} | "
                         f"{how[:110]} | {'yes' if r['caveat'] else ''} |")
    lines += ["", "![STACK](stack_algequiv.png)", "", "## Whole commands", "", startup.table(start_res), "",
              "![start-up](startup.png)", "", "## Before and after", "",
              "What changed (issue 15): an exp-log tower normal form decided with sparse polynomials over Q "
              "(`derive/engine/normal_form.py`) as the rung before the probe, derivatives carried out over the "
              "expression graph (`derive/engine/differentiate.py`), the matrix and 1x1-matrix rungs before the probe, "
              "side conditions on proved steps (`Verdict.conditions`). Earlier rounds: lazy imports, `derive list` "
              "without building proofs, elementary-function rungs, exact decimals. `derive check`, back to back on "
              "2026-11-25 15:42 (load average 8-10 on 2 cores): commit ebcd632 took 124 and 114 s (and one proof ran "
              "out of its bound), this branch 27 and 22 s.", "",
              *before_after(step_res, stack_res, start_res), ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per case and system (default 10)")
    ap.add_argument("--mutants", type=int, default=4, help="mutants per true step (default 4)")
    ap.add_argument("--quick", action="store_true", help="a small slice, written to a scratch folder")
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite report.md and the plots from the last run's report.json")
    args = ap.parse_args(argv)
    global RESULTS
    if args.report_only:
        data = json.loads((RESULTS / "report.json").read_text())
        step_res, stack_res, start_res = data["steps"], data["stack"], data["startup"]
        step_res.setdefault("timeout", args.timeout)
        text = report(step_res, stack_res, start_res, data["seconds"], data["command"])
        (RESULTS / "report.md").write_text(text)
        plots(step_res, stack_res, start_res)
        print(f"report: {RESULTS / 'report.md'}")
        return 0
    if args.quick:
        import tempfile

        RESULTS = Path(tempfile.mkdtemp(prefix="derive-bench-"))
    RESULTS.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    say = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    say("step corpus ...")
    step_res = steps.run(args.timeout, 1 if args.quick else args.mutants, progress=say,
                         limit=60 if args.quick else None)
    say("STACK ...")
    stack_res = stack.run(args.timeout, progress=say, limit=30 if args.quick else None)
    say("whole commands ...")
    start_res = startup.run(progress=say, runs_scale=0.3 if args.quick else 1.0)
    seconds = time.perf_counter() - t0
    command = "python -m bench" + (" --quick" if args.quick else "")
    text = report(step_res, stack_res, start_res, seconds, command)
    (RESULTS / "report.md").write_text(text)
    slim = {"seconds": seconds, "command": command,
            "steps": {"summary": step_res["summary"], "rows": step_res["rows"], "timeout": step_res["timeout"],
                      "equivalent_mutants": step_res["equivalent_mutants"]},
            "stack": {"summary": stack_res["summary"],
                      "rows": [{k: v for k, v in r.items()} for r in stack_res["rows"]]},
            "startup": start_res}
    (RESULTS / "report.json").write_text(json.dumps(slim, indent=1, default=str))
    plots(step_res, stack_res, start_res)
    print(f"\n{'goal':<70} {'measured':>14}  met")
    for goal, value, met in goals(step_res["summary"], stack_res["summary"], start_res):
        print(f"{goal:<70} {value:>14}  {'yes' if met else 'NO'}")
    print(f"\nreport: {RESULTS / 'report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
