"""Matrix steps against their size: the canonical form's proofs, and the exact probe's refutations.

Each matrix step (true ones proved by the non-commutative canonical form, false ones refuted
by exact rational matrices) is decided by ``derive.equal`` at literal sizes 2 … 64 and at a
symbolic size ``n``, ``--repeat`` times (the verdict cache cleared before each), and the median
taken. The growth exponent is the least-squares slope of log(median time) against log(size).
The goal (issue 14): a matrix step proved by the canonical form at sizes up to 64 x 64 decided in
under 1 s median. Writes ``bench/results/matrices.md`` and ``matrices.json``.

Usage: ``python -m bench.matrices [--quick] [--repeat 3]``.
"""
from __future__ import annotations

import argparse
import json
import math
import platform
import statistics
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SIZES = (2, 4, 8, 16, 32, 64)


def steps(size):
    """``[(label, lhs, rhs, assume, expected status)]`` at one size (an int, or a symbol)."""
    import sympy as sp
    from sympy import DiagMatrix, HadamardProduct, Inverse, MatrixSymbol, Trace

    n = size
    A, B, C, U, L = (MatrixSymbol(s, n, n) for s in ("A", "B", "C", "U", "L"))
    x, g = MatrixSymbol("x", n, 1), MatrixSymbol("g", n, 1)
    W, t, d = MatrixSymbol("W", n, n), MatrixSymbol("t", n, 1), MatrixSymbol("d", n, 1)
    hyp = {"U": "orthogonal", "L": "diagonal"}
    return [
        ("(ABC)^T = C^T B^T A^T", sp.Transpose(A * B * C), C.T * B.T * A.T, hyp, "proved"),
        ("(A+B)^2 expanded", sp.MatPow(A + B, 2), A * A + A * B + B * A + B * B, hyp, "proved"),
        ("x^T A x = x^T A^T x", x.T * A * x, x.T * A.T * x, hyp, "proved"),
        ("||Wx - t||^2 expanded", (W * x - t).T * (W * x - t), x.T * W.T * W * x - 2 * t.T * W * x + t.T * t,
         hyp, "proved"),
        ("tr(ABC) = tr(CAB)", Trace(A * B * C), Trace(C * A * B), hyp, "proved"),
        ("(U L U^T)^2 = U L^2 U^T", sp.MatPow(U * L * U.T, 2), U * L * L * U.T, hyp, "proved"),
        ("diag(g) W^T d = W^T d ⊙ g", DiagMatrix(g) * W.T * d, HadamardProduct(W.T * d, g), hyp, "proved"),
        ("(AB)^-1 = B^-1 A^-1", Inverse(A * B), Inverse(B) * Inverse(A), hyp, "proved"),
        ("AB = BA (false)", A * B, B * A, hyp, "refuted"),
        ("(A+B)^2 binomial (false)", sp.MatPow(A + B, 2), A * A + 2 * A * B + B * B, hyp, "refuted"),
    ]


def measure(repeat: int, sizes) -> list[dict]:
    import sympy as sp

    from derive import equal
    from derive.engine import equivalence

    warm = sp.MatrixSymbol("A", 2, 2)
    equal(warm.T.T * warm, warm * warm)  # start the worker and import the matrix modules before timing
    rows = []
    for size in list(sizes) + ["n"]:
        n = sp.Symbol("n", integer=True, positive=True) if size == "n" else size
        for label, lhs, rhs, hyp, expected in steps(n):
            times, status, method = [], None, ""
            for _ in range(repeat):
                equivalence._CACHE.clear()
                start = time.perf_counter()
                v = equal(lhs, rhs, assume=hyp, timeout=120)
                times.append(time.perf_counter() - start)
                status, method = v.status, v.method
            rows.append({"size": size, "step": label, "expected": expected, "status": status,
                         "method": method, "median": statistics.median(times)})
    return rows


def slope(points) -> float:
    """Least-squares slope of log(t) against log(size)."""
    xs = [math.log(s) for s, _ in points]
    ys = [math.log(max(t, 1e-6)) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((a - mx) ** 2 for a in xs)
    return sum((a - mx) * (b - my) for a, b in zip(xs, ys)) / den if den else 0.0


def summarise(rows) -> dict:
    out = {"by_size": {}, "wrong": [r for r in rows if r["status"] != r["expected"]]}
    for size in dict.fromkeys(r["size"] for r in rows):
        proved = [r["median"] for r in rows if r["size"] == size and r["expected"] == "proved"]
        refuted = [r["median"] for r in rows if r["size"] == size and r["expected"] == "refuted"]
        out["by_size"][str(size)] = {"proved median": statistics.median(proved), "proved max": max(proved),
                                     "refuted median": statistics.median(refuted) if refuted else None}
    numeric = [(int(s), v["proved median"]) for s, v in out["by_size"].items() if s != "n"]
    out["growth exponent (proved)"] = slope(numeric)
    ref = [(int(s), v["refuted median"]) for s, v in out["by_size"].items() if s != "n" and v["refuted median"]]
    out["growth exponent (refuted)"] = slope(ref) if len(ref) > 1 else None
    at64 = out["by_size"].get("64", {}).get("proved median")
    out["goal: proved median at 64x64 < 1 s"] = at64 is not None and at64 < 1.0
    return out


def report(rows, summary) -> str:
    lines = [f"# Matrix steps against size ({date.today()}, {platform.machine()}, Python {platform.python_version()})",
             "", "Command: `.venv/bin/python -m bench.matrices`", "",
             "| size | proved: median s | proved: max s | refuted: median s |", "|---|---|---|---|"]
    for size, v in summary["by_size"].items():
        ref = f"{v['refuted median']:.3f}" if v["refuted median"] is not None else "-"
        lines.append(f"| {size} | {v['proved median']:.3f} | {v['proved max']:.3f} | {ref} |")
    lines += ["", f"Growth exponent of the proved median against size: {summary['growth exponent (proved)']:.2f}",
              f"Growth exponent of the refuted median: {summary['growth exponent (refuted)']}",
              f"Goal (median < 1 s at 64x64 for canonical-form proofs): "
              f"{'met' if summary['goal: proved median at 64x64 < 1 s'] else 'NOT met'}",
              f"Wrong verdicts: {len(summary['wrong'])}", "", "| size | step | status | median s | method |",
              "|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['size']} | {r['step']} | {r['status']} | {r['median']:.3f} | {r['method'][:70]} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="sizes 2, 8, 64 only, one repetition")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    sizes = (2, 8, 64) if args.quick else SIZES
    rows = measure(1 if args.quick else args.repeat, sizes)
    summary = summarise(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "matrices.json").write_text(json.dumps({"rows": rows, "summary": summary}, indent=1, default=str))
    text = report(rows, summary)
    (RESULTS / "matrices.md").write_text(text)
    print(text)
    return 0 if not summary["wrong"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
