"""``python -m bench.adversarial``: every adversarial attempt through derive, counted.

Prints, per class and in total, how many attempts ended in a false "proved", a false "refuted",
a bad counterexample (outside the assumptions, off the premise, or where the statement holds),
a crash, a hang, an unlocated error, or code run from the input; lists each failing attempt
with what derive said; and writes ``bench/results/adversarial.md``. ``--only ID,..`` or
``--kind api|grade|cli`` run a part; ``--truth`` also re-checks every stated truth.
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

from tests.adversarial import judge, model
from tests.adversarial.known_failures import KNOWN_FAILURES
from tests.adversarial.registry import ALL

RESULTS = Path(__file__).resolve().parent / "results"
BAD = [o for o in judge.OUTCOMES if o != "ok"]


def _input(att) -> str:
    if att["kind"] == "api" and att.get("proof") is not None:
        return f"Proof {att['proof'].__name__}: {att['why']}"
    if att["kind"] == "api":
        rel = att["rel"]
        text = f"{att['lhs']} {rel} {att['rhs']}"
        if att["assume"]:
            text += f"  assume={att['assume']}"
        if att["kind"] == "api" and att["timeout"] != 10.0:
            text += f"  timeout={att['timeout']}"
        return text
    if att["kind"] == "grade":
        return " ".join(att["tex"].split())
    content = att["content"]
    if isinstance(content, bytes):
        content = content[:80].decode("utf-8", "replace")
    shown = (content or "(setup: " + getattr(att["setup"], "__name__", "?") + ")")
    return f"{' '.join(str(shown).split())[:120]}  args={list(att['args'])}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.adversarial", description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="", help="comma-separated attempt ids")
    ap.add_argument("--kind", choices=["api", "grade", "cli"])
    ap.add_argument("--truth", action="store_true", help="also re-check every stated truth")
    ap.add_argument("--out", default=str(RESULTS / "adversarial.md"))
    args = ap.parse_args(argv)
    chosen = [a for a in ALL if (not args.only or a["id"] in args.only.split(","))
              and (not args.kind or a["kind"] == args.kind)]
    rows = []
    t0 = time.monotonic()
    for n, att in enumerate(chosen, 1):
        t = time.monotonic()
        outcome, why, raw = judge.run(att)
        secs = time.monotonic() - t
        truth_note = None
        if args.truth:
            try:
                truth_note = model.verify_truth(att)
            except Exception as exc:  # noqa: BLE001
                truth_note = f"{type(exc).__name__}: {exc}"
        said = _said(att, raw, outcome, why)
        rows.append(dict(att=att, outcome=outcome, why=why, secs=secs, truth_note=truth_note, said=said))
        mark = "" if outcome == "ok" else f"  <-- {outcome}: {why}"
        print(f"[{n}/{len(chosen)}] {att['id']:<28} {att['kind']:<5} {secs:6.2f}s {outcome}{mark}",
              file=sys.stderr, flush=True)
    total = time.monotonic() - t0
    text = report(rows, total)
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    if not args.only and not args.kind:
        Path(args.out).write_text(text)
        Path(args.out).with_suffix(".json").write_text(json.dumps(
            {r["att"]["id"]: {"class": r["att"]["cls"], "kind": r["att"]["kind"], "outcome": r["outcome"],
                              "why": r["why"], "said": r["said"], "seconds": round(r["secs"], 2)}
             for r in rows}, indent=1, ensure_ascii=False) + "\n")
    return 0


def _said(att, raw, outcome, why) -> str:
    if raw is None:
        return why
    if att["kind"] == "api" and isinstance(raw, str):
        return raw
    if att["kind"] == "api":
        v = raw
        return f"{v.status} ({v.method}; cex {v.counterexample})"
    if att["kind"] == "grade":
        return "; ".join(f"line {s['line']}: {s['status']}" + (f" at {s['counterexample']}" if s.get('counterexample') else "")
                         for s in raw if s["status"] != "given")
    return f"exit {raw['rc']}: {(raw['stderr'].strip().splitlines() or [''])[-1][:160]}"


def report(rows, total) -> str:
    per = defaultdict(Counter)
    for r in rows:
        per[r["att"]["cls"]][r["outcome"]] += 1
    tot = Counter(r["outcome"] for r in rows)
    lines = ["# Adversarial suite", "",
             f"{len(rows)} attempts, {total:.0f} s, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
             f"{platform.node()} ({platform.processor() or platform.machine()}), Python {platform.python_version()}.",
             "Command: `.venv/bin/python -m bench.adversarial`", "",
             "| class | attempts | " + " | ".join(BAD) + " |",
             "|---|---:|" + "---:|" * len(BAD)]
    for cls in sorted(per):
        c = per[cls]
        lines.append(f"| {cls} | {sum(c.values())} | " + " | ".join(str(c[o]) for o in BAD) + " |")
    lines.append(f"| **total** | {len(rows)} | " + " | ".join(f"**{tot[o]}**" for o in BAD) + " |")
    lines += ["", "## Failing attempts", ""]
    failing = [r for r in rows if r["outcome"] != "ok"]
    for o in BAD:
        group = [r for r in failing if r["outcome"] == o]
        if not group:
            continue
        lines += [f"### {o} ({len(group)})", ""]
        for r in group:
            a = r["att"]
            known = "" if a["id"] in KNOWN_FAILURES else " **(not in KNOWN_FAILURES)**"
            lines.append(f"- `{a['id']}` ({a['cls']}, {a['kind']}, truth {a['truth']}){known}: "
                         f"`{_input(a)[:200]}` — derive: {r['said'][:300]} — {r['why'][:200]}")
        lines.append("")
    fixed = [r["att"]["id"] for r in rows if r["outcome"] == "ok" and r["att"]["id"] in KNOWN_FAILURES]
    if fixed:
        lines += ["## Fixed since listed (remove from KNOWN_FAILURES)", "", ", ".join(f"`{i}`" for i in fixed), ""]
    truth_bad = [r for r in rows if r["truth_note"]]
    if truth_bad:
        lines += ["## Stated truths that did not check out", ""]
        lines += [f"- `{r['att']['id']}`: {r['truth_note']}" for r in truth_bad]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
