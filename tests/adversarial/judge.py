"""Run one attempt through derive and say what went wrong, if anything.

Outcomes: "ok", "false proved", "false refuted", "bad counterexample", "crash", "hang",
"unlocated error", "code ran". The truth side (is a counterexample real?) is decided by
``model`` with plain SymPy, never by derive.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .model import check_counterexample

ROOT = Path(__file__).resolve().parents[2]
OUTCOMES = ("ok", "false proved", "false refuted", "bad counterexample", "crash", "hang",
            "unlocated error", "code ran")
SLACK = 20.0  # seconds beyond the stated time bound before an attempt counts as a hang
MARKER_DIR = Path(tempfile.gettempdir())


class _Hung(BaseException):
    """Raised in the main thread by the watchdog."""


def _bounded(fn, seconds):
    """Run ``fn`` (in the main thread when we are on it, as a user would, with a watchdog that
    interrupts it after ``seconds``; else in a thread); (value, exception, timed_out)."""
    if threading.current_thread() is threading.main_thread():
        import signal

        def on_signal(signum, frame):
            raise _Hung()

        old = signal.signal(signal.SIGUSR2, on_signal)
        main = threading.get_ident()
        done = threading.Event()

        def watch():
            if not done.wait(seconds):
                signal.pthread_kill(main, signal.SIGUSR2)

        w = threading.Thread(target=watch, daemon=True)
        w.start()
        try:
            return fn(), None, False
        except _Hung:
            return None, None, True
        except BaseException as exc:  # noqa: BLE001 - reported, never swallowed silently
            if isinstance(exc, KeyboardInterrupt):
                raise
            return None, exc, False
        finally:
            done.set()
            w.join()
            signal.signal(signal.SIGUSR2, old)
    box = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - reported, never swallowed silently
            box["exc"] = exc

    th = threading.Thread(target=run, daemon=True)
    th.start()
    th.join(seconds)
    if th.is_alive():
        return None, None, True
    return box.get("value"), box.get("exc"), False


def _side_condition_named(text: str) -> bool:
    return bool(re.search(r"≠|!=|\\neq|valid for|except|excluded|side condition", text or ""))


def judge_verdict(att, status, cex, text=""):
    """Outcome of one decided statement (status proved/refuted/unknown) against its truth."""
    if status == "proved":
        if att["truth"] == "false" and not (att.get("side") and _side_condition_named(text)):
            return "false proved", "proved a false statement"
        return "ok", ""
    if status == "refuted":
        if att["truth"] == "true":
            return "false refuted", f"refuted a true statement at {cex}"
        why = check_counterexample(att, cex)
        if why:
            return "bad counterexample", why
        return "ok", ""
    return "ok", ""


def run_proof(att):
    """A Proof chain built by the attempt: checked and exported as a user would."""
    bound = 60.0 + SLACK

    def go():
        p = att["proof"]()
        return p.check(), p.to_latex()

    value, exc, hung = _bounded(go, bound)
    if hung:
        return "hang", f"no answer after {bound:.0f} s", None
    if exc is not None:
        return "crash", f"{type(exc).__name__}: {exc}", None
    report, tex = value
    result = re.search(r"\\textbf\{Result\}.*?\$(.*?)\$", tex)
    stated = result.group(1) if result else ""
    said = f"ok={report.ok}, steps={[s.status for s in report.steps]}, Result: {stated}"
    if att["truth"] == "false" and report.ok:
        if att.get("step_false"):
            return "false proved", "a false step passed", said
        if re.search(r"(?<![<>a-z\\])=", stated):
            return "false proved", f"exported 'Result: {stated}' from a chain that does not give it", said
    if att["truth"] == "true" and any(s.status == "refuted" for s in report.steps):
        return "false refuted", "a true link refuted", said
    return "ok", "", said


def run_api(att):
    from derive import compare

    if att.get("proof") is not None:
        return run_proof(att)

    timeout = att["timeout"]
    bound = (min(timeout, 60.0) if timeout == timeout and timeout > 0 else 10.0) + SLACK
    t0 = time.monotonic()
    v, exc, hung = _bounded(lambda: compare(att["lhs"], att["rhs"], att["rel"], assume=att["assume"],
                                            timeout=timeout), bound)
    secs = time.monotonic() - t0
    if hung:
        return "hang", f"no answer after {bound:.0f} s", None
    if exc is not None:
        if att["errors_ok"] and isinstance(exc, (ValueError, TypeError)) and str(exc):
            return "ok", f"refused: {exc}", None
        return "crash", f"{type(exc).__name__}: {exc}", None
    outcome, why = judge_verdict(att, v.status, v.counterexample,
                                 f"{v.method} {getattr(v, 'detail', '')} {' '.join(v.assumptions or ())} "
                                 f"{' '.join(getattr(v, 'conditions', ()) or ())}")
    if outcome == "ok" and secs > bound:
        return "hang", f"answered after {secs:.0f} s", v
    return outcome, why, v


def judge_steps(att, steps):
    """Outcome of a graded derivation: steps are dicts with status, counterexample, line."""
    checked = [s for s in steps if s.get("status") in ("proved", "refuted", "unknown")]
    final = checked[-1] if checked else None
    for s in checked[:-1]:
        if s["status"] == "refuted":
            return "false refuted", f"line {s.get('line')}: an earlier true row refuted at {s.get('counterexample')}"
    excluded = att.get("side") and final is not None and _side_condition_named(
        " ".join("valid for " + c for c in final.get("conditions") or ()))
    if att["truth"] == "false" and not excluded:
        if all(s.get("status") in ("given", "proved") for s in steps):
            n = len(checked)
            return "false proved", f"every step proved ({n} checked): the false claim passed"
    if final is None:
        return "ok", ""
    text = " ".join(str(final.get(k) or "") for k in ("method", "detail", "message"))
    text += " ".join(" valid for " + c for c in final.get("conditions") or ())
    return judge_verdict(att, final["status"], final.get("counterexample"), text)


def _write(att, folder: Path) -> Path:
    path = folder / f"{att['id']}.tex"
    data = att.get("tex") if att["kind"] == "grade" else att.get("content")
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data or b"")
    return path


def run_grade(att):
    from derive import grade
    from derive.errors import DeriveError

    with tempfile.TemporaryDirectory() as tmp:
        path = _write(att, Path(tmp))
        bound = att["timeout"] * 12 + SLACK
        report, exc, hung = _bounded(lambda: grade(path, timeout=att["timeout"]), bound)
        if hung:
            return "hang", f"no answer after {bound:.0f} s", None
        if exc is not None:
            msg = str(exc)
            if isinstance(exc, DeriveError):
                if re.search(r":\d+", msg) or path.name in msg:
                    return "ok", f"refused: {msg.splitlines()[0] if msg else ''}", None
                return "unlocated error", msg, None
            return "crash", f"{type(exc).__name__}: {msg}", None
        steps = [dict(status=s.status, counterexample=s.counterexample, line=s.line, method=s.method,
                      detail=getattr(s, "detail", None), message=s.message,
                      conditions=tuple(getattr(s, "conditions", ()) or ())) for s in report.steps]
        outcome, why = judge_steps(att, steps)
        return outcome, why, steps


def run_cli(att):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if att["setup"] is not None:
            target = att["setup"](folder)
        else:
            target = _write(att, folder)
        marker = MARKER_DIR / att["marker"] if att["marker"] else None
        if marker is not None and marker.exists():
            marker.unlink()
        # the console script, as users run it (``python -m derive`` would put the graded folder
        # itself first on sys.path, which is Python's doing, not derive's)
        exe = Path(sys.executable).with_name("derive")
        args = [str(exe), "grade", str(target), *[a.format(dir=folder, root=ROOT) for a in att["args"]]]
        env = dict(os.environ)
        t0 = time.monotonic()
        try:
            out = subprocess.run(args, cwd=folder, capture_output=True, text=True, errors="replace",
                                 timeout=att["time_bound"] + SLACK, env=env)
        except subprocess.TimeoutExpired:
            return "hang", f"no exit after {att['time_bound'] + SLACK:.0f} s", None
        secs = time.monotonic() - t0
        info = dict(rc=out.returncode, stderr=out.stderr[-2000:], stdout=out.stdout[-2000:], seconds=secs)
        if marker is not None and marker.exists():
            marker.unlink()
            return "code ran", f"the input's code ran: {marker} was created", info
        if "Traceback" in out.stderr or "Traceback" in out.stdout:
            return "crash", out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "traceback", info
        if out.returncode != 2 and "internal error" in out.stderr:
            return "unlocated error", out.stderr.strip().splitlines()[-1], info
        if out.returncode not in att["expect_rc"]:
            return "crash", f"exit code {out.returncode} (expected one of {att['expect_rc']})", info
        if out.returncode == 2:
            # located: names the file (with its line where the fault has one), or the flag at fault;
            # an "internal error" is never located, whatever it names
            want = att["located"] or re.escape(Path(target).name)
            if "internal error" in out.stderr or not re.search(want, out.stderr):
                return "unlocated error", (out.stderr.strip().splitlines() or ["(no message)"])[-1], info
            lines = [ln for ln in out.stderr.strip().splitlines() if ln.strip()]
            if len(lines) > 3 and not re.search(r"error: argument", lines[-1]):
                return "unlocated error", "the error is not one located line: " + out.stderr[:300], info
        if secs > att["time_bound"]:
            return "hang", f"took {secs:.0f} s (bound {att['time_bound']:.0f})", info
        if att["truth"] in ("true", "false"):
            try:
                data = json.loads(out.stdout) if "--json" in att["args"] else None
            except json.JSONDecodeError:
                return "crash", "--json printed something that is not one JSON object", info
            if data is not None and "against" in data and att.get("claim") is None:
                status = (data.get("against") or {}).get("status")
                if att["truth"] == "false" and status == "proved":
                    return "false proved", "--against passed a derivation of something else", info
                if att["truth"] == "true" and status == "refuted":
                    return "false refuted", "--against refuted the proof's own statement", info
                if att["truth"] == "false" and out.returncode == 0:
                    return "false proved", "exit 0 for a derivation that is not the proof", info
                return "ok", "", info
            if data is not None:
                outcome, why = judge_steps(att, data.get("steps", []))
                return outcome, why, info
            if att["truth"] == "false" and out.returncode == 0:
                return "false proved", "exit 0 (every step proved) on a false derivation", info
        return "ok", "", info


def run(att):
    """(outcome, why, raw) for one attempt."""
    try:
        return {"api": run_api, "grade": run_grade, "cli": run_cli}[att["kind"]](att)
    except Exception as exc:  # noqa: BLE001 - a failure of the harness itself is reported as such
        return "crash", f"harness: {type(exc).__name__}: {exc}", None
