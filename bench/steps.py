"""The step corpus against the baselines: ``equal()``, plain ``simplify(a - b) == 0`` and
``a.equals(b)``, each in its own worker process, on the same cases in the same run.

Cases are interleaved (case 1 on every system, then case 2, ...) so load on the machine
falls on all systems alike. Every call has the same bound. ``equal()``'s in-process cache
is cleared before each case: each decision is made afresh.
"""
from __future__ import annotations

import statistics
import time

from bench.cases import corpus_steps, mutant_cases, proof_steps

SYSTEMS = ("equal()", "simplify(a - b) == 0", "a.equals(b)")


def collect(mutants_per_case: int = 4, seed: int = 0):
    """The cases: built-in proof steps, grading-corpus steps, mutants of the true ones."""
    base = list(proof_steps()) + list(corpus_steps())
    skipped: list = []
    muts = list(mutant_cases(base, seed=seed, per_case=mutants_per_case, skipped=skipped))
    return base + muts, len(skipped)


def decide(system: str, case, timeout: float):
    """``(said, seconds)``: said is "equal", "different" or "undecided"."""
    from derive.engine import equivalence
    from derive.engine.assumptions import parse_assumptions
    from derive.testing.baselines import run_baseline

    if system == "equal()":
        equivalence._CACHE.clear()
        t0 = time.perf_counter()
        v = equivalence.equal(case.lhs, case.rhs, assume=case.assume, timeout=timeout)
        seconds = time.perf_counter() - t0
        how = v.method + ("; at " + ", ".join(f"{k} = {x}" for k, x in v.counterexample.items())
                          if v.counterexample else "")
        return {"proved": "equal", "refuted": "different"}.get(v.status, "undecided"), seconds, how
    answer, seconds = run_baseline(system, case.lhs, case.rhs, parse_assumptions(case.assume), timeout)
    said = {True: "equal", False: "different"}.get(answer, "undecided")
    return said, seconds, "" if answer is not None else "undecided or time bound"


def run(timeout: float = 10.0, mutants_per_case: int = 4, progress=print, limit: int | None = None) -> dict:
    from derive.engine import equivalence

    cases, equivalent_mutants = collect(mutants_per_case)
    if limit:
        cases = cases[::max(1, len(cases) // limit)]
    equivalence.equal(1, 2)  # start every worker before the clock
    rows = []
    for n, case in enumerate(cases, 1):
        row = {"label": case.label, "source": case.source, "truth": case.truth}
        for system in SYSTEMS:
            said, seconds, how = decide(system, case, timeout)
            row[system] = (said, seconds)
            if system == "equal()":
                row["method"] = how
        rows.append(row)
        if n % 50 == 0:
            progress(f"  steps: {n}/{len(cases)}")
    return {"rows": rows, "timeout": timeout, "equivalent_mutants": equivalent_mutants,
            "summary": summarise(rows)}


def outcome(said: str, truth: bool) -> str:
    """correct / false equal / false different / undecided, against the right answer."""
    if said == "undecided":
        return "undecided"
    if (said == "equal") == truth:
        return "correct"
    return "false equal" if said == "equal" else "false different"


def _pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def summarise(rows) -> dict:
    out = {}
    for system in SYSTEMS:
        outcomes = [outcome(r[system][0], r["truth"]) for r in rows]
        times = [r[system][1] for r in rows]
        true_t = [r[system][1] for r in rows if r["truth"]]
        false_t = [r[system][1] for r in rows if not r["truth"]]
        out[system] = {
            "cases": len(rows),
            **{k: outcomes.count(k) for k in ("correct", "false equal", "false different", "undecided")},
            "median": statistics.median(times), "p90": _pct(times, 0.9),
            "median true": statistics.median(true_t) if true_t else float("nan"), "p90 true": _pct(true_t, 0.9),
            "median false": statistics.median(false_t) if false_t else float("nan"),
            "p90 false": _pct(false_t, 0.9),
        }
    eq = SYSTEMS[0]
    for base in SYSTEMS[1:]:
        ratios = [r[eq][1] / r[base][1] for r in rows if r[base][1] > 0]
        out[eq][f"median ratio vs {base}"] = statistics.median(ratios)
        out[eq][f"ratio of medians vs {base}"] = out[eq]["median"] / out[base]["median"]
        out[eq][f"ratio of totals vs {base}"] = sum(r[eq][1] for r in rows) / sum(r[base][1] for r in rows)
        slow = [r[eq][1] / r[base][1] for r in rows if r[base][1] > 0 and max(r[eq][1], r[base][1]) >= 0.001]
        out[eq][f"median ratio (either >= 1 ms) vs {base}"] = statistics.median(slow) if slow else float("nan")
    refuted = [r[eq][1] for r in rows if r[eq][0] == "different"]
    out[eq]["median refutation"] = statistics.median(refuted) if refuted else float("nan")
    out["missed"] = [r["label"] for r in rows if r["truth"] and r[eq][0] != "equal"
                     and any(r[b][0] == "equal" for b in SYSTEMS[1:])]
    out["false equal"] = {s: [r["label"] for r in rows if not r["truth"] and r[s][0] == "equal"] for s in SYSTEMS}
    out["sources"] = {src: sum(r["source"] == src for r in rows) for src in ("proof", "corpus", "mutant")}
    out["true cases"] = sum(r["truth"] for r in rows)
    return out


def table(summary) -> str:
    ms = lambda s: f"{s * 1000:.1f}"  # noqa: E731
    lines = ["| system | correct | false equal | false different | undecided | median ms (true / false) "
             "| p90 ms (true / false) |", "|---|---|---|---|---|---|---|"]
    for system in SYSTEMS:
        s = summary[system]
        lines.append(f"| `{system}` | {s['correct']} | {s['false equal']} | {s['false different']} | "
                     f"{s['undecided']} | {ms(s['median'])} ({ms(s['median true'])} / {ms(s['median false'])}) | "
                     f"{ms(s['p90'])} ({ms(s['p90 true'])} / {ms(s['p90 false'])}) |")
    return "\n".join(lines)
