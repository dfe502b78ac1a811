"""The long fuzz run of the input side: random and malformed LaTeX through ``derive grade``.

Every input must end in a verdict or a located ``DeriveError`` naming the file, within its
bound, with bounded memory. Inputs come from hypothesis strategies: fragments of the
notation glued at random, hostile templates (huge numbers and exponents, deep nesting,
long lines, control characters, unknown macros, code payloads), arbitrary Unicode text,
and arbitrary bytes written to a file (invalid UTF-8, binary). Reported: inputs, verdicts,
located errors, crashes (any other exception), inputs over the bound, and the peak memory
of this process and of the decision worker. Usage: ``python -m bench.fuzz [-n 10000]``.
"""
from __future__ import annotations

import argparse
import collections
import resource
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from derive.errors import DeriveError
from derive.grading.grade import grade, grade_text

ROOT = Path(__file__).resolve().parent.parent
STEP_BOUND = 3.0      # seconds per step, as given to the grader
INPUT_BOUND = 60.0    # an input taking longer than this counts as a hang

PIECES = [r"\frac{", "}", "{", r"\sigma(", ")", "(", "x", "y_k", r"w^{(2)}_{kj}", "=", "+", "-", "^", "_", "2",
          r"\sum_j", r"\left(", r"\right)", r"\\", "&", r"\text{a}", r"\foo", "10^{10}", r"\partial", r"\ln",
          "e^{", r"\begin{align*}", r"\end{align*}", "%", r"\[", r"\]", "$$", r"\delta_{ij}", "\x00", "é", " ",
          r"\tanh", r"\sqrt{", "[", "]", r"\cdot", "0", r"\mathrm{ReLU}(", r"\exp", "'", r"\,", "\n", r"\end{",
          "% derive: assume x real\n", "% derive: function g\n", r"\dfrac{", "!", r"\infty", r"\log_2", "\t"]

TEMPLATES = [
    lambda n: rf"\[ x^{{10^{{{n}}}}} = x \]",
    lambda n: r"\[ 2^{" * (n % 6 + 1) + "100" + "}" * (n % 6 + 1) + r" = 1 \]",
    lambda n: r"\[ " + "(" * (n * 7 % 400) + "x" + ")" * (n * 7 % 400) + r" = x \]",
    lambda n: r"\[ " + r"\frac{" * (n % 120) + "1" + "}{x}" * (n % 120) + r" = 1 \]",
    lambda n: r"\[ " + "x+" * (n * 37 % 3000) + r"x = x \]",
    lambda n: r"\[ " + "9" * (n % 200 + 1) + "^{" + "9" * (n % 7 + 1) + r"} = 1 \]",
    lambda n: r"\[ \sigma(" * (n % 60) + "z" + ")" * (n % 60) + r" = z \]",
    lambda n: f"\\[ x = {chr(n % 32)} \\]",
    lambda n: r"\[ __import__('os').system('true') = " + str(n) + r" \]",
    lambda n: r"\begin{align*} x &= \sum_{j=1}^{" + str(10 ** (n % 12)) + r"} j \end{align*}",
    lambda n: r"\begin{align*} " + r"x &= x \\ " * (n % 50) + r"\end{align*}",
    lambda n: r"\[ \frac{\partial}{\partial x} x^{" + str(n) + r"} = " + str(n) + r" x^{" + str(n - 1) + r"} \]",
]

INPUTS = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=30).map(lambda p: r"\[ " + "".join(p) + r" \]"),
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.builds(lambda f, n: f(n), st.sampled_from(TEMPLATES), st.integers(0, 10 ** 6)),
    st.text(max_size=200).map(lambda t: r"\[ " + t + r" \]"),
    st.binary(max_size=300),
)


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--inputs", type=int, default=10000)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "fuzz.txt"))
    args = ap.parse_args(argv)
    counts: collections.Counter = collections.Counter()
    crashes, slow, times = [], [], []
    workdir = Path(tempfile.mkdtemp(prefix="derive-fuzz-"))
    start = time.perf_counter()

    @settings(max_examples=args.inputs, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(INPUTS)
    def one(data):
        t0 = time.perf_counter()
        try:
            if isinstance(data, bytes):
                path = workdir / "fuzz.tex"
                path.write_bytes(data)
                report = grade(path, timeout=STEP_BOUND)
            else:
                report = grade_text(data, file="fuzz.tex", timeout=STEP_BOUND)
            counts["graded"] += 1
            for s in report.steps:
                counts["step " + s.status] += 1
        except DeriveError as exc:
            counts["located error" if "fuzz.tex" in str(exc) else "unlocated error"] += 1
            if "fuzz.tex" not in str(exc):
                crashes.append((repr(data)[:200], f"unlocated: {exc}"))
        except Exception as exc:  # a crash: what the run exists to find
            counts["crash"] += 1
            crashes.append((repr(data)[:200], f"{type(exc).__name__}: {exc}"))
        seconds = time.perf_counter() - t0
        times.append(seconds)
        counts["inputs"] += 1
        if seconds > INPUT_BOUND:
            slow.append((repr(data)[:200], seconds))
        if counts["inputs"] % 500 == 0:
            print(f"{counts['inputs']} inputs, {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)

    one()
    from derive.engine.worker import _POOL

    workers = [peak_rss_mb(w._proc.pid) for w in _POOL._all if w._proc is not None]
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times.sort()
    lines = [
        f"$ python -m bench.fuzz -n {args.inputs}",
        f"inputs: {counts['inputs']} in {time.perf_counter() - start:.0f} s",
        f"graded (a verdict per step): {counts['graded']}; located errors: {counts['located error']}; "
        f"unlocated errors: {counts['unlocated error']}; crashes: {counts['crash']}",
        "step verdicts: " + ", ".join(f"{k[5:]} {v}" for k, v in sorted(counts.items()) if k.startswith("step ")),
        f"time per input: median {times[len(times) // 2] * 1000:.1f} ms, 99th percentile "
        f"{times[int(len(times) * 0.99)] * 1000:.0f} ms, max {times[-1]:.2f} s (a hang is > {INPUT_BOUND:g} s; "
        f"{len(slow)} inputs)",
        f"peak memory: this process {own:.0f} MB, decision worker {max(workers, default=float('nan')):.0f} MB "
        f"(a worker killed at a time bound is replaced; this is the last one's peak)",
    ]
    for data, what in crashes[:20]:
        lines.append(f"CRASH: {what} on {data}")
    for data, seconds in slow[:20]:
        lines.append(f"SLOW: {seconds:.1f} s on {data}")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.out:
        Path(args.out).write_text(text)
    return 1 if crashes or slow else 0


if __name__ == "__main__":
    sys.exit(main())
